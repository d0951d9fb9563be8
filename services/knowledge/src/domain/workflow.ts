import { StateConflict, InvalidArgument } from "@relata/platform";
import type { ArticleStatus } from "./types";

/**
 * The review workflow: draft → in review → published → archived. Any edit makes a new
 * version and a draft again (a published article stays served until the new version is
 * approved); an editor other than the version's author approves or rejects it.
 */
export type ArticleTransition = "submit" | "approve" | "reject" | "archive";

const FROM: Record<ArticleTransition, readonly ArticleStatus[]> = {
  submit: ["draft"],
  approve: ["in_review"],
  reject: ["in_review"],
  archive: ["draft", "in_review", "published"],
};

export const TRANSITION_TO: Record<ArticleTransition, ArticleStatus> = {
  submit: "in_review",
  approve: "published",
  reject: "draft",
  archive: "archived",
};

/**
 * Refuses (409) a transition the article's status does not allow, a review by the version's
 * own author, and a rejection without a comment (400 naming it).
 */
export function checkTransition(
  transition: ArticleTransition,
  article: { _id: string; status: ArticleStatus; authorId: string },
  reviewerId: string,
  comment: string,
): void {
  if (!FROM[transition].includes(article.status)) {
    throw new StateConflict(`article ${article._id} is ${article.status.replace("_", " ")}: it cannot be ${pastTense(transition)}`, "status");
  }
  if ((transition === "approve" || transition === "reject") && article.authorId === reviewerId) {
    throw new StateConflict(`an editor other than the author of article ${article._id}'s version in review must ${transition} it`, "author_id");
  }
  if (transition === "reject" && !comment.trim()) throw new InvalidArgument("comment", "a rejection must say why");
}

const pastTense = (t: ArticleTransition) => ({ submit: "submitted for review", approve: "approved", reject: "rejected", archive: "archived" })[t];

/**
 * Who reads what. Editors see an article's latest version and its workflow; every other
 * person of the tenant sees the latest published version only; a partner client (no tenant
 * role, the knowledge:read scope) sees published public articles only.
 */
export type ArticleAudience = "editor" | "reader" | "public";

export function audienceOf(roles: readonly string[], editorRoles: readonly string[], tenantRoles: readonly string[]): ArticleAudience {
  if (roles.some((r) => editorRoles.includes(r))) return "editor";
  if (roles.some((r) => tenantRoles.includes(r))) return "reader";
  return "public";
}

/** The hour a view is counted in (one per reader per article per hour): "2026-11-30T13". */
export const viewHour = (at: Date): string => at.toISOString().slice(0, 13);
