import { route, type RouteSpec } from "@relata/platform/http";
import type { ReportingClients } from "../../client";
import { CustomerValueQuery, CustomerValueReportJson, customerValueReportJson } from "../schemas/customer-value";

export function customerValueRoutes(reporting: ReportingClients): RouteSpec[] {
  return [
    route({
      operationId: "getCustomerValue",
      method: "get",
      path: "/v1/analytics/customer-value",
      operation: "analytics.customerValue",
      tag: "Analytics",
      summary: "Customer value: lifetime won revenue per account, RFM scores and classes, the Pareto (80/20) cut and churn risk",
      description:
        "Customers are accounts with at least one won opportunity in the currency. Scores 1..5 are ceil(5 × the share of customers whose metric is no better); classes follow the rule table of docs/reporting.md; churn risk: no purchase for over 180 days and no activity in the last 90.",
      query: CustomerValueQuery,
      responses: { 200: { description: "The report.", schema: CustomerValueReportJson } },
      handler: async (ctx) => {
        const q = ctx.query;
        const report = await reporting.customerValue.getCustomerValue(
          { currency: q.currency ?? "", territory: q.territory ?? "", ownerId: q.ownerId ?? "", rfmClass: q.rfmClass ?? "", limit: q.limit ?? 0, timeZone: q.timeZone ?? "" },
          ctx.call,
        );
        return { body: customerValueReportJson(report) };
      },
    }),
  ];
}
