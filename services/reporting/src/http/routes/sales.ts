import { route, type RouteSpec } from "@relata/platform/http";
import { GetCompetitorReportRequest, GetForecastRequest, GetSalesDashboardRequest } from "@relata/proto/reporting/v1/dashboards";
import type { ReportingClients } from "../../client";
import {
  CompetitorReportJson, competitorReportJson, CompetitorReportQuery, ForecastJson, forecastJson, ForecastQuery, SalesDashboardJson, salesDashboardJson, SalesDashboardQuery,
} from "../schemas/sales";

export function salesRoutes(reporting: ReportingClients): RouteSpec[] {
  return [
    route({
      operationId: "getSalesAnalytics",
      method: "get",
      path: "/v1/analytics/sales",
      operation: "analytics.sales",
      tag: "Analytics",
      summary: "The sales dashboard: the open pipeline now by stage, owner and territory, and what closed between from and to",
      description:
        "Only opportunities in one currency are counted (never converted). Weighted amounts are amount × probability / 100, summed then rounded to cents. The win rate is won / (won + lost); the sales cycle the average days from creation to close of those won. Orders and orderedAmount count the orders submitted in the range and not cancelled (net totals), apart from the opportunities won.",
      query: SalesDashboardQuery,
      responses: { 200: { description: "The dashboard.", schema: SalesDashboardJson } },
      handler: async (ctx) => ({ body: salesDashboardJson(await reporting.sales.getSalesDashboard(GetSalesDashboardRequest.fromPartial(ctx.query), ctx.call)) }),
    }),
    route({
      operationId: "getSalesForecast",
      method: "get",
      path: "/v1/analytics/forecast",
      operation: "analytics.forecast",
      tag: "Analytics",
      summary: "The forecast of a period per owner or territory: quota, won, pipeline, weighted pipeline, forecast, attainment and gap",
      description:
        "Won: closed won with a close in the period (calendar days in timeZone). Pipeline: open with an expected close date in the period. Forecast = won + weighted pipeline. The quota is the one set for exactly that period and currency. Ordered: net totals of the orders submitted in the period and not cancelled, beside won and never added to it.",
      query: ForecastQuery,
      responses: { 200: { description: "The forecast.", schema: ForecastJson } },
      handler: async (ctx) => ({ body: forecastJson(await reporting.sales.getForecast(GetForecastRequest.fromPartial(ctx.query), ctx.call)) }),
    }),
    route({
      operationId: "getCompetitorAnalytics",
      method: "get",
      path: "/v1/analytics/competitors",
      operation: "analytics.competitors",
      tag: "Analytics",
      summary: "Win and loss counts per competitor of the opportunities closed between from and to",
      description:
        "A deal met a competitor when it is linked to it or was lost to it. Per competitor: deals met, won, lost to it, lost to another, lost naming none, the win rate won / met (exact, 4 decimals) and the amounts won and lost to it. Only opportunities in one currency are counted (as the sales dashboard).",
      query: CompetitorReportQuery,
      responses: { 200: { description: "The competitors' figures.", schema: CompetitorReportJson } },
      handler: async (ctx) => ({ body: competitorReportJson(await reporting.sales.getCompetitorReport(GetCompetitorReportRequest.fromPartial(ctx.query), ctx.call)) }),
    }),
  ];
}
