import type { Role } from "@relata/platform";
import { defineBackend } from "@relata/platform/http";
import { salesServices } from "./client";
import {
  accountRoutes,
  activityRoutes,
  contactRoutes,
  leadAssignmentRoutes,
  leadRoutes,
  opportunityRoutes,
  pipelineRoutes,
  territoryRoutes,
  forecastRoutes,
} from "./http";
import { SALES_READERS, SALES_RESOURCES, SALES_WRITERS, territory, TERRITORY_WRITERS } from "./resources";

/**
 * Sales as the gateway hosts it: its REST face (src/http), its resources, its partner scopes and
 * the permission rows of its custom verbs. This entry (`@relata/sales/gateway`) imports no runtime
 * of the service: the kit's declaration side, the proto messages and the descriptions.
 */

const SALES_CONFIGURERS: Role[] = ["tenant-admin", "sales-manager"];

export const salesBackend = defineBackend({
  name: "sales",
  services: salesServices,
  routes: (sales) => [
    ...accountRoutes(sales),
    ...contactRoutes(sales),
    ...leadRoutes(sales),
    ...leadAssignmentRoutes(sales),
    ...opportunityRoutes(sales),
    ...pipelineRoutes(sales),
    ...activityRoutes(sales),
    ...territoryRoutes(sales),
    ...forecastRoutes(sales),
  ],
  tags: ["Accounts", "Contacts", "Leads", "Opportunities", "Pipeline", "Activities", "Territories", "Forecast"],
  scopes: { "sales:read": "read Sales records", "sales:write": "create leads" },
  resources: [...SALES_RESOURCES, territory],
  permissions: {
    "accounts.timeline": { roles: SALES_READERS, scopes: ["sales:read"], description: "read an account's timeline" },
    "leads.convert": { roles: SALES_WRITERS, scopes: [], description: "convert a lead into account, contact and opportunity" },
    "pipeline.read": { roles: SALES_READERS, scopes: ["sales:read"], description: "read the tenant's pipeline" },
    "pipeline.write": { roles: SALES_CONFIGURERS, scopes: [], description: "configure the tenant's pipeline stages" },
    "leadAssignment.read": { roles: SALES_READERS, scopes: [], description: "read the lead assignment rule" },
    "leadAssignment.write": { roles: SALES_CONFIGURERS, scopes: [], description: "set the lead assignment rule" },
    "territories.reassign": { roles: TERRITORY_WRITERS, scopes: [], description: "replace a territory's rules and move the accounts and leads they place" },
    // Reporting's quota readers: the whole tenant's figures against its quotas (a sales rep is refused).
    "forecast.read": { roles: ["tenant-admin", "sales-manager", "analyst"], scopes: [], description: "read the forecast by owner or territory" },
  },
});
