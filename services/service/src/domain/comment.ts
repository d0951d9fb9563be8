import type { BaseRecord } from "@relata/platform";

/** Who sees a comment: an internal note stays with the agents, a public reply goes to the customer. */
export const COMMENT_VISIBILITIES = ["internal", "public"] as const;
export type CommentVisibility = (typeof COMMENT_VISIBILITIES)[number];

/** The longest comment body, in characters. */
export const MAX_COMMENT_BODY = 10_000;

/**
 * The first response time a comment gives its case: the first public reply sets it (and stops
 * the first-response clock); internal notes and later replies leave it as it is (null).
 */
export function firstResponseAt(current: { firstRespondedAt?: Date | null }, visibility: CommentVisibility, at: Date): Date | null {
  if (visibility !== "public" || current.firstRespondedAt) return null;
  return at;
}

/** A comment as the Service keeps it: never edited (its version stays 1). */
export interface CommentRecord extends BaseRecord {
  caseId: string;
  visibility: CommentVisibility;
  authorId: string;
  body: string;
  /**
   * Set on a public reply until the case has taken it (first response, the reply's event): a
   * reply whose process stopped in between is finished by the sweep.
   */
  replyPending?: boolean;
}
