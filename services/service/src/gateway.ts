import { defineBackend } from "@relata/platform/http";
import { serviceServices } from "./client";
import { caseRoutes, slaRoutes, SLA_TAGS } from "./http";
import { SERVICE_RESOURCES } from "./resources";

/**
 * The Service as the gateway hosts it: its REST face (src/http), its resources, its partner
 * scopes and the permission rows of its custom verbs. This entry (`@relata/service/gateway`)
 * imports no runtime of the service: the kit's declaration side, the proto messages and the
 * descriptions.
 */
export const serviceBackend = defineBackend({
  name: "service",
  services: serviceServices,
  routes: (service) => [...caseRoutes(service), ...slaRoutes(service)],
  tags: ["Cases", ...SLA_TAGS],
  scopes: { "service:read": "read cases and the Service's records", "service:write": "open cases" },
  resources: SERVICE_RESOURCES,
  permissions: {},
});
