import { enumCodec } from "@relata/platform";
import { CaseAction, CasePriority, CaseStatus, type CaseHistoryEntry } from "@relata/proto/service/v1/case";
import { CommentVisibility, type CaseComment } from "@relata/proto/service/v1/comment";
import type { CaseFeedback } from "@relata/proto/service/v1/feedback";
import type { ServiceSettings } from "@relata/proto/service/v1/settings";
import type { HistoryEntryRecord } from "../domain/case-history";
import type { CommentRecord } from "../domain/comment";
import type { FeedbackRecord } from "../domain/feedback";
import type { CurrentSettings } from "../domain/settings";
import { casePriority, caseStatus } from "../resources";

/** The lifecycle's verbs and a comment's visibility, between their proto enums and the words the rules speak. */
export const caseAction = enumCodec(CaseAction, "CASE_ACTION_");
export const commentVisibility = enumCodec(CommentVisibility, "COMMENT_VISIBILITY_");

export function toComment(r: CommentRecord): CaseComment {
  return {
    id: r._id,
    tenantId: r.tenantId,
    caseId: r.caseId,
    visibility: commentVisibility.toProto(r.visibility),
    authorId: r.authorId,
    body: r.body,
    createdAt: r.createdAt.toISOString(),
  };
}

export function toFeedback(r: FeedbackRecord): CaseFeedback {
  return { caseId: r._id, tenantId: r.tenantId, score: r.score, comment: r.comment, givenBy: r.givenBy, givenAt: r.givenAt.toISOString() };
}

export function toHistoryEntry(r: HistoryEntryRecord): CaseHistoryEntry {
  return {
    id: r._id,
    tenantId: r.tenantId,
    caseId: r.caseId,
    kind: r.kind,
    summary: r.summary,
    actorId: r.actorId,
    occurredAt: r.occurredAt.toISOString(),
    status: r.status ? caseStatus.toProto(r.status) : CaseStatus.CASE_STATUS_UNSPECIFIED,
    ownerId: r.ownerId ?? "",
    queueId: r.queueId ?? "",
    priority: r.priority ? casePriority.toProto(r.priority) : CasePriority.CASE_PRIORITY_UNSPECIFIED,
  };
}

export function toSettings(tenantId: string, s: CurrentSettings): ServiceSettings {
  return { tenantId, reopenWindowDays: s.reopenWindowDays, version: String(s.version) };
}
