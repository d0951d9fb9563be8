import { defineBackend } from "@relata/platform/http";
import { serviceServices } from "./client";
import { appointmentRoutes, assignmentRoutes, bookableResourceRoutes, caseExtraRoutes, caseRoutes, entitlementRoutes, escalationRuleRoutes, queueRoutes, slaRoutes, SLA_TAGS } from "./http";
import { SERVICE_CONFIGURERS, SERVICE_READERS, SERVICE_RESOURCES, SERVICE_WRITERS, SUPPORT_STAFF } from "./resources";
import { SERVICE_PUBLIC_EVENTS } from "./public-events";

/**
 * The Service as the gateway hosts it: its REST face (src/http), its resources, its partner scopes
 * and the permission rows of its custom verbs, and the events partners may subscribe to
 * (src/public-events.ts). This entry (`@relata/service/gateway`) imports no runtime of the service:
 * the kit's declaration side, the proto messages and the descriptions.
 */
export const serviceBackend = defineBackend({
  name: "service",
  services: serviceServices,
  routes: (service) => [
    ...caseRoutes(service),
    ...caseExtraRoutes(service),
    ...assignmentRoutes(service),
    ...queueRoutes(service),
    ...escalationRuleRoutes(service),
    ...slaRoutes(service),
    ...entitlementRoutes(service),
    ...bookableResourceRoutes(service),
    ...appointmentRoutes(service),
  ],
  tags: ["Cases", "Queues", "Escalation rules", ...SLA_TAGS, "Entitlements", "Scheduling"],
  scopes: { "service:read": "read cases and the Service's records", "service:write": "open cases" },
  resources: SERVICE_RESOURCES,
  events: SERVICE_PUBLIC_EVENTS,
  permissions: {
    "cases.transition": { roles: SERVICE_WRITERS, scopes: [], description: "move cases through their lifecycle (start, wait, resolve, close, reopen)" },
    "cases.history": { roles: SERVICE_READERS, scopes: ["service:read"], description: "read a case's history" },
    "cases.comments.read": { roles: SERVICE_READERS, scopes: [], description: "read a case's internal notes and public replies" },
    "cases.comments.write": { roles: SERVICE_WRITERS, scopes: [], description: "add internal notes and public replies to cases" },
    "cases.feedback.read": { roles: SERVICE_READERS, scopes: ["service:read"], description: "read a case's customer feedback" },
    "cases.feedback.write": { roles: SERVICE_WRITERS, scopes: ["service:write"], description: "record a resolved case's customer feedback (CSAT)" },
    "cases.take": { roles: SERVICE_WRITERS, scopes: [], description: "take a case from a queue one is a member of" },
    "cases.assign": { roles: SERVICE_CONFIGURERS, scopes: [], description: "assign a case to an agent or another queue" },
    "serviceSettings.read": { roles: ["tenant-admin", ...SUPPORT_STAFF], scopes: [], description: "read the tenant's Service settings" },
    "serviceSettings.write": { roles: ["tenant-admin"], scopes: [], description: "configure the tenant's Service settings (the reopen window)" },
    "resources.availability": { roles: SERVICE_READERS, scopes: ["service:read"], description: "read when a resource can be booked" },
  },
});
