import { CreateArticleRequest, ListArticlesRequest, UpdateArticleRequest, type Article } from "@relata/proto/knowledge/v1/article";
import { toJson } from "@relata/platform/resource";
import { crudRoutes, IdParams, listReply, ok, page, route, type HandlerContext, type RouteSpec } from "@relata/platform/http";
import type { KnowledgeClients } from "../../client";
import { article } from "../../resources";
import { articleJson, ArticleReject, ArticleReview, articleVersionJson, ArticleVersionPage, FeedbackInput, FeedbackJson, feedbackJson, VersionsQuery } from "../schemas/articles";

/** The permission rows of the article's custom verbs (the gateway's table holds them). */
export const ARTICLE_OPERATIONS = {
  versions: "articles.versions",
  submit: "articles.submit",
  review: "articles.review",
  feedback: "articles.feedback",
} as const;

export function articleRoutes(knowledge: KnowledgeClients): RouteSpec[] {
  const reply = (a: Article) => ({ body: toJson(article, a), version: a.version });
  type Review = HandlerContext<{ id: string }, unknown, { comment?: string }>;
  const review = (
    verb: "submit" | "approve" | "reject" | "archive",
    operation: string,
    summary: string,
    call: (request: { id: string; expectedVersion: string; comment: string }, ctx: Review) => Promise<Article>,
  ) =>
    route({
      operationId: `${verb}Article`,
      method: "post",
      path: `/v1/articles/:id/${verb}`,
      operation,
      tag: "Articles",
      summary,
      params: IdParams,
      body: verb === "reject" ? ArticleReject : ArticleReview,
      ifMatch: "optional",
      responses: { 200: ok(ArticleJson, "The article after the step.") },
      handler: async (ctx) => reply(await call({ id: ctx.params.id, expectedVersion: ctx.expectedVersion, comment: ctx.body.comment ?? "" }, ctx)),
    });

  const routes = crudRoutes(
      article,
      {
        list: async (request, call) => {
          const res = await knowledge.articles.listArticles(ListArticlesRequest.fromPartial(request), call);
          return { records: res.articles, nextCursor: res.page?.nextCursor };
        },
        create: (request, call) => knowledge.articles.createArticle(CreateArticleRequest.fromPartial(request), call),
        get: (request, call) => knowledge.articles.getArticle(request, call),
        update: (request, call) => knowledge.articles.updateArticle(UpdateArticleRequest.fromPartial(request), call),
        delete: (request, call) => knowledge.articles.deleteArticle(request, call),
        restore: (request, call) => knowledge.articles.restoreArticle(request, call),
      },
      {
        tag: "Articles",
        summaries: {
          get: "An article: editors read its latest version, readers its published one (partner clients: public articles only)",
          list: "Articles: editors list every article, readers the published ones (partner clients: public ones only)",
          update: "Edit an article: a change of its content makes a new version, a draft again (the published one stays served until it is approved)",
        },
      },
    );
  const ArticleJson = articleJson();
  return [
    ...routes,
    route({
      operationId: "listArticleVersions",
      method: "get",
      path: "/v1/articles/:id/versions",
      operation: ARTICLE_OPERATIONS.versions,
      tag: "Articles",
      summary: "Every version of an article, newest first, each with who made it and when",
      params: IdParams,
      query: VersionsQuery,
      responses: { 200: page(ArticleVersionPage) },
      handler: async (ctx) => {
        const res = await knowledge.articles.listArticleVersions({ id: ctx.params.id, page: { pageSize: ctx.query.limit ?? 0, cursor: ctx.query.cursor ?? "", sort: "" } }, ctx.call);
        return listReply(ctx, res.versions.map(articleVersionJson), res.page?.nextCursor);
      },
    }),
    review("submit", ARTICLE_OPERATIONS.submit, "Send an article's latest version for review (409 unless it is a draft)", (r, ctx) => knowledge.articles.submitArticle(r, ctx.call)),
    review("approve", ARTICLE_OPERATIONS.review, "Approve the version in review: it is published, replacing the one readers saw (409 for its own author)", (r, ctx) =>
      knowledge.articles.approveArticle(r, ctx.call),
    ),
    review("reject", ARTICLE_OPERATIONS.review, "Send the version in review back to draft, saying why (409 for its own author)", (r, ctx) => knowledge.articles.rejectArticle(r, ctx.call)),
    review("archive", ARTICLE_OPERATIONS.submit, "Withdraw an article from readers", (r, ctx) => knowledge.articles.archiveArticle(r, ctx.call)),
    route({
      operationId: "giveArticleFeedback",
      method: "post",
      path: "/v1/articles/:id/feedback",
      operation: ARTICLE_OPERATIONS.feedback,
      tag: "Articles",
      summary: "Say whether the published article helped (once per reader per published version: 409 after)",
      params: IdParams,
      body: FeedbackInput,
      responses: { 201: { description: "The feedback.", schema: FeedbackJson } },
      handler: async (ctx) => {
        const f = await knowledge.articles.giveArticleFeedback({ id: ctx.params.id, helpful: ctx.body.helpful, comment: ctx.body.comment ?? "" }, ctx.call);
        return { status: 201, body: feedbackJson(f) };
      },
    }),
  ];
}
