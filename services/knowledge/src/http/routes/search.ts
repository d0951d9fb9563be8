import { ArticleVisibility } from "@relata/proto/knowledge/v1/article";
import { route, type RouteSpec } from "@relata/platform/http";
import { articleVisibility } from "../../resources";
import type { KnowledgeClients } from "../../client";
import { CaseIdParams } from "../schemas/articles";
import { SearchQuery, searchHitJson, searchResultJson, SearchResultJson, SuggestionsJson, SuggestQuery } from "../schemas/search";

/** The permission rows of search and suggestions. */
export const SEARCH_OPERATIONS = { search: "articles.search", suggest: "cases.suggested_articles" } as const;

/** Search; listed before the article's own routes, so that /v1/articles/search is not read as an id. */
export function searchRoutes(knowledge: KnowledgeClients): RouteSpec[] {
  return [
    route({
      operationId: "searchArticles",
      method: "get",
      path: "/v1/articles/search",
      operation: SEARCH_OPERATIONS.search,
      tag: "Articles",
      summary: "Search the published articles: ranked, highlighted, with counts per category (partner clients: public articles only)",
      description: "While the search engine is down: 503 with Retry-After; every other route keeps working.",
      query: SearchQuery,
      responses: { 200: { description: "The matches, best first.", schema: SearchResultJson } },
      handler: async (ctx) => {
        const q = ctx.query;
        const res = await knowledge.search.searchArticles(
          {
            query: q.q,
            category: q.category ?? "",
            language: q.language ?? "",
            product: q.product ?? "",
            visibility: q.visibility ? articleVisibility.toProto(q.visibility) : ArticleVisibility.ARTICLE_VISIBILITY_UNSPECIFIED,
            pageSize: q.limit ?? 0,
            cursor: q.cursor ?? "",
          },
          ctx.call,
        );
        return { body: searchResultJson(res) };
      },
    }),
  ];
}

export function suggestionRoutes(knowledge: KnowledgeClients): RouteSpec[] {
  return [
    route({
      operationId: "listCaseSuggestedArticles",
      method: "get",
      path: "/v1/cases/:id/suggested-articles",
      operation: SEARCH_OPERATIONS.suggest,
      tag: "Articles",
      summary: "The published articles most like a case's subject and description, filtered by its product (and a language)",
      description: "While the search engine is down: 503 with Retry-After.",
      params: CaseIdParams,
      query: SuggestQuery,
      responses: { 200: { description: "The suggestions, best first.", schema: SuggestionsJson } },
      handler: async (ctx) => {
        const res = await knowledge.search.suggestArticles({ caseId: ctx.params.id, language: ctx.query.language ?? "", limit: ctx.query.limit ?? 0 }, ctx.call);
        return { body: { data: res.hits.map(searchHitJson) } };
      },
    }),
  ];
}
