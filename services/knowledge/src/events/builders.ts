import { buildEvent, stableEventId, type Actor, type PendingEvent } from "@relata/platform";
import { ArticleChanged, ArticleFeedbackGiven, ArticleLinkedToCase, ArticleViewed } from "@relata/proto/events/v1/knowledge";
import { toArticle, toArticleFeedback, toPublishedArticle } from "../codec/mappers";
import type { ArticleRecord } from "../domain/types";
import type { FeedbackRecord, ViewRecord } from "../store/models";
import { RESOURCE_SUBJECTS, SUBJECTS } from "./stream";

/**
 * Builders of the pending events a write enqueues in its own document, in the kit's envelope;
 * an article's payload is its snapshot after the change (never the outbox fields) and the
 * version readers see, which the search index is fed from.
 */

export const ARTICLE_SUBJECTS = {
  created: RESOURCE_SUBJECTS.article.created,
  updated: RESOURCE_SUBJECTS.article.updated,
  deleted: RESOURCE_SUBJECTS.article.deleted,
  restored: RESOURCE_SUBJECTS.article.restored,
  submitted: SUBJECTS.articleSubmitted,
  approved: SUBJECTS.articleApproved,
  rejected: SUBJECTS.articleRejected,
  archived: SUBJECTS.articleArchived,
} as const;

export type ArticleChangeKind = keyof typeof ARTICLE_SUBJECTS;

/** Every subject whose payload is an ArticleChanged. */
export const ARTICLE_CHANGED_SUBJECTS = Object.values(ARTICLE_SUBJECTS);

export function articleEvent(kind: ArticleChangeKind, r: ArticleRecord, actor: Actor, comment = "", at = r.updatedAt): PendingEvent {
  // A deleted article is served to nobody: its event carries no published version.
  const published = r.deletedAt ? undefined : toPublishedArticle(r);
  return buildEvent(ARTICLE_SUBJECTS[kind], r._id, actor, at, (meta) => ArticleChanged.encode({ meta, article: toArticle(r), published, comment }).finish());
}

/** Feedback and links are plain inserts without an outbox: their events go out as they are written. */
export function feedbackEvent(f: FeedbackRecord, actor: Actor): PendingEvent {
  return buildEvent(SUBJECTS.articleFeedbackGiven, f._id, actor, f.createdAt, (meta) => ArticleFeedbackGiven.encode({ meta, feedback: toArticleFeedback(f) }).finish());
}

export function linkEvent(link: { _id: string; caseId: string; articleId: string; linkedAt: Date }, actor: Actor): PendingEvent {
  return buildEvent(SUBJECTS.articleLinkedToCase, link._id, actor, link.linkedAt, (meta) =>
    ArticleLinkedToCase.encode({ meta, caseId: link.caseId, articleId: link.articleId }).finish(),
  );
}

/**
 * A counted view, in its view record's outbox. Its id is derived from the view record's (one per
 * reader per article per hour), so a consumer de-duplicating by event id counts the view once.
 */
export function viewEvent(view: ViewRecord, served: ArticleRecord, actor: Actor): PendingEvent {
  return buildEvent(
    SUBJECTS.articleViewed,
    view.articleId,
    actor,
    view.at,
    (meta) =>
      ArticleViewed.encode({ meta, articleId: view.articleId, title: served.title, category: served.category ?? "", language: served.language, viewerId: view.readerId }).finish(),
    stableEventId(SUBJECTS.articleViewed, view._id),
  );
}
