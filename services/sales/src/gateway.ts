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
} from "./http";
import { competitorRoutes, proposalRoutes } from "./http";
import { SALES_READERS, SALES_RESOURCES, SALES_WRITERS } from "./resources";

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
    ...competitorRoutes(sales),
    ...proposalRoutes(sales),
  ],
  tags: ["Accounts", "Contacts", "Leads", "Opportunities", "Pipeline", "Activities", "Competitors", "Proposals"],
  scopes: { "sales:read": "read Sales records", "sales:write": "create leads" },
  resources: SALES_RESOURCES,
  permissions: {
    "accounts.timeline": { roles: SALES_READERS, scopes: ["sales:read"], description: "read an account's timeline" },
    "leads.convert": { roles: SALES_WRITERS, scopes: [], description: "convert a lead into account, contact and opportunity" },
    "pipeline.read": { roles: SALES_READERS, scopes: ["sales:read"], description: "read the tenant's pipeline" },
    "pipeline.write": { roles: SALES_CONFIGURERS, scopes: [], description: "configure the tenant's pipeline stages" },
    "leadAssignment.read": { roles: SALES_READERS, scopes: [], description: "read the lead assignment rule" },
    "leadAssignment.write": { roles: SALES_CONFIGURERS, scopes: [], description: "set the lead assignment rule" },
    "proposalProfile.read": { roles: SALES_READERS, scopes: ["sales:read"], description: "read the tenant's proposal profile (the seller's details on proposals)" },
    "proposalProfile.write": { roles: ["tenant-admin"], scopes: [], description: "set the tenant's proposal profile" },
    "quotes.document": { roles: SALES_READERS, scopes: ["sales:read"], description: "download a quote's proposal document (PDF)" },
  },
});
