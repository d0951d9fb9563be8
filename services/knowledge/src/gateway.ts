import { defineBackend } from "@relata/platform/http";
import { knowledgeServices } from "./client";
import { ARTICLE_OPERATIONS, articleRoutes, CASE_ARTICLE_OPERATIONS, caseArticleRoutes, SEARCH_OPERATIONS, searchRoutes, suggestionRoutes } from "./http";
import { CASE_WORKERS, KB_EDITORS, KB_READERS, KNOWLEDGE_RESOURCES } from "./resources";
import { KNOWLEDGE_PUBLIC_EVENTS } from "./public-events";

/**
 * The Knowledge-Base as the gateway hosts it: its REST face (src/http), its resources, its partner
 * scopes and the permission rows of its custom verbs, and the events partners may subscribe to
 * (src/public-events.ts). This entry (`@relata/knowledge/gateway`) imports no runtime of the
 * service: the kit's declaration side, the proto messages and the descriptions.
 */
export const knowledgeBackend = defineBackend({
  name: "knowledge",
  services: knowledgeServices,
  // Search first: /v1/articles/search is not an article's id.
  routes: (knowledge) => [...searchRoutes(knowledge), ...articleRoutes(knowledge), ...caseArticleRoutes(knowledge), ...suggestionRoutes(knowledge)],
  tags: ["Articles"],
  scopes: { "knowledge:read": "read published public articles", "knowledge:write": "write articles" },
  resources: KNOWLEDGE_RESOURCES,
  events: KNOWLEDGE_PUBLIC_EVENTS,
  permissions: {
    [ARTICLE_OPERATIONS.versions]: { roles: KB_EDITORS, scopes: [], description: "read every version of an article" },
    [ARTICLE_OPERATIONS.submit]: { roles: KB_EDITORS, scopes: ["knowledge:write"], description: "send articles for review and archive them" },
    [ARTICLE_OPERATIONS.review]: { roles: KB_EDITORS, scopes: [], description: "approve (publish) or reject another editor's version" },
    [ARTICLE_OPERATIONS.feedback]: { roles: KB_READERS, scopes: [], description: "say whether a published article helped" },
    [CASE_ARTICLE_OPERATIONS.link]: { roles: CASE_WORKERS, scopes: [], description: "link an article to the case it solved" },
    [CASE_ARTICLE_OPERATIONS.linked]: { roles: KB_READERS, scopes: [], description: "read the articles linked to a case" },
    [SEARCH_OPERATIONS.search]: { roles: KB_READERS, scopes: ["knowledge:read"], description: "search the published articles" },
    [SEARCH_OPERATIONS.suggest]: { roles: KB_READERS, scopes: [], description: "read the articles suggested for a case" },
  },
});
