import { status as GrpcStatus } from "@grpc/grpc-js";
import {
  actorOf,
  AppError,
  expectedVersion,
  id,
  implement,
  isDuplicateKey,
  InvalidArgument,
  NOT_DELETED,
  NotFound,
  RecycleBinInput,
  recycleBinHandlers,
  StateConflict,
  text,
  validate,
  VersionConflict,
  type CallContext,
  type Dependent,
  type ServiceRegistration,
} from "@relata/platform";
import { serviceSchemas } from "@relata/platform/resource";
import { ArticleServiceService, type Article } from "@relata/proto/knowledge/v1/article";
import { z } from "zod";
import { toArticle, toArticleFeedback, toArticleVersion, servedRecord, type ArticleCounts } from "../codec/mappers";
import { renderArticleBody } from "../domain/markdown";
import { CONTENT_FIELDS, type ArticleContent, type ArticleRecord, type ArticleVersionRecord } from "../domain/types";
import { checkTransition, TRANSITION_TO, viewHour, type ArticleAudience, type ArticleTransition } from "../domain/workflow";
import { articleEvent, feedbackEvent, viewEvent, type ArticleChangeKind } from "../events/builders";
import { article } from "../resources";
import type { FeedbackRecord, ViewRecord } from "../store/models";
import { audience } from "./access";
import type { KnowledgeDeps } from "./context";

const described = serviceSchemas(article);

const ReviewInput = z.object({ id: id(), expectedVersion: expectedVersion(), comment: text(2_000) });
const VersionsInput = z.object({ id: id() });
const FeedbackInput = z.object({ id: id(), helpful: z.boolean(), comment: text(2_000) });

/** The request schemas, by RPC (exported for tests). */
export const articleSchemas = {
  createArticle: described.create,
  getArticle: described.get,
  listArticles: described.list,
  updateArticle: described.update,
  deleteArticle: RecycleBinInput,
  restoreArticle: RecycleBinInput,
  listArticleVersions: VersionsInput,
  submitArticle: ReviewInput,
  approveArticle: ReviewInput,
  rejectArticle: ReviewInput,
  archiveArticle: ReviewInput,
  giveArticleFeedback: FeedbackInput,
};

const versionId = (tenantId: string, articleId: string, n: number) => `${tenantId}/${articleId}:${n}`;
const contentOf = (r: ArticleContent): ArticleContent => ({
  title: r.title,
  body: r.body,
  summary: r.summary,
  category: r.category,
  tags: r.tags ?? [],
  language: r.language,
  product: r.product,
  visibility: r.visibility,
});

const EVENT_OF: Record<ArticleTransition, ArticleChangeKind> = { submit: "submitted", approve: "approved", reject: "rejected", archive: "archived" };

