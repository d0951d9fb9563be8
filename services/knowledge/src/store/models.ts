import { outboxFields, type Stored } from "@relata/platform";
import { mongooseSchema } from "@relata/platform/resource";
import { Schema, type Connection, type Model } from "mongoose";
import type { ArticleRecord, ArticleVersionRecord } from "../domain/types";
import { article } from "../resources";

export const articleSchema = mongooseSchema(article) as unknown as Schema<Stored<ArticleRecord>>;
for (const path of ["language", "visibility", "variantGroup", "status", "contentVersion", "publishedVersion", "authorId", "bodyHtml"]) articleSchema.path(path).required(true);
// Counted when read from the links, feedback and views, never stored.
articleSchema.remove(["casesSolved", "helpfulCount", "notHelpfulCount", "viewCount"]);
articleSchema.add({ published: { type: Schema.Types.Mixed, required: false }, reviewVersion: { type: Number, default: 0 } });
// Readers' lists filter on the published version.
articleSchema.index({ tenantId: 1, "published.contentVersion": 1, "published.visibility": 1 });

const tenantDocument = { _id: { type: String, required: true }, tenantId: { type: String, required: true } };

export const articleVersionSchema = new Schema<ArticleVersionRecord>(
  {
    ...tenantDocument,
    articleId: { type: String, required: true },
    number: { type: Number, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    summary: String,
    category: String,
    tags: { type: [String], default: [] },
    language: { type: String, required: true },
    product: String,
    visibility: { type: String, required: true },
    authorId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
articleVersionSchema.index({ tenantId: 1, articleId: 1, number: -1 });

/** A reader's feedback on a published version: `<tenantId>/<articleId>:<version>:<readerId>`, one each. */
export interface FeedbackRecord {
  _id: string;
  tenantId: string;
  articleId: string;
  articleVersion: number;
  readerId: string;
  helpful: boolean;
  comment: string;
  createdAt: Date;
}

export const feedbackSchema = new Schema<FeedbackRecord>(
  {
    ...tenantDocument,
    articleId: { type: String, required: true },
    articleVersion: { type: Number, required: true },
    readerId: { type: String, required: true },
    helpful: { type: Boolean, required: true },
    comment: { type: String, default: "" },
    createdAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false },
);
feedbackSchema.index({ tenantId: 1, articleId: 1, helpful: 1 });

/** A reader's view in an hour: `<tenantId>/<articleId>:<readerId>:<hour>`, one each. */
export interface ViewRecord {
  _id: string;
  tenantId: string;
  articleId: string;
  readerId: string;
  hour: string;
  at: Date;
}

export const viewSchema = new Schema<ViewRecord>(
  {
    ...tenantDocument,
    articleId: { type: String, required: true },
    readerId: { type: String, required: true },
    hour: { type: String, required: true },
    at: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false },
);
viewSchema.index({ tenantId: 1, articleId: 1 });

/** An article linked to a case it solved: `<tenantId>/<caseId>:<articleId>`, once. */
export interface CaseLinkRecord {
  _id: string;
  tenantId: string;
  caseId: string;
  articleId: string;
  linkedBy: string;
  linkedAt: Date;
}

export const caseLinkSchema = new Schema<CaseLinkRecord>(
  {
    ...tenantDocument,
    caseId: { type: String, required: true },
    articleId: { type: String, required: true },
    linkedBy: { type: String, required: true },
    linkedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false },
);
caseLinkSchema.index({ tenantId: 1, caseId: 1, linkedAt: 1 });
caseLinkSchema.index({ tenantId: 1, articleId: 1 });

/**
 * The Service's cases as the Knowledge-Base knows them, from the `service.case.*` events: enough
 * to check a case exists and to suggest articles for it. `<tenantId>/<caseId>`.
 */
export interface CaseCopyRecord {
  _id: string;
  tenantId: string;
  caseId: string;
  subject: string;
  description: string;
  product: string;
  /** The case's record version the copy holds: an older event never overwrites a newer one. */
  version: number;
  deleted: boolean;
}

export const caseCopySchema = new Schema<CaseCopyRecord>(
  {
    ...tenantDocument,
    caseId: { type: String, required: true },
    subject: { type: String, default: "" },
    description: { type: String, default: "" },
    product: { type: String, default: "" },
    version: { type: Number, required: true },
    deleted: { type: Boolean, default: false },
  },
  { versionKey: false },
);

export interface KnowledgeModels {
  articles: Model<Stored<ArticleRecord>>;
  articleVersions: Model<ArticleVersionRecord>;
  feedback: Model<Stored<FeedbackRecord>>;
  views: Model<Stored<ViewRecord>>;
  caseLinks: Model<Stored<CaseLinkRecord>>;
  caseCopies: Model<CaseCopyRecord>;
}

/** Registers the models on the service's own connection (never the mongoose default one). */
export function createModels(db: Connection): KnowledgeModels {
  return {
    articles: db.model<Stored<ArticleRecord>>("Article", articleSchema),
    articleVersions: db.model<ArticleVersionRecord>("ArticleVersion", articleVersionSchema, "article_versions"),
    feedback: db.model<Stored<FeedbackRecord>>("ArticleFeedback", feedbackSchema as unknown as Schema<Stored<FeedbackRecord>>, "article_feedback"),
    views: db.model<Stored<ViewRecord>>("ArticleView", viewSchema as unknown as Schema<Stored<ViewRecord>>, "article_views"),
    caseLinks: db.model<Stored<CaseLinkRecord>>("CaseArticleLink", caseLinkSchema as unknown as Schema<Stored<CaseLinkRecord>>, "case_article_links"),
    caseCopies: db.model<CaseCopyRecord>("CaseCopy", caseCopySchema, "case_copies"),
  };
}

/** The models whose documents carry an outbox, for the relay: feedback, links and counted views report themselves too. */
export function outboxModels(models: KnowledgeModels): Model<unknown>[] {
  return [models.articles, models.feedback, models.caseLinks, models.views] as unknown as Model<unknown>[];
}
