import type { Role } from "@relata/platform";
import { defineBackend } from "@relata/platform/http";
import { salesServices } from "./client";
import {
  accountRoutes,
  activityRoutes,
  competitorRoutes,
  contactRoutes,
  leadAssignmentRoutes,
  leadRoutes,
  opportunityRoutes,
  orderRoutes,
  pipelineRoutes,
  priceListRoutes,
  productRoutes,
  proposalRoutes,
  quoteRoutes,
  territoryRoutes,
  forecastRoutes,
} from "./http";
import { COMMERCE_RESOURCES, SALES_READERS, SALES_RESOURCES, SALES_WRITERS, territory, TERRITORY_WRITERS } from "./resources";
import { SALES_PUBLIC_EVENTS } from "./public-events";

/**
 * Sales as the gateway hosts it: its REST face (src/http), its resources, its partner scopes and
 * the permission rows of its custom verbs, and the events partners may subscribe to
 * (src/public-events.ts). This entry (`@relata/sales/gateway`) imports no runtime of the service:
 * the kit's declaration side, the proto messages and the descriptions.
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
    ...productRoutes(sales),
    ...priceListRoutes(sales),
    ...quoteRoutes(sales),
    ...orderRoutes(sales),
    ...territoryRoutes(sales),
    ...forecastRoutes(sales),
  ],
  tags: ["Accounts", "Contacts", "Leads", "Opportunities", "Pipeline", "Activities", "Competitors", "Proposals", "Products", "Price lists", "Quotes", "Orders", "Territories", "Forecast"],
  scopes: { "sales:read": "read Sales records", "sales:write": "create leads" },
  resources: [...SALES_RESOURCES, ...COMMERCE_RESOURCES, territory],
  events: SALES_PUBLIC_EVENTS,
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
    "quotes.read": { roles: SALES_READERS, scopes: ["sales:read"], description: "read quotes and their revisions" },
    "quotes.write": { roles: SALES_WRITERS, scopes: [], description: "create and change quotes, make one primary (price overrides: tenant-admin and sales-manager)" },
    "quotes.send": { roles: SALES_WRITERS, scopes: [], description: "send a draft quote" },
    "quotes.decide": { roles: SALES_WRITERS, scopes: [], description: "record a quote's acceptance or rejection" },
    "orders.read": { roles: SALES_READERS, scopes: ["sales:read"], description: "read orders" },
    "orders.write": { roles: SALES_WRITERS, scopes: [], description: "make an order from an accepted quote, fulfil or cancel it" },
    "territories.reassign": { roles: TERRITORY_WRITERS, scopes: [], description: "replace a territory's rules and move the accounts and leads they place" },
    // Reporting's quota readers: the whole tenant's figures against its quotas (a sales rep is refused).
    "forecast.read": { roles: ["tenant-admin", "sales-manager", "analyst"], scopes: [], description: "read the forecast by owner or territory" },
  },
});
