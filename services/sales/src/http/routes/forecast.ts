import { GetForecastRequest } from "@relata/proto/sales/v1/forecast";
import { route, type RouteSpec } from "@relata/platform/http";
import type { SalesClients } from "../../client";
import { salesForecastJson, SalesForecastJson, SalesForecastQuery } from "../schemas/forecast";

export function forecastRoutes(sales: SalesClients): RouteSpec[] {
  return [
    route({
      operationId: "getForecast",
      method: "get",
      path: "/v1/forecast",
      operation: "forecast.read",
      tag: "Forecast",
      summary: "The forecast of a period by owner or by territory (rolled up the hierarchy), against Reporting's quotas",
      description:
        "Counts the open and won opportunities whose expected close date falls in the period, in one currency: pipeline, bestCase and commit by their stage's forecast category, closed (won), weighted (amount × probability of the open ones). By territory each territory shows its own figures and those rolled up with its descendants; accounts in no known territory are 'unassigned'. Quotas come from Reporting; when it does not answer within a short deadline the figures are served with quotasAvailable false. Read by tenant admins, sales managers and analysts.",
      query: SalesForecastQuery,
      responses: { 200: { description: "The forecast.", schema: SalesForecastJson } },
      handler: async (ctx) => ({ body: salesForecastJson(await sales.forecast.getForecast(GetForecastRequest.fromPartial(ctx.query), ctx.call)) }),
    }),
  ];
}
