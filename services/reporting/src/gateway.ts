import { defineBackend } from "@relata/platform/http";
import { reportingServices } from "./client";
import { operationsRoutes, storeRoutes } from "./http";
import { REPORTING_RESOURCES, STORE_ADMINS, STORE_READERS } from "./resources";
import { KNOWLEDGE_READERS, MARKETING_READERS, SERVICE_READERS } from "./roles";

/**
 * Reporting as the gateway hosts it: its REST face (src/http), its resource, its partner scope
 * and the permission rows of its analytics. This entry (`@relata/reporting/gateway`) imports no
 * runtime of the service.
 */
export const reportingBackend = defineBackend({
  name: "reporting",
  services: reportingServices,
  routes: (reporting) => [...storeRoutes(reporting), ...operationsRoutes(reporting)],
  tags: ["Analytics", "Quotas"],
  scopes: { "reporting:read": "read dashboards, customer value and ad-hoc queries" },
  resources: REPORTING_RESOURCES,
  permissions: {
    "analytics.store.read": { roles: STORE_READERS, scopes: ["reporting:read"], description: "read the state of Reporting's store (positions, events applied)" },
    "analytics.store.rebuild": { roles: STORE_ADMINS, scopes: [], description: "rebuild Reporting's store by replaying the streams (installation-wide)" },
    "analytics.campaigns": { roles: MARKETING_READERS, scopes: ["reporting:read"], description: "read the campaign dashboard (reach, leads, revenue won, cost, return on cost)" },
    "analytics.service": { roles: SERVICE_READERS, scopes: ["reporting:read"], description: "read the service dashboard (volume, backlog, response and resolution times, SLA, CSAT)" },
    "analytics.knowledge": { roles: KNOWLEDGE_READERS, scopes: ["reporting:read"], description: "read the Knowledge-Base dashboard (views, searches, feedback, top articles, empty searches)" },
  },
});
