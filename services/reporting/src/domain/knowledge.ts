import type { SqlValue } from "@relata/platform/projection";
import { all, equalsIfGiven, withinDays, type Condition } from "../facts/sql";

/**
 * The Knowledge-Base dashboard over a range: reading (views, feedback, links to cases),
 * searching (searches, those that found nothing), the most read articles and the searches that
 * most often found nothing. docs/reporting.md defines each figure.
 */

export const DEFAULT_TOP = 10;
export const MAX_TOP = 100;

export interface KnowledgeFilters {
  tenantId: string;
  from: string;
  to: string;
  category: string;
  language: string;
  timeZone: string;
  limit: number;
}

export interface TopArticleFigures {
  articleId: string;
  title: string;
  views: number;
  helpful: number;
  notHelpful: number;
  casesSolved: number;
}

export interface KnowledgeFigures {
  views: number;
  searches: number;
  searchesWithoutResults: number;
  noResultRate: number;
  helpful: number;
  notHelpful: number;
  linkedToCases: number;
  topArticles: TopArticleFigures[];
  emptySearches: { query: string; count: number }[];
}

/** How many top rows a request asks for: 0 (not given) is the default; never more than the maximum. */
export function topLimit(requested: number): number {
  if (!requested || requested < 1) return DEFAULT_TOP;
  return Math.min(Math.floor(requested), MAX_TOP);
}

/** The search text an empty search is grouped under: trimmed, lower case, inner blanks as one space. */
export function searchKey(query: string): string {
  return query.trim().toLowerCase().replace(/\s+/g, " ");
}

type Query = { sql: string; params: SqlValue[] };

/** The tenant, the range on `occurredAt` and the category and language of rows that carry them (views, searches). */
function ownRows(alias: string, f: KnowledgeFilters): Condition {
  return all(
    { sql: `${alias}.tenant_id = ?`, params: [f.tenantId] },
    withinDays(`${alias}.occurred_at`, f.from, f.to, f.timeZone),
    equalsIfGiven(`${alias}.category`, f.category),
    equalsIfGiven(`${alias}.language`, f.language),
  );
}

/**
 * Rows about an article that do not carry its category or language (feedback, links): in the
 * range, and, when a category or language is asked for, of an article of the store that has it.
 */
function articleRows(alias: string, f: KnowledgeFilters): Condition {
  const parts: Condition[] = [{ sql: `${alias}.tenant_id = ?`, params: [f.tenantId] }, withinDays(`${alias}.occurred_at`, f.from, f.to, f.timeZone)];
  if (f.category || f.language) {
    const of = all({ sql: "a.tenant_id = ?", params: [f.tenantId] }, equalsIfGiven("a.category", f.category), equalsIfGiven("a.language", f.language));
    parts.push({ sql: `${alias}.article_id IN (SELECT a.article_id FROM articles a WHERE ${of.sql})`, params: of.params });
  }
  return all(...parts);
}

/** The lowered, trimmed text of a search (SQL twin of searchKey). */
const SEARCH_KEY = "regexp_replace(lower(trim(e.query)), '\\s+', ' ', 'g')";

/** One row of totals. */
export function knowledgeTotalsQuery(f: KnowledgeFilters): Query {
  const views = ownRows("v", f);
  const searches = ownRows("s", f);
  const empty = ownRows("e", f);
  const feedback = articleRows("fb", f);
  const links = articleRows("l", f);
  return {
    sql: `SELECT
      (SELECT count(*) FROM article_views v WHERE ${views.sql}) AS views,
      (SELECT count(*) FROM searches s WHERE ${searches.sql}) AS searches,
      (SELECT count(*) FROM empty_searches e WHERE ${empty.sql}) AS searches_without_results,
      (SELECT count(*) FILTER (WHERE fb.helpful) FROM article_feedback fb WHERE ${feedback.sql}) AS helpful,
      (SELECT count(*) FILTER (WHERE NOT fb.helpful) FROM article_feedback fb WHERE ${feedback.sql}) AS not_helpful,
      (SELECT count(*) FROM article_case_links l WHERE ${links.sql}) AS linked_to_cases`,
    params: [...views.params, ...searches.params, ...empty.params, ...feedback.params, ...feedback.params, ...links.params],
  };
}

