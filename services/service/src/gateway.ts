import { defineBackend } from "@relata/platform/http";
import { serviceServices } from "./client";
import { appointmentRoutes, bookableResourceRoutes, caseRoutes, entitlementRoutes } from "./http";
import { SERVICE_READERS, SERVICE_RESOURCES } from "./resources";

/**
 * The Service as the gateway hosts it: its REST face (src/http), its resources, its partner
 * scopes and the permission rows of its custom verbs. This entry (`@relata/service/gateway`)
 * imports no runtime of the service: the kit's declaration side, the proto messages and the
 * descriptions.
 */
export const serviceBackend = defineBackend({
  name: "service",
  services: serviceServices,
  routes: (service) => [...caseRoutes(service), ...entitlementRoutes(service), ...bookableResourceRoutes(service), ...appointmentRoutes(service)],
  tags: ["Cases", "Entitlements", "Scheduling"],
  scopes: { "service:read": "read cases and the Service's records", "service:write": "open cases" },
  resources: SERVICE_RESOURCES,
  permissions: {
    "resources.availability": { roles: SERVICE_READERS, scopes: ["service:read"], description: "read when a resource can be booked" },
  },
});
