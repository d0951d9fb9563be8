import { outboxFields, recordFields, withTenantIndexes, type Stored } from "@relata/platform";
import { Schema, type Connection, type Model } from "mongoose";
import type { HistoryEntryRecord } from "../domain/case-history";
import { COMMENT_VISIBILITIES, type CommentRecord } from "../domain/comment";
import type { FeedbackRecord } from "../domain/feedback";
import type { SalesRefRecord } from "../domain/sales-refs";
import type { SettingsRecord } from "../domain/settings";

/** The collections of a case's conversation, feedback, history, the tenant's settings and the copy of Sales' records. */

const options = { versionKey: false as const, strict: true, minimize: false, id: false };
const requiredStr = { type: String, required: true };
const str = { type: String, default: "" };

export const commentSchema = withTenantIndexes(
  new Schema<Stored<CommentRecord>>(
    {
      ...recordFields,
      caseId: requiredStr,
      visibility: { type: String, enum: COMMENT_VISIBILITIES, required: true },
      authorId: requiredStr,
      body: requiredStr,
      replyPending: { type: Boolean, required: false },
    },
    { ...options, collection: "case_comments" },
  ),
  [{ caseId: 1, createdAt: 1, _id: 1 }],
);
// The sweep of replies a stopped process left half done looks for these, across tenants.
commentSchema.index({ replyPending: 1, createdAt: 1 }, { sparse: true });

// One per case: `_id` is the case's id, so a second insert fails (atomic under concurrency).
export const feedbackSchema = new Schema<Stored<FeedbackRecord>>(
  {
    _id: requiredStr,
    tenantId: requiredStr,
    score: { type: Number, required: true },
    comment: str,
    givenBy: requiredStr,
    givenAt: { type: Date, required: true },
    ...outboxFields,
  },
  { ...options, collection: "case_feedback" },
);

export const historyEntrySchema = new Schema<HistoryEntryRecord>(
  {
    _id: requiredStr,
    tenantId: requiredStr,
    caseId: requiredStr,
    kind: requiredStr,
    summary: str,
    actorId: str,
    occurredAt: { type: Date, required: true },
    status: { type: String, required: false },
    ownerId: { type: String, required: false },
    queueId: { type: String, required: false },
    priority: { type: String, required: false },
  },
  { ...options, collection: "case_history" },
);
historyEntrySchema.index({ tenantId: 1, caseId: 1, occurredAt: 1, _id: 1 });

export const settingsSchema = new Schema<SettingsRecord>(
  {
    _id: requiredStr,
    tenantId: requiredStr,
    reopenWindowDays: { type: Number, required: true },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { ...options, collection: "service_settings" },
);

export const salesRefSchema = new Schema<SalesRefRecord>(
  {
    _id: requiredStr,
    tenantId: requiredStr,
    type: { type: String, enum: ["account", "contact"], required: true },
    accountId: str,
    deleted: { type: Boolean, required: true },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { ...options, collection: "sales_refs" },
);
salesRefSchema.index({ tenantId: 1, _id: 1 });

export interface CaseModels {
  comments: Model<Stored<CommentRecord>>;
  feedback: Model<Stored<FeedbackRecord>>;
  history: Model<HistoryEntryRecord>;
  settings: Model<SettingsRecord>;
  salesRefs: Model<SalesRefRecord>;
}

export function createCaseModels(db: Connection): CaseModels {
  return {
    comments: db.model<Stored<CommentRecord>>("CaseComment", commentSchema),
    feedback: db.model<Stored<FeedbackRecord>>("CaseFeedback", feedbackSchema),
    history: db.model<HistoryEntryRecord>("CaseHistoryEntry", historyEntrySchema),
    settings: db.model<SettingsRecord>("ServiceSettings", settingsSchema),
    salesRefs: db.model<SalesRefRecord>("SalesRef", salesRefSchema),
  };
}
