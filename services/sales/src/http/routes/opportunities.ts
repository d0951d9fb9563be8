import { CreateOpportunityRequest, ListOpportunitiesRequest, Opportunity, UpdateOpportunityRequest } from "@relata/proto/sales/v1/opportunity";
import { opportunity } from "../../resources";
import { toJson } from "@relata/platform/resource";
import type { SalesClients } from "../../client";
import { crudRoutes, crudSchemas, IdParams, ok, route, type RouteSpec } from "@relata/platform/http";
import { OpportunityStageChange } from "../schemas/opportunities";

const opportunityJson = (o: Opportunity) => toJson(opportunity, o);

export function opportunityRoutes(sales: SalesClients): RouteSpec[] {
  const crud = crudRoutes(
    opportunity,
    {
      list: async (request, call) => {
        const res = await sales.opportunities.listOpportunities(ListOpportunitiesRequest.fromPartial(request), call);
        return { records: res.opportunities, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => sales.opportunities.createOpportunity(CreateOpportunityRequest.fromPartial(request), call),
      get: (request, call) => sales.opportunities.getOpportunity(request, call),
      update: (request, call) => sales.opportunities.updateOpportunity(UpdateOpportunityRequest.fromPartial(request), call),
      delete: (request, call) => sales.opportunities.deleteOpportunity(request, call),
      restore: (request, call) => sales.opportunities.restoreOpportunity(request, call),
    },
  { tag: "Opportunities" },
  );
  const OpportunityJson = crudSchemas(opportunity).json;
  return [
    ...crud,
    route({
      operationId: "changeOpportunityStage",
      method: "post",
      path: "/v1/opportunities/:id/stage",
      operation: "opportunities.write",
      tag: "Opportunities",
      summary: "Move an open opportunity to another stage (a won or lost stage closes it)",
      params: IdParams,
      body: OpportunityStageChange,
      ifMatch: "optional",
      responses: { 200: ok(OpportunityJson, "The opportunity in its new stage.") },
      handler: async (ctx) => {
        const opportunity = await sales.opportunities.changeStage(
          { id: ctx.params.id, expectedVersion: ctx.expectedVersion, stageId: ctx.body.stageId, reason: ctx.body.reason ?? "", lostToCompetitorId: ctx.body.lostToCompetitorId ?? "" },
          ctx.call,
        );
        return { body: opportunityJson(opportunity), version: opportunity.version };
      },
    }),
  ];
}
