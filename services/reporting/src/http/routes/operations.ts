import { route, type RouteSpec } from "@relata/platform/http";
import type { ReportingClients } from "../../client";
import {
  CampaignDashboardJson, campaignDashboardJson, CampaignDashboardQuery, KnowledgeDashboardJson, knowledgeDashboardJson, KnowledgeDashboardQuery,
  ServiceDashboardJson, serviceDashboardJson, ServiceDashboardQuery,
} from "../schemas/operations";

/** The operations dashboards: campaigns (marketing), the service desk and the Knowledge-Base. */
export function operationsRoutes(reporting: ReportingClients): RouteSpec[] {
  return [
    route({
      operationId: "getCampaignDashboard",
      method: "get",
      path: "/v1/analytics/campaigns",
      operation: "analytics.campaigns",
      tag: "Analytics",
      summary: "Campaign performance: members, responses, leads, opportunities, won revenue, cost and return on cost",
      description:
        "Campaigns not deleted that start (or, unscheduled, were created) between from and to in the time zone. Revenue and cost count only in the dashboard's currency (never converted); roi is \"\" for a campaign without a cost in it.",
      query: CampaignDashboardQuery,
      responses: { 200: { description: "The campaigns and their total.", schema: CampaignDashboardJson } },
      handler: async (ctx) => {
        const q = ctx.query;
        const reply = await reporting.operations.getCampaignDashboard(
          { from: q.from ?? "", to: q.to ?? "", campaignId: q.campaignId ?? "", ownerId: q.ownerId ?? "", currency: q.currency ?? "", timeZone: q.timeZone ?? "" },
          ctx.call,
        );
        return { body: campaignDashboardJson(reply) };
      },
    }),
    route({
      operationId: "getServiceDashboard",
      method: "get",
      path: "/v1/analytics/service",
      operation: "analytics.service",
      tag: "Analytics",
      summary: "Service desk: cases opened, resolved and in the backlog, response and resolution times, SLA compliance, CSAT, by queue and priority",
      description: "Over the cases (not deleted) opened between from and to in the time zone.",
      query: ServiceDashboardQuery,
      responses: { 200: { description: "The service figures.", schema: ServiceDashboardJson } },
      handler: async (ctx) => {
        const q = ctx.query;
        const reply = await reporting.operations.getServiceDashboard(
          { from: q.from ?? "", to: q.to ?? "", queueId: q.queueId ?? "", category: q.category ?? "", ownerId: q.ownerId ?? "", timeZone: q.timeZone ?? "" },
          ctx.call,
        );
        return { body: serviceDashboardJson(reply) };
      },
    }),
    route({
      operationId: "getKnowledgeDashboard",
      method: "get",
      path: "/v1/analytics/knowledge",
      operation: "analytics.knowledge",
      tag: "Analytics",
      summary: "Knowledge-Base usage: views, searches and those without results, feedback, links to cases, top articles, top empty searches",
      description: "Over what happened between from and to in the time zone.",
      query: KnowledgeDashboardQuery,
      responses: { 200: { description: "The Knowledge-Base figures.", schema: KnowledgeDashboardJson } },
      handler: async (ctx) => {
        const q = ctx.query;
        const reply = await reporting.operations.getKnowledgeDashboard(
          { from: q.from ?? "", to: q.to ?? "", category: q.category ?? "", language: q.language ?? "", timeZone: q.timeZone ?? "", limit: q.limit ?? 0 },
          ctx.call,
        );
        return { body: knowledgeDashboardJson(reply) };
      },
    }),
  ];
}
