import { defineBackend } from "@relata/platform/http";
import { marketingServices } from "./client";
import { campaignRoutes, RESPONSE_OPERATIONS, responseRoutes, scoringRuleRoutes } from "./http";
import { MARKETERS, MARKETING_RESOURCES, RESULT_READERS } from "./resources";

/**
 * Marketing as the gateway hosts it: its REST face (src/http), its resources, its partner
 * scopes and the permission rows of its custom verbs. This entry (`@relata/marketing/gateway`)
 * imports no runtime of the service: the kit's declaration side, the proto messages and the
 * descriptions.
 */
export const marketingBackend = defineBackend({
  name: "marketing",
  services: marketingServices,
  routes: (marketing) => [...campaignRoutes(marketing), ...responseRoutes(marketing), ...scoringRuleRoutes(marketing)],
  tags: ["Campaigns", "Lead scoring"],
  scopes: { "marketing:read": "read campaigns, segments, lists and results", "marketing:write": "write campaigns and post responses (web forms)" },
  resources: MARKETING_RESOURCES,
  permissions: {
    [RESPONSE_OPERATIONS.record]: { roles: MARKETERS, scopes: ["marketing:write"], description: "record responses to a running campaign (partner web forms)" },
    [RESPONSE_OPERATIONS.list]: { roles: RESULT_READERS, scopes: ["marketing:read"], description: "list a campaign's responses" },
  },
});
