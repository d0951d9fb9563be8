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
    route({
      operationId: "rebuildAnalyticsStore",
      method: "post",
      path: "/v1/analytics/store/rebuild",
      operation: "analytics.store.rebuild",
      tag: "Analytics",
      summary: "Rebuild the answering replica's store by replaying the streams from their start, then switch to it",
      description:
        "Answers 202 at once with `rebuilding: true`; the store in use keeps answering until the new one has caught up and takes over. Poll `GET /v1/analytics/store` for `lastRebuild`. A request while a rebuild runs joins it. Each replica rebuilds its own store: `make reporting-rebuild` asks every local replica.",
      responses: { 202: { description: "The rebuild runs.", schema: StoreStatusJson } },
      handler: async (ctx) => ({ status: 202, body: storeStatusJson(await reporting.store.rebuildStore({}, ctx.call)) }),
    }),
  ];
}
