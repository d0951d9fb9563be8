import type { SearchArticlesResponse, SearchHit } from "@relata/proto/knowledge/v1/search";
import { Id, named, orNull, PAGE_CURSOR } from "@relata/platform/http";
import { z } from "zod";
import { articleVisibility, LANGUAGE_TAG } from "../../resources";

// The article's own rule: at most 35 characters, a BCP 47 shape.
const Language = z.string().max(35, "must be at most 35 characters").regex(LANGUAGE_TAG.regex, LANGUAGE_TAG.message);

export const SearchQuery = z.strictObject({
  q: z.string().trim().min(1, "is required").max(500).meta({ description: "The words to find (typos tolerated)." }),
  category: z.string().min(1).max(100).optional(),
  language: Language.optional().meta({ description: "Only articles in this language, matched with its analyzer." }),
  product: z.string().min(1).max(200).optional(),
  visibility: articleVisibility.schema.optional(),
  limit: z.coerce.number().int().min(1).max(50).optional().meta({ description: "Hits per page, 1..50 (default 10)." }),
  cursor: PAGE_CURSOR.optional(),
});

export const SuggestQuery = z.strictObject({
  language: Language.optional().meta({ description: "Only articles in this language." }),
  limit: z.coerce.number().int().min(1).max(20).optional().meta({ description: "How many, 1..20 (default 5)." }),
});

const Highlights = z.object({
  title: z.array(z.string()),
  summary: z.array(z.string()),
  body: z.array(z.string()),
});

const SearchHitJson = named(
  "ArticleSearchHit",
  z.object({
    articleId: Id,
    title: z.string(),
    summary: z.string().nullable(),
    category: z.string().nullable(),
    language: z.string(),
    product: z.string().nullable(),
    visibility: articleVisibility.schema,
    publishedVersion: z.number().int(),
    score: z.number(),
    highlights: Highlights.meta({ description: "Fragments around the matched words, each match in <mark>…</mark>, the rest HTML-escaped." }),
  }),
  "A published article that matched.",
);

export const SearchResultJson = named(
  "ArticleSearchResult",
  z.object({
    data: z.array(SearchHitJson),
    total: z.number().int().meta({ description: "Matches in all (the category filter included)." }),
    categories: z
      .array(z.object({ category: z.string().nullable(), count: z.number().int() }))
      .meta({ description: "Matches per category, whatever the category filter (null: without a category)." }),
    nextCursor: z.string().nullable(),
  }),
  "Published articles matching the words, best first.",
);

export const SuggestionsJson = named("ArticleSuggestions", z.object({ data: z.array(SearchHitJson) }), "The published articles most like the case, best first.");

export function searchHitJson(h: SearchHit): z.output<typeof SearchHitJson> {
  return {
    articleId: h.articleId,
    title: h.title,
    summary: orNull(h.summary),
    category: orNull(h.category),
    language: h.language,
    product: orNull(h.product),
    visibility: articleVisibility.fromProto(h.visibility) ?? "internal",
    publishedVersion: h.publishedVersion,
    score: h.score,
    highlights: { title: h.highlights?.title ?? [], summary: h.highlights?.summary ?? [], body: h.highlights?.body ?? [] },
  };
}

export function searchResultJson(r: SearchArticlesResponse): z.output<typeof SearchResultJson> {
  return {
    data: r.hits.map(searchHitJson),
    total: r.total,
    categories: r.categories.map((c) => ({ category: orNull(c.category), count: c.count })),
    nextCursor: r.nextCursor || null,
  };
}
