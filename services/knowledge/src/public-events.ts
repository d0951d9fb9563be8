import { publicEvents, type PublicEvent } from "@relata/platform/http";
import * as events from "@relata/proto/events/v1/knowledge";
import { KNOWLEDGE_STREAM } from "./events/stream";
import { article } from "./resources";

/** The events partners' webhooks may subscribe to (docs/events.md). */
const stream = KNOWLEDGE_STREAM.name;
export const KNOWLEDGE_PUBLIC_EVENTS: readonly PublicEvent[] = [
  ...publicEvents(
    stream,
    events,
    "ArticleChanged",
    ["created", "updated", "submitted", "approved", "rejected", "archived", "deleted", "restored"].map((v) => `knowledge.article.${v}`),
    { resource: article, field: "article" },
  ),
  ...publicEvents(stream, events, "ArticleFeedbackGiven", ["knowledge.article.feedback_given"]),
  ...publicEvents(stream, events, "ArticleLinkedToCase", ["knowledge.article.linked_to_case"]),
  ...publicEvents(stream, events, "ArticleViewed", ["knowledge.article.viewed"]),
  ...publicEvents(stream, events, "SearchPerformed", ["knowledge.search.performed"]),
  ...publicEvents(stream, events, "SearchNoResults", ["knowledge.search.no_results"]),
];