/**
 * The most viewed articles in the range (views desc, then id), with their feedback and the
 * resolved or closed cases linked to them in the range; articles deleted since are left out.
 */
export function topArticlesQuery(f: KnowledgeFilters): Query {
  const views = ownRows("v", f);
  const feedback = articleRows("fb", f);
  const links = articleRows("l", f);
  return {
    sql: `
      WITH viewed AS (
        SELECT v.article_id, count(*) AS views FROM article_views v WHERE ${views.sql} GROUP BY v.article_id),
      feedback AS (
        SELECT fb.article_id, count(*) FILTER (WHERE fb.helpful) AS helpful, count(*) FILTER (WHERE NOT fb.helpful) AS not_helpful
        FROM article_feedback fb WHERE ${feedback.sql} GROUP BY fb.article_id),
      solved AS (
        SELECT l.article_id, count(*) AS cases_solved
        FROM article_case_links l JOIN cases c ON c.tenant_id = l.tenant_id AND c.case_id = l.case_id
        WHERE ${links.sql} AND NOT c.deleted AND (c.resolved_at IS NOT NULL OR c.status IN ('resolved', 'closed'))
        GROUP BY l.article_id)
      SELECT viewed.article_id, COALESCE(a.title, '') AS title, viewed.views,
        COALESCE(feedback.helpful, 0) AS helpful, COALESCE(feedback.not_helpful, 0) AS not_helpful,
        COALESCE(solved.cases_solved, 0) AS cases_solved
      FROM viewed
        LEFT JOIN articles a ON a.tenant_id = ? AND a.article_id = viewed.article_id
        LEFT JOIN feedback ON feedback.article_id = viewed.article_id
        LEFT JOIN solved ON solved.article_id = viewed.article_id
      WHERE NOT COALESCE(a.deleted, FALSE)
      ORDER BY viewed.views DESC, viewed.article_id
      LIMIT ?`,
    params: [...views.params, ...feedback.params, ...links.params, f.tenantId, f.limit],
  };
}

/** The searches that most often found nothing in the range, grouped by their text (searchKey). */
export function emptySearchesQuery(f: KnowledgeFilters): Query {
  const empty = ownRows("e", f);
  return {
    sql: `SELECT ${SEARCH_KEY} AS query, count(*) AS count FROM empty_searches e
      WHERE ${empty.sql} AND e.query IS NOT NULL AND trim(e.query) <> ''
      GROUP BY 1 ORDER BY count DESC, query LIMIT ?`,
    params: [...empty.params, f.limit],
  };
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/** The dashboard from its three queries' rows. */
export function knowledgeFigures(totals: Record<string, unknown> | undefined, top: readonly Record<string, unknown>[], empty: readonly Record<string, unknown>[]): KnowledgeFigures {
  const n = (key: string) => Number(totals?.[key] ?? 0);
  return {
    views: n("views"),
    searches: n("searches"),
    searchesWithoutResults: n("searches_without_results"),
    noResultRate: ratio(n("searches_without_results"), n("searches")),
    helpful: n("helpful"),
    notHelpful: n("not_helpful"),
    linkedToCases: n("linked_to_cases"),
    topArticles: top.map((r) => ({
      articleId: String(r.article_id),
      title: String(r.title),
      views: Number(r.views),
      helpful: Number(r.helpful),
      notHelpful: Number(r.not_helpful),
      casesSolved: Number(r.cases_solved),
    })),
    emptySearches: empty.map((r) => ({ query: String(r.query), count: Number(r.count) })),
  };
}
