import { defineBackend } from "@relata/platform/http";
import { integrationsServices } from "./client";
import { exportRoutes } from "./http";
import { BULK_EXPORTERS } from "./roles";

/**
 * Integrations as the gateway hosts it: webhooks, import and export jobs, their partner scopes
 * and permission rows. This entry (`@relata/integrations/gateway`) imports no runtime of the service.
 */
export const integrationsBackend = defineBackend({
  name: "integrations",
  services: integrationsServices,
  routes: (integrations) => [...exportRoutes(integrations)],
  // OpenAPI tags, each added with its routes: "Webhooks", "Imports", "Exports".
  tags: ["Exports"],
  scopes: {
    "webhooks:manage": "manage the tenant's webhooks and read their deliveries",
    "bulk:import": "run import jobs (create and update accounts, contacts and leads in bulk)",
    "bulk:export": "run export jobs (read every account, contact or lead as CSV)",
  },
  resources: [],
  permissions: {
    "exports.create": { roles: BULK_EXPORTERS, scopes: ["bulk:export"], description: "export accounts, contacts or leads as CSV (every record a list's filters select)" },
    "exports.read": { roles: BULK_EXPORTERS, scopes: ["bulk:export"], description: "read export jobs and download their files" },
  },
});
