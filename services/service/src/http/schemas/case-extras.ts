import type { CaseHistoryEntry } from "@relata/proto/service/v1/case";
import type { CaseComment } from "@relata/proto/service/v1/comment";
import type { CaseFeedback } from "@relata/proto/service/v1/feedback";
import type { ServiceSettings } from "@relata/proto/service/v1/settings";
import { DateTime, Id, named, orNull, PAGE_CURSOR, PAGE_LIMIT, pageOf, text, toVersion } from "@relata/platform/http";
import { z } from "zod";
import { commentVisibility } from "../../codec/case-mappers";
import { MAX_REOPEN_WINDOW_DAYS } from "../../domain/case-lifecycle";
import { MAX_COMMENT_BODY } from "../../domain/comment";
import { CSAT_MAX, CSAT_MIN, MAX_FEEDBACK_COMMENT } from "../../domain/feedback";
import { casePriority, caseStatus } from "../../resources";

/** The REST shapes of a case's lifecycle verbs, comments, feedback and history, and of the tenant's Service settings. */

export const CaseResolve = named(
  "CaseResolve",
  z.strictObject({ resolution: text(5_000).meta({ description: "How the case was resolved." }) }),
);

/** The verbs that take no body beyond an optional empty object. */
export const NoBody = z.strictObject({}).optional();

export const ListQuery = z.strictObject({ limit: PAGE_LIMIT.optional(), cursor: PAGE_CURSOR.optional() });

export const CaseCommentInput = named(
  "CaseCommentInput",
  z.strictObject({
    visibility: commentVisibility.schema.meta({ description: "internal: a note for the agents; public: a reply to the customer (the first one stops the first-response clock)." }),
    body: text(MAX_COMMENT_BODY),
  }),
);

export const CaseCommentJson = named(
  "CaseComment",
  z.object({
    id: Id,
    caseId: Id,
    visibility: commentVisibility.schema,
    authorId: z.string(),
    body: z.string(),
    createdAt: DateTime,
  }),
);
export const CaseCommentPage = pageOf("CaseCommentPage", CaseCommentJson);
export const CaseCommentQuery = ListQuery.extend({ visibility: commentVisibility.schema.optional() });

export function caseCommentJson(c: CaseComment): z.output<typeof CaseCommentJson> {
  return {
    id: c.id,
    caseId: c.caseId,
    visibility: commentVisibility.fromProto(c.visibility) ?? "internal",
    authorId: c.authorId,
    body: c.body,
    createdAt: c.createdAt ?? "",
  };
}

export const CaseFeedbackInput = named(
  "CaseFeedbackInput",
  z.strictObject({
    score: z.number().int().min(CSAT_MIN).max(CSAT_MAX).meta({ description: "1 (very dissatisfied) to 5 (very satisfied)." }),
    comment: text(MAX_FEEDBACK_COMMENT).optional(),
  }),
);

export const CaseFeedbackJson = named(
  "CaseFeedback",
  z.object({
    caseId: Id,
    score: z.number().int().min(CSAT_MIN).max(CSAT_MAX),
    comment: z.string().nullable(),
    givenBy: z.string(),
    givenAt: DateTime,
  }),
  "The customer's satisfaction with a resolved case, given once.",
);

export function caseFeedbackJson(f: CaseFeedback): z.output<typeof CaseFeedbackJson> {
  return { caseId: f.caseId, score: f.score, comment: orNull(f.comment), givenBy: f.givenBy, givenAt: f.givenAt ?? "" };
}

export const CaseHistoryEntryJson = named(
  "CaseHistoryEntry",
  z.object({
    id: z.string().meta({ description: "The id of the event the entry was made from." }),
    kind: z.string().meta({ example: "service.case.assigned" }),
    summary: z.string(),
    actorId: z.string().nullable(),
    occurredAt: DateTime,
    status: caseStatus.schema.nullable().meta({ description: "The case's status after the event (null when the event carries no snapshot of the case)." }),
    ownerId: z.string().nullable(),
    queueId: z.string().nullable(),
    priority: casePriority.schema.nullable(),
  }),
);
export const CaseHistoryPage = pageOf("CaseHistoryPage", CaseHistoryEntryJson);

export function caseHistoryEntryJson(e: CaseHistoryEntry): z.output<typeof CaseHistoryEntryJson> {
  return {
    id: e.id,
    kind: e.kind,
    summary: e.summary,
    actorId: orNull(e.actorId),
    occurredAt: e.occurredAt ?? "",
    status: caseStatus.fromProto(e.status),
    ownerId: orNull(e.ownerId),
    queueId: orNull(e.queueId),
    priority: casePriority.fromProto(e.priority),
  };
}

export const ServiceSettingsUpdate = named(
  "ServiceSettingsUpdate",
  z.strictObject({
    reopenWindowDays: z
      .number()
      .int()
      .min(0)
      .max(MAX_REOPEN_WINDOW_DAYS)
      .meta({ description: "How many days after a case is resolved or closed it may be reopened (0: never)." }),
  }),
);

export const ServiceSettingsJson = named(
  "ServiceSettings",
  z.object({
    reopenWindowDays: z.number().int().min(0).max(MAX_REOPEN_WINDOW_DAYS),
    version: z.number().int().min(0).meta({
      description: '0 while the tenant uses the defaults (a reopen window of 14 days), then +1 on every change; the ETag. Send If-Match "0" to replace the defaults only if nobody did meanwhile.',
    }),
  }),
);

export function serviceSettingsJson(s: ServiceSettings): z.output<typeof ServiceSettingsJson> {
  return { reopenWindowDays: s.reopenWindowDays, version: toVersion(s.version) };
}
