import { route, type RouteSpec } from "@relata/platform/http";
import type { ReportingClients } from "../../client";
import { StoreStatusJson, storeStatusJson } from "../schemas/store";

export function storeRoutes(reporting: ReportingClients): RouteSpec[] {
  return [
    route({
      operationId: "getAnalyticsStore",
      method: "get",
      path: "/v1/analytics/store",
      operation: "analytics.store.read",
      tag: "Analytics",
      summary: "The state of the analytical store: how far it has read each stream, and the tenant's events applied by subject",
      description: "Each Reporting replica keeps its own store; this is the answering replica's. The counts reconcile with what the services published.",
      responses: { 200: { description: "The store's state.", schema: StoreStatusJson } },
      handler: async (ctx) => ({ body: storeStatusJson(await reporting.store.getStoreStatus({}, ctx.call)) }),
    }),
  ];
}
