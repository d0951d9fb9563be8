import { InvalidArgument } from "@relata/platform";
import { queryFields } from "./index";

/** What a search asks, checked; `publicOnly` for partner clients. */
export interface SearchParams {
  tenantId: string;
  query: string;
  category?: string;
  language?: string;
  product?: string;
  visibility?: string;
  publicOnly: boolean;
  size: number;
  /** The sort values of the previous page's last hit. */
  after?: unknown[];
}

/** The filters every search and suggestion runs under: the tenant first, in the engine. */
function scope(p: { tenantId: string; language?: string; product?: string; visibility?: string; publicOnly: boolean }): unknown[] {
  const filter: unknown[] = [{ term: { tenantId: p.tenantId } }];
  if (p.language) filter.push({ term: { language: p.language } });
  if (p.product) filter.push({ term: { product: p.product } });
  if (p.visibility) filter.push({ term: { visibility: p.visibility } });
  if (p.publicOnly) filter.push({ term: { visibility: "public" } });
  return filter;
}

const HIGHLIGHT = {
  pre_tags: ["<mark>"],
  post_tags: ["</mark>"],
  // The text around the marks is HTML-escaped: an article's words cannot become markup.
  encoder: "html",
  fragment_size: 160,
  number_of_fragments: 3,
  fields: { "title_*": { number_of_fragments: 0 }, "summary_*": {}, "body_*": {} },
};

const SOURCE = ["articleId", "title", "summary", "category", "language", "product", "visibility", "publishedVersion"];

/**
 * A ranked (BM25) match of the words over titles, summaries and bodies in the language's
 * analyzer, typo-tolerant (fuzziness AUTO), with highlights; the category filter applies after
 * the counts per category, so they show every category the other filters leave.
 */
export function searchBody(p: SearchParams): Record<string, unknown> {
  return {
    size: p.size,
    track_total_hits: true,
    _source: SOURCE,
    query: {
      bool: {
        must: [{ multi_match: { query: p.query, fields: queryFields(p.language), type: "best_fields", fuzziness: "AUTO", prefix_length: 1 } }],
        filter: scope(p),
      },
    },
    ...(p.category ? { post_filter: { term: { category: p.category } } } : {}),
    aggs: { categories: { terms: { field: "category", size: 100, missing: "" } } },
    highlight: HIGHLIGHT,
    sort: [{ _score: "desc" }, { articleId: "asc" }],
    ...(p.after ? { search_after: p.after } : {}),
  };
}

/** Articles most like a case's text (more-like-this), filtered by product and language. */
export function suggestBody(p: { tenantId: string; text: string; language?: string; product?: string; publicOnly: boolean; size: number }): Record<string, unknown> {
  return {
    size: p.size,
    _source: SOURCE,
    query: {
      bool: {
        must: [
          {
            more_like_this: {
              fields: queryFields(p.language).map((f) => f.replace(/\^\d+$/, "")),
              like: p.text,
              // Knowledge bases are small: a word that occurs once is still a signal.
              min_term_freq: 1,
              min_doc_freq: 1,
              max_query_terms: 30,
              minimum_should_match: "20%",
            },
          },
        ],
        filter: scope(p),
      },
    },
    highlight: HIGHLIGHT,
  };
}

/** The cursor of a page: the last hit's sort values, opaque to callers. */
export const encodeCursor = (sort: unknown[]): string => Buffer.from(JSON.stringify(sort)).toString("base64url");

export function decodeCursor(cursor: string): unknown[] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === "number" && typeof value[1] === "string") return value;
  } catch {
    // Falls through to the refusal.
  }
  throw new InvalidArgument("cursor", "must be a cursor from a previous page");
}

/** A hit's highlights, by field without its language suffix ("body_de" → body). */
export function highlightsOf(highlight: Record<string, string[]> | undefined): { title: string[]; summary: string[]; body: string[] } {
  const out = { title: [] as string[], summary: [] as string[], body: [] as string[] };
  for (const [field, fragments] of Object.entries(highlight ?? {})) {
    const base = field.split("_")[0] as keyof typeof out;
    if (base in out) out[base].push(...fragments);
  }
  return out;
}
