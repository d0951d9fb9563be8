import { route, type RouteSpec } from "@relata/platform/http";
import type { KnowledgeClients } from "../../client";
import { CaseIdParams, LinkInput, linkJson, linkSchemas } from "../schemas/articles";

/** The permission rows of the case routes the Knowledge-Base serves. */
export const CASE_ARTICLE_OPERATIONS = { link: "cases.link_article", linked: "cases.linked_articles" } as const;

export function caseArticleRoutes(knowledge: KnowledgeClients): RouteSpec[] {
  const { Link, LinkList } = linkSchemas();
  return [
    route({
      operationId: "linkCaseArticle",
      method: "post",
      path: "/v1/cases/:id/linked-articles",
      operation: CASE_ARTICLE_OPERATIONS.link,
      tag: "Articles",
      summary: "Link an article to the case it solved (linking it again answers the link as it is)",
      params: CaseIdParams,
      body: LinkInput,
      responses: { 200: { description: "The link.", schema: Link } },
      handler: async (ctx) => ({ body: linkJson(await knowledge.caseArticles.linkArticle({ caseId: ctx.params.id, articleId: ctx.body.articleId }, ctx.call)) }),
    }),
    route({
      operationId: "listCaseLinkedArticles",
      method: "get",
      path: "/v1/cases/:id/linked-articles",
      operation: CASE_ARTICLE_OPERATIONS.linked,
      tag: "Articles",
      summary: "The articles linked to a case as its solution, first linked first",
      params: CaseIdParams,
      responses: { 200: { description: "The links.", schema: LinkList } },
      handler: async (ctx) => {
        const res = await knowledge.caseArticles.listLinkedArticles({ caseId: ctx.params.id }, ctx.call);
        return { body: { data: res.links.map(linkJson) } };
      },
    }),
  ];
}