export function articleService({ repos, models, publish, logger }: KnowledgeDeps): ServiceRegistration {
  /** The counts of each article of a page, counted from the links, feedback and views (three aggregations). */
  async function countsOf(tenantId: string, articleIds: string[]): Promise<Map<string, ArticleCounts>> {
    const scope = { tenantId, articleId: { $in: articleIds } };
    const [links, feedback, views] = await Promise.all([
      models.caseLinks.aggregate<{ _id: string; n: number }>([{ $match: scope }, { $group: { _id: "$articleId", n: { $sum: 1 } } }]),
      models.feedback.aggregate<{ _id: { articleId: string; helpful: boolean }; n: number }>([
        { $match: scope },
        { $group: { _id: { articleId: "$articleId", helpful: "$helpful" }, n: { $sum: 1 } } },
      ]),
      models.views.aggregate<{ _id: string; n: number }>([{ $match: scope }, { $group: { _id: "$articleId", n: { $sum: 1 } } }]),
    ]);
    const counts = new Map(articleIds.map((id) => [id, { casesSolved: 0, helpfulCount: 0, notHelpfulCount: 0, viewCount: 0 }]));
    for (const l of links) counts.get(l._id)!.casesSolved = l.n;
    for (const v of views) counts.get(v._id)!.viewCount = v.n;
    for (const f of feedback) counts.get(f._id.articleId)![f._id.helpful ? "helpfulCount" : "notHelpfulCount"] = f.n;
    return counts;
  }

  /** An article's answer with its counts. */
  const answer = async (r: ArticleRecord): Promise<Article> => toArticle(r, (await countsOf(r.tenantId, [r._id])).get(r._id));

  /** The article as the caller may see it; NotFound when they may not (as for another tenant's). */
  async function visible(ctx: CallContext, articleId: string): Promise<{ record: ArticleRecord; served: ArticleRecord; who: ArticleAudience }> {
    const record = await repos.articles.in(ctx).get(articleId);
    const who = audience(ctx);
    const served = servedRecord(record, who);
    if (!served) throw new NotFound("article", articleId);
    return { record, served, who };
  }

  /** The newest version kept of an article (the history is what edits build on). */
  const latestVersion = (tenantId: string, articleId: string) =>
    models.articleVersions.findOne({ tenantId, articleId }).sort({ number: -1 }).lean<ArticleVersionRecord>();

  /**
   * Keeps version `n` of an article: the insert of its unique id claims the number, so of two
   * concurrent edits (on any replica) one makes it and the other is told to read again.
   */
  async function keepVersion(tenantId: string, articleId: string, n: number, content: ArticleContent, authorId: string, at: Date): Promise<void> {
    try {
      await models.articleVersions.create([{ _id: versionId(tenantId, articleId, n), tenantId, articleId, number: n, ...content, authorId, createdAt: at }]);
    } catch (err) {
      if (isDuplicateKey(err)) throw new VersionConflict("article", articleId);
      throw err;
    }
  }

  async function transition(which: ArticleTransition, request: unknown, ctx: CallContext): Promise<Article> {
    const input = validate(ReviewInput, request);
    const actor = actorOf(ctx);
    // The gateway lets only editors review; a direct gRPC caller is held to the same rule.
    if ((which === "approve" || which === "reject") && audience(ctx) !== "editor") {
      throw new AppError(GrpcStatus.PERMISSION_DENIED, "only editors approve or reject articles");
    }
    const updated = await repos.articles.in(ctx).update(input.id, input.expectedVersion, (current) => {
      checkTransition(which, current, actor.actorId, input.comment);
      const now = new Date();
      const set: Partial<ArticleRecord> = { status: TRANSITION_TO[which] };
      if (which === "submit") set.reviewVersion = current.contentVersion;
      if (which === "reject") set.reviewVersion = 0;
      if (which === "approve") {
        // The new version replaces the served one in this one write.
        set.reviewVersion = 0;
        set.publishedVersion = current.contentVersion;
        set.publishedAt = now;
        set.published = { ...contentOf(current), bodyHtml: current.bodyHtml, contentVersion: current.contentVersion, authorId: current.authorId, publishedAt: now };
      }
      if (which === "archive") {
        set.reviewVersion = 0;
        set.published = null;
      }
      return { set, events: (next, a) => [articleEvent(EVENT_OF[which], next, a, input.comment)] };
    });
    return answer(updated);
  }

  // The article a variant group is named after stays while other articles are in its group.
  const variants: Dependent = {
    what: "article (language variant)",
    count: (tenantId, articleId) => models.articles.countDocuments({ tenantId, variantGroup: articleId, _id: { $ne: articleId }, ...NOT_DELETED }),
  };
  const bin = recycleBinHandlers(repos.articles, (r) => toArticle(r), (kind, r, actor) => articleEvent(kind, r, actor), { delete: { dependents: [variants] } });

  return implement(
    ArticleServiceService,
    {
      async createArticle(request, ctx) {
        const input = validate(described.create, request);
        const tenant = repos.articles.in(ctx);
        const authorId = tenant.actor.actorId;
        const record = await tenant.create({
          idempotencyKey: input.idempotencyKey,
          request: input,
          build: async ({ id: articleId, now }) => {
            const { idempotencyKey: _key, variantGroup, ...fields } = input;
            // A variant joins the group of the article it is a variant of.
            const group = variantGroup ? (await tenant.require(variantGroup, "variant_group")).variantGroup : articleId;
            const content = {
              ...fields,
              summary: fields.summary ?? "",
              category: fields.category ?? "",
              product: fields.product ?? "",
              tags: fields.tags ?? [],
              language: fields.language || "en",
              visibility: fields.visibility || ("internal" as const),
            };
            await keepVersion(tenant.tenantId, articleId, 1, content, authorId, now);
            return {
              ...content,
              bodyHtml: renderArticleBody(content.body),
              variantGroup: group,
              status: "draft" as const,
              contentVersion: 1,
              publishedVersion: 0,
              authorId,
              reviewVersion: 0,
              published: null,
            };
          },
          events: (created, actor) => [articleEvent("created", created, actor)],
        });
        return toArticle(record);
      },

      async getArticle(request, ctx) {
        const input = validate(described.get, request);
        const { served, who } = await visible(ctx, input.id);
        if (who !== "editor") await countView(ctx, served);
        return answer(served);
      },

      async listArticles(request, ctx) {
        const { status, ...filters } = validate(described.list, request);
        const who = audience(ctx);
        let where: Record<string, unknown>;
        if (who === "editor") {
          where = { ...filters, status };
        } else {
          // Readers list what is published, filtered on the published version.
          const published = Object.fromEntries(Object.entries(filters).map(([k, v]) => [k === "variantGroup" ? k : `published.${k}`, v]));
          where = { ...published, "published.contentVersion": { $gte: 1 } };
          // Partner clients list public articles only; nobody but editors lists another status.
          if (who === "public") where["published.visibility"] = "public";
          const nothing = (status && status !== "published") || (who === "public" && filters.visibility === "internal");
          if (nothing) where._id = { $in: [] };
        }
        const { rows, nextCursor } = await repos.articles.in(ctx).list(where, request.page);
        const counts = await countsOf(repos.articles.in(ctx).tenantId, rows.map((r) => r._id));
        const articles = rows.map((r) => toArticle(servedRecord(r, who) ?? r, counts.get(r._id)));
        return { articles, page: { nextCursor } };
      },

      async updateArticle(request, ctx) {
        const { id: articleId, expectedVersion: expected, ...fields } = validate(described.update, request);
        const tenant = repos.articles.in(ctx);
        const current = await tenant.get(articleId);
        if (expected && current.version !== expected) throw new VersionConflict("article", articleId);
        // The kept history is what an edit builds on: an edit cut short after keeping its
        // version (before the article took it) is not lost, the next one carries it.
        const latest = await latestVersion(tenant.tenantId, articleId);
        const base = latest ? contentOf(latest) : contentOf(current);
        const changed: Partial<ArticleContent> = {};
        for (const key of CONTENT_FIELDS) {
          const value = fields[key];
          if (value === undefined) continue;
          if (JSON.stringify(value) !== JSON.stringify(base[key] ?? "")) Object.assign(changed, { [key]: value });
        }
        const behind = latest !== null && latest.number > current.contentVersion;
        if (Object.keys(changed).length === 0 && !behind) return answer(current);
        const next = { ...base, ...changed };
        const n = (latest?.number ?? current.contentVersion) + 1;
        const authorId = tenant.actor.actorId;
        await keepVersion(tenant.tenantId, articleId, n, next, authorId, new Date());
        const updated = await tenant.update(articleId, expected, (now) => {
          if (now.contentVersion >= n) return null;
          // An edit makes a draft again; a published version stays served until the new one is approved.
          const set: Partial<ArticleRecord> = { ...next, summary: next.summary ?? "", category: next.category ?? "", product: next.product ?? "", bodyHtml: renderArticleBody(next.body), contentVersion: n, authorId, status: "draft", reviewVersion: 0 };
          return { set, events: (r, a) => [articleEvent("updated", r, a)] };
        });
        return answer(updated);
      },

      deleteArticle: bin.delete,
      restoreArticle: bin.restore,

      async listArticleVersions(request, ctx) {
        const input = validate(VersionsInput, request);
        if (audience(ctx) !== "editor") throw new NotFound("article", input.id, `only editors read the versions of article ${input.id}`);
        const current = await repos.articles.in(ctx).get(input.id);
        const page = request.page;
        const size = Math.min(Math.max(page?.pageSize || 50, 1), 200);
        const before = page?.cursor ? Number.parseInt(page.cursor, 10) : Number.MAX_SAFE_INTEGER;
        if (!Number.isSafeInteger(before) || before < 1) throw new InvalidArgument("page.cursor", "must be a cursor from a previous page");
        const rows = await models.articleVersions
          .find({ tenantId: current.tenantId, articleId: current._id, number: { $lt: before } })
          .sort({ number: -1 })
          .limit(size + 1)
          .lean<ArticleVersionRecord[]>();
        const shown = rows.slice(0, size);
        return { versions: shown.map(toArticleVersion), page: { nextCursor: rows.length > size ? String(shown[shown.length - 1]!.number) : "" } };
      },

      submitArticle: (request, ctx) => transition("submit", request, ctx),
      approveArticle: (request, ctx) => transition("approve", request, ctx),
      rejectArticle: (request, ctx) => transition("reject", request, ctx),
      archiveArticle: (request, ctx) => transition("archive", request, ctx),

      async giveArticleFeedback(request, ctx) {
        const input = validate(FeedbackInput, request);
        const { served } = await visible(ctx, input.id);
        if (!served.publishedVersion) throw new StateConflict(`article ${input.id} has no published version to give feedback on`, "id");
        const actor = actorOf(ctx);
        const record: FeedbackRecord = {
          _id: `${actor.tenantId}/${served._id}:${served.publishedVersion}:${actor.actorId}`,
          tenantId: actor.tenantId,
          articleId: served._id,
          articleVersion: served.publishedVersion,
          readerId: actor.actorId,
          helpful: input.helpful,
          comment: input.comment,
          createdAt: new Date(),
        };
        try {
          await models.feedback.create([{ ...record, outbox: [feedbackEvent(record, actor)] }]);
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          throw new StateConflict(`you already gave feedback on version ${served.publishedVersion} of article ${served._id}`, "id");
        }
        publish(models.feedback, record._id);
        return toArticleFeedback(record);
      },
    },
    logger,
  );

  /**
   * One view per reader per article per hour: the insert of its unique id counts it once, and
   * carries its `knowledge.article.viewed` in the same write (a repeat inserts nothing, so reports nothing).
   */
  async function countView(ctx: CallContext, served: ArticleRecord): Promise<void> {
    const actor = actorOf(ctx);
    const at = new Date();
    const hour = viewHour(at);
    const view: ViewRecord = { _id: `${actor.tenantId}/${served._id}:${actor.actorId}:${hour}`, tenantId: actor.tenantId, articleId: served._id, readerId: actor.actorId, hour, at };
    try {
      await models.views.create([{ ...view, outbox: [viewEvent(view, served, actor)] }]);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return;
    }
    publish(models.views, view._id);
  }
}
