import { defineBackend } from "@relata/platform/http";
import { marketingServices } from "./client";
import { callListRoutes, campaignRoutes, consentRoutes, marketingListRoutes, RESPONSE_OPERATIONS, responseRoutes, resultsRoutes, scoringRuleRoutes, segmentRoutes, surveyRoutes } from "./http";
import { CALLERS, MARKETERS, MARKETING_RESOURCES, RESULT_READERS } from "./resources";
import { MARKETING_PUBLIC_EVENTS } from "./public-events";

/**
 * Marketing as the gateway hosts it: its REST face (src/http), its resources, its partner scopes
 * and the permission rows of its custom verbs, and the events partners may subscribe to
 * (src/public-events.ts). This entry (`@relata/marketing/gateway`) imports no runtime of the
 * service: the kit's declaration side, the proto messages and the descriptions.
 */
export const marketingBackend = defineBackend({
  name: "marketing",
  services: marketingServices,
  routes: (marketing) => [
    ...campaignRoutes(marketing),
    ...segmentRoutes(marketing),
    ...callListRoutes(marketing),
    ...surveyRoutes(marketing),
    ...responseRoutes(marketing),
    ...resultsRoutes(marketing),
    ...consentRoutes(marketing),
    ...marketingListRoutes(marketing),
    ...scoringRuleRoutes(marketing),
  ],
  tags: ["Campaigns", "Segments", "Marketing lists", "Consent", "Lead scoring"],
  scopes: { "marketing:read": "read campaigns, segments, lists and results", "marketing:write": "write campaigns and post responses (web forms)" },
  resources: MARKETING_RESOURCES,
  events: MARKETING_PUBLIC_EVENTS,
  permissions: {
    "campaigns.transition": { roles: MARKETERS, scopes: [], description: "schedule, launch, complete and cancel campaigns" },
    "campaigns.members": { roles: RESULT_READERS, scopes: ["marketing:read"], description: "read the members a campaign's launch fixed" },
    "campaigns.callList.distribute": { roles: MARKETERS, scopes: [], description: "distribute a phone campaign's call list to reps" },
    "campaigns.callList.read": { roles: CALLERS, scopes: [], description: "read a campaign's calls (a rep their own)" },
    "campaigns.callList.log": { roles: CALLERS, scopes: [], description: "record a call's outcome (a rep on their own calls)" },
    "campaigns.survey.write": { roles: MARKETERS, scopes: [], description: "set a campaign's questionnaire" },
    "campaigns.survey.read": { roles: RESULT_READERS, scopes: ["marketing:read"], description: "read a campaign's questionnaire" },
    "campaigns.survey.answer": { roles: MARKETERS, scopes: ["marketing:write"], description: "record a respondent's survey answers (web forms)" },
    "campaigns.survey.summary": { roles: RESULT_READERS, scopes: ["marketing:read"], description: "read a campaign's survey summary" },
    "consents.read": { roles: MARKETERS, scopes: ["marketing:read"], description: "read a person's consent and its history" },
    "consents.write": { roles: MARKETERS, scopes: ["marketing:write"], description: "record that a person gave or withdrew consent" },
    "consents.links": { roles: MARKETERS, scopes: ["marketing:write"], description: "make signed unsubscribe links" },
    // Served without a token (RouteSpec.tokenless): no role or scope, the signed link is the credential.
    "unsubscribe.use": { roles: [], scopes: [], description: "follow or use a signed unsubscribe link" },
    "marketing-lists.members": { roles: MARKETERS, scopes: [], description: "add people to marketing lists and remove them" },
    "campaigns.results": { roles: RESULT_READERS, scopes: ["marketing:read"], description: "read what a campaign achieved" },
    [RESPONSE_OPERATIONS.record]: { roles: MARKETERS, scopes: ["marketing:write"], description: "record responses to a running campaign (partner web forms)" },
    [RESPONSE_OPERATIONS.list]: { roles: RESULT_READERS, scopes: ["marketing:read"], description: "list a campaign's responses" },
  },
});
