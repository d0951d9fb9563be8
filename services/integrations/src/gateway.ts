import { defineBackend } from "@relata/platform/http";
import { integrationsServices } from "./client";
import { exportRoutes, importRoutes, WEBHOOK_OPERATIONS, webhookRoutes } from "./http";
import { BULK_EXPORTERS, BULK_IMPORTERS, INTEGRATIONS_RESOURCES, WEBHOOK_MANAGERS } from "./resources";
import { INTEGRATIONS_PUBLIC_EVENTS } from "./public-events";

/**
 * Integrations as the gateway hosts it: webhooks, import and export jobs, their partner scopes and
 * permission rows, and the events partners may subscribe to (src/public-events.ts). This entry
 * (`@relata/integrations/gateway`) imports no runtime of the service.
 */
export const integrationsBackend = defineBackend({
  name: "integrations",
  services: integrationsServices,
  routes: (integrations) => [...webhookRoutes(integrations), ...importRoutes(integrations), ...exportRoutes(integrations)],
  tags: ["Webhooks", "Imports", "Exports"],
  scopes: {
    "webhooks:manage": "manage the tenant's webhooks and read their deliveries",
    "bulk:import": "run import jobs (create and update accounts, contacts and leads in bulk)",
    "bulk:export": "run export jobs (read every account, contact or lead as CSV)",
  },
  resources: INTEGRATIONS_RESOURCES,
  events: INTEGRATIONS_PUBLIC_EVENTS,
  permissions: {
    [WEBHOOK_OPERATIONS.eventTypes]: { roles: WEBHOOK_MANAGERS, scopes: ["webhooks:manage"], description: "list the event types a webhook may subscribe to" },
    [WEBHOOK_OPERATIONS.secret]: { roles: WEBHOOK_MANAGERS, scopes: ["webhooks:manage"], description: "read and rotate a webhook's signing secret" },
    [WEBHOOK_OPERATIONS.deliveries]: { roles: WEBHOOK_MANAGERS, scopes: ["webhooks:manage"], description: "read a webhook's delivery log" },
    [WEBHOOK_OPERATIONS.redeliver]: { roles: WEBHOOK_MANAGERS, scopes: ["webhooks:manage"], description: "send a delivery again by hand" },
    [WEBHOOK_OPERATIONS.ping]: { roles: WEBHOOK_MANAGERS, scopes: ["webhooks:manage"], description: "send a test ping to a webhook's endpoint" },
    "imports.read": { roles: BULK_IMPORTERS, scopes: ["bulk:import"], description: "read import jobs, their progress and their failed rows" },
    "imports.write": { roles: BULK_IMPORTERS, scopes: ["bulk:import"], description: "create import jobs, upload their CSV, complete and abort them" },
    "exports.create": { roles: BULK_EXPORTERS, scopes: ["bulk:export"], description: "export accounts, contacts or leads as CSV (every record a list's filters select)" },
    "exports.read": { roles: BULK_EXPORTERS, scopes: ["bulk:export"], description: "read export jobs and download their files" },
  },
});
