import { defineBackend } from "@relata/platform/http";
import { marketingServices } from "./client";
import { campaignRoutes, segmentRoutes } from "./http";
import { MARKETING_RESOURCES } from "./resources";

/**
 * Marketing as the gateway hosts it: its REST face (src/http), its resources, its partner
 * scopes and the permission rows of its custom verbs. This entry (`@relata/marketing/gateway`)
 * imports no runtime of the service: the kit's declaration side, the proto messages and the
 * descriptions.
 */
export const marketingBackend = defineBackend({
  name: "marketing",
  services: marketingServices,
  routes: (marketing) => [...campaignRoutes(marketing), ...segmentRoutes(marketing)],
  tags: ["Campaigns", "Segments"],
  scopes: { "marketing:read": "read campaigns, segments, lists and results", "marketing:write": "write campaigns and post responses (web forms)" },
  resources: MARKETING_RESOURCES,
  permissions: {},
});
