import type { StreamSpec } from "@relata/platform";
import { eventSubjects } from "@relata/platform/resource";
import { article } from "../resources";

/** The stream every Knowledge-Base event is published on. */
export const KNOWLEDGE_STREAM: StreamSpec = { name: "KNOWLEDGE", subjects: ["knowledge.>"] };

/** The generic changes of each CRUD resource, from its description: `knowledge.article.created|updated|deleted|restored`. */
export const RESOURCE_SUBJECTS = { article: eventSubjects(article) };

/** The rest of the event catalogue (docs/events.md). */
export const SUBJECTS = {
  articleSubmitted: "knowledge.article.submitted",
  articleApproved: "knowledge.article.approved",
  articleRejected: "knowledge.article.rejected",
  articleArchived: "knowledge.article.archived",
  articleFeedbackGiven: "knowledge.article.feedback_given",
  articleLinkedToCase: "knowledge.article.linked_to_case",
  articleViewed: "knowledge.article.viewed",
  searchPerformed: "knowledge.search.performed",
  searchNoResults: "knowledge.search.no_results",
} as const;

/** Every subject that reports a change of an article (the search index follows them). */
export const ARTICLE_CHANGE_SUBJECTS = "knowledge.article.*";

/**
 * The Service's stream, whose `service.case.*` events keep the local copy of cases. The same
 * spec as the Service's own (ensuring it is then a no-op), so either may start first.
 */
export const SERVICE_STREAM: StreamSpec = { name: "SERVICE", subjects: ["service.>"], allowMsgSchedules: true };
