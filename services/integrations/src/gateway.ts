import { defineBackend } from "@relata/platform/http";
import { integrationsServices } from "./client";
import { importRoutes } from "./http";
import { BULK_IMPORTERS } from "./roles";

/**
 * Integrations as the gateway hosts it: webhooks, import and export jobs, their partner scopes
 * and permission rows. This entry (`@relata/integrations/gateway`) imports no runtime of the service.
 */
export const integrationsBackend = defineBackend({
  name: "integrations",
  services: integrationsServices,
  routes: (integrations) => [...importRoutes(integrations)],
  // OpenAPI tags, each added with its routes: "Webhooks", "Imports", "Exports".
  tags: ["Imports"],
  scopes: {
    "webhooks:manage": "manage the tenant's webhooks and read their deliveries",
    "bulk:import": "run import jobs (create and update accounts, contacts and leads in bulk)",
    "bulk:export": "run export jobs (read every account, contact or lead as CSV)",
  },
  resources: [],
  permissions: {
    "imports.read": { roles: BULK_IMPORTERS, scopes: ["bulk:import"], description: "read import jobs, their progress and their failed rows" },
    "imports.write": { roles: BULK_IMPORTERS, scopes: ["bulk:import"], description: "create import jobs, upload their CSV, complete and abort them" },
  },
});
