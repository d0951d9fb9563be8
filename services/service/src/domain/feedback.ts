import { InvalidArgument, StateConflict } from "@relata/platform";

/** The customer satisfaction scale: 1 (very dissatisfied) to 5 (very satisfied). */
export const CSAT_MIN = 1;
export const CSAT_MAX = 5;
export const MAX_FEEDBACK_COMMENT = 2_000;

/** A CSAT score: a whole number from 1 to 5. */
export function checkCsatScore(score: number, field = "score"): number {
  if (!Number.isInteger(score) || score < CSAT_MIN || score > CSAT_MAX) {
    throw new InvalidArgument(field, `${field}: must be a whole number from ${CSAT_MIN} to ${CSAT_MAX}`);
  }
  return score;
}

/** Feedback is given on a case that is resolved or closed (once: the store's unique id decides that). */
export function assertFeedbackAllowed(status: string): void {
  if (status !== "resolved" && status !== "closed") {
    throw new StateConflict(`feedback is given on a resolved or closed case; this case is ${status}`, "status");
  }
}

/** A case's feedback; `_id` is the case's id, so a second one cannot be inserted. */
export interface FeedbackRecord {
  _id: string;
  tenantId: string;
  score: number;
  comment: string;
  givenBy: string;
  givenAt: Date;
}
