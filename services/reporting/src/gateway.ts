import { defineBackend } from "@relata/platform/http";
import { reportingServices } from "./client";
import { customerValueRoutes, storeRoutes } from "./http";
import { REPORTING_RESOURCES, STORE_ADMINS, STORE_READERS } from "./resources";
import { CUSTOMER_VALUE_READERS } from "./roles";

/**
 * Reporting as the gateway hosts it: its REST face (src/http), its resource, its partner scope
 * and the permission rows of its analytics. This entry (`@relata/reporting/gateway`) imports no
 * runtime of the service.
 */
export const reportingBackend = defineBackend({
  name: "reporting",
  services: reportingServices,
  routes: (reporting) => [...storeRoutes(reporting), ...customerValueRoutes(reporting)],
  tags: ["Analytics", "Quotas"],
  scopes: { "reporting:read": "read dashboards, customer value and ad-hoc queries" },
  resources: REPORTING_RESOURCES,
  permissions: {
    "analytics.store.read": { roles: STORE_READERS, scopes: ["reporting:read"], description: "read the state of Reporting's store (positions, events applied)" },
    "analytics.customerValue": { roles: CUSTOMER_VALUE_READERS, scopes: ["reporting:read"], description: "read customer value: revenue per account, RFM classes, the Pareto cut, churn risk" },
    "analytics.store.rebuild": { roles: STORE_ADMINS, scopes: [], description: "rebuild Reporting's store by replaying the streams (installation-wide)" },
  },
});
