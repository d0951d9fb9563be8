import { IdParams, route, type RouteSpec } from "@relata/platform/http";
import type { MarketingClients } from "../../client";
import { CampaignResultsJson, campaignResultsJson } from "../schemas/results";

export function resultsRoutes(marketing: MarketingClients): RouteSpec[] {
  return [
    route({
      operationId: "getCampaignResults",
      method: "get",
      path: "/v1/campaigns/:id/results",
      operation: "campaigns.results",
      tag: "Campaigns",
      summary: "What a campaign achieved: members, responses, leads, opportunities, won revenue, cost, return",
      description:
        "Computed from events as they arrive (responses, and Sales' leads and opportunities that name the campaign), so a change in Sales shows here shortly after. `roi` is Marketing's own figure until Reporting computes it.",
      params: IdParams,
      responses: { 200: { description: "The campaign's results.", schema: CampaignResultsJson } },
      handler: async (ctx) => ({ body: campaignResultsJson(await marketing.results.getCampaignResults({ campaignId: ctx.params.id }, ctx.call)) }),
    }),
  ];
}
