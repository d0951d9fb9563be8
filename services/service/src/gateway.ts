import { defineBackend } from "@relata/platform/http";
import { serviceServices } from "./client";
import { appointmentRoutes, assignmentRoutes, bookableResourceRoutes, caseRoutes, entitlementRoutes, escalationRuleRoutes, queueRoutes } from "./http";
import { SERVICE_READERS, SERVICE_RESOURCES, SUPPORT_STAFF } from "./resources";

/**
 * The Service as the gateway hosts it: its REST face (src/http), its resources, its partner
 * scopes and the permission rows of its custom verbs. This entry (`@relata/service/gateway`)
 * imports no runtime of the service: the kit's declaration side, the proto messages and the
 * descriptions.
 */
export const serviceBackend = defineBackend({
  name: "service",
  services: serviceServices,
  routes: (service) => [
    ...caseRoutes(service),
    ...assignmentRoutes(service),
    ...queueRoutes(service),
    ...escalationRuleRoutes(service),
    ...entitlementRoutes(service),
    ...bookableResourceRoutes(service),
    ...appointmentRoutes(service),
  ],
  tags: ["Cases", "Queues", "Escalation rules", "Entitlements", "Scheduling"],
  scopes: { "service:read": "read cases and the Service's records", "service:write": "open cases" },
  resources: SERVICE_RESOURCES,
  permissions: {
    "cases.take": { roles: SUPPORT_STAFF, scopes: [], description: "take a case from a queue one is a member of" },
    "cases.assign": { roles: ["support-manager"], scopes: [], description: "assign a case to an agent or another queue" },
    "resources.availability": { roles: SERVICE_READERS, scopes: ["service:read"], description: "read when a resource can be booked" },
  },
});
