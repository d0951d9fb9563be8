import { defineBackend } from "@relata/platform/http";
import { reportingServices } from "./client";
import { QUERY_READERS } from "./domain/catalogue";
import { queryRoutes, storeRoutes, quotaRoutes, salesRoutes, operationsRoutes, customerValueRoutes } from "./http";
import { REPORTING_RESOURCES, STORE_ADMINS, STORE_READERS, SALES_READERS } from "./resources";
import { KNOWLEDGE_READERS, MARKETING_READERS, SERVICE_READERS, CUSTOMER_VALUE_READERS } from "./roles";
import { REPORTING_PUBLIC_EVENTS } from "./public-events";

/**
 * Reporting as the gateway hosts it: its REST face (src/http), its resource, its partner scope and
 * the permission rows of its analytics, and the events partners may subscribe to
 * (src/public-events.ts). This entry (`@relata/reporting/gateway`) imports no runtime of the
 * service.
 */
export const reportingBackend = defineBackend({
  name: "reporting",
  services: reportingServices,
  routes: (reporting) => [...storeRoutes(reporting), ...queryRoutes(reporting), ...quotaRoutes(reporting), ...salesRoutes(reporting), ...operationsRoutes(reporting), ...customerValueRoutes(reporting)],
  tags: ["Analytics", "Quotas"],
  scopes: { "reporting:read": "read dashboards, customer value and ad-hoc queries" },
  resources: REPORTING_RESOURCES,
  events: REPORTING_PUBLIC_EVENTS,
  permissions: {
    "analytics.store.read": { roles: STORE_READERS, scopes: ["reporting:read"], description: "read the state of Reporting's store (positions, events applied)" },
    "analytics.sales": { roles: SALES_READERS, scopes: ["reporting:read"], description: "read the sales dashboard (pipeline, won and lost, win rate, sales cycle)" },
    "analytics.forecast": { roles: SALES_READERS, scopes: ["reporting:read"], description: "read the forecast of a period against the quotas" },
    "analytics.customerValue": { roles: CUSTOMER_VALUE_READERS, scopes: ["reporting:read"], description: "read customer value: revenue per account, RFM classes, the Pareto cut, churn risk" },
    "analytics.store.rebuild": { roles: STORE_ADMINS, scopes: [], description: "rebuild Reporting's store by replaying the streams (installation-wide)" },
    // Each fact of the catalogue says which of these roles read it (the service refuses the others, 403).
    "analytics.catalogue": { roles: QUERY_READERS, scopes: ["reporting:read"], description: "read the catalogue of ad-hoc queries (the facts the caller may query)" },
    "analytics.query": { roles: QUERY_READERS, scopes: ["reporting:read"], description: "run ad-hoc queries over the catalogue (each fact by its area's readers) and export them as CSV" },
    "analytics.campaigns": { roles: MARKETING_READERS, scopes: ["reporting:read"], description: "read the campaign dashboard (reach, leads, revenue won, cost, return on cost)" },
    "analytics.service": { roles: SERVICE_READERS, scopes: ["reporting:read"], description: "read the service dashboard (volume, backlog, response and resolution times, SLA, CSAT)" },
    "analytics.knowledge": { roles: KNOWLEDGE_READERS, scopes: ["reporting:read"], description: "read the Knowledge-Base dashboard (views, searches, feedback, top articles, empty searches)" },
    "analytics.competitors": { roles: SALES_READERS, scopes: ["reporting:read"], description: "read win and loss counts per competitor" },
  },
});
