import { buildEvent, type Actor, type PendingEvent } from "@relata/platform";
import { CaseCsatGiven, CasePublicReplyAdded } from "@relata/proto/events/v1/service";
import { toCase } from "../codec/mappers";
import { toComment, toFeedback } from "../codec/case-mappers";
import type { CommentRecord } from "../domain/comment";
import type { FeedbackRecord } from "../domain/feedback";
import type { CaseRecord } from "../domain/types";
import { SUBJECTS } from "./stream";

/**
 * service.case.public_reply_added: the case after the reply and the reply. Its id derives from
 * the comment's, so a retried reply (which finds its comment and reports it again) publishes
 * the same event, dropped as a duplicate.
 */
export function publicReplyEvent(c: CaseRecord, comment: CommentRecord, actor: Actor): PendingEvent {
  return buildEvent(
    SUBJECTS.casePublicReplyAdded,
    c._id,
    actor,
    comment.createdAt,
    (meta) => CasePublicReplyAdded.encode({ meta, case: toCase(c), comment: toComment(comment) }).finish(),
    `reply-${comment._id}`,
  );
}

/** service.case.csat_given: the case and its feedback, in the feedback's own document. */
export function csatGivenEvent(c: CaseRecord, feedback: FeedbackRecord, actor: Actor): PendingEvent {
  return buildEvent(SUBJECTS.caseCsatGiven, c._id, actor, feedback.givenAt, (meta) =>
    CaseCsatGiven.encode({ meta, case: toCase(c), feedback: toFeedback(feedback) }).finish(),
  );
}
