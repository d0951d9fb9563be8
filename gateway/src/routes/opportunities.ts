import { CreateOpportunityRequest, ListOpportunitiesRequest, UpdateOpportunityRequest } from "@relata/proto/sales/v1/opportunity";
import type { SalesClients } from "../backends";
import { IdParams, pageOf } from "../schemas/common";
import { opportunityStatus } from "../schemas/enums";
import { OpportunityCreate, OpportunityJson, opportunityJson, OpportunityListQuery, OpportunityStageChange, OpportunityUpdate } from "../schemas/opportunities";
import { clearable, listReply, recycleBinRoutes, route, type RouteSpec } from "./define";
import { created, ok, page } from "./responses";

const OpportunityPage = pageOf("OpportunityPage", OpportunityJson);

export function opportunityRoutes(sales: SalesClients): RouteSpec[] {
  return [
    route({
      operationId: "listOpportunities",
      method: "get",
      path: "/v1/opportunities",
      operation: "opportunities.read",
      tag: "Opportunities",
      summary: "List opportunities",
      query: OpportunityListQuery,
      responses: { 200: page(OpportunityPage) },
      handler: async (ctx) => {
        const q = ctx.query;
        const res = await sales.opportunities.listOpportunities(
          ListOpportunitiesRequest.fromPartial({
            page: { pageSize: q.limit ?? 0, cursor: q.cursor ?? "", sort: q.sort ?? "" },
            accountId: q.accountId ?? "",
            ownerId: q.ownerId ?? "",
            stageId: q.stageId ?? "",
            status: q.status ? opportunityStatus.toProto(q.status) : undefined,
          }),
          ctx.call,
        );
        return listReply(ctx, res.opportunities.map(opportunityJson), res.page?.nextCursor);
      },
    }),
    route({
      operationId: "createOpportunity",
      method: "post",
      path: "/v1/opportunities",
      operation: "opportunities.write",
      tag: "Opportunities",
      summary: "Create an opportunity",
      body: OpportunityCreate,
      idempotencyKey: true,
      responses: { 201: created(OpportunityJson) },
      handler: async (ctx) => {
        const b = ctx.body;
        const opportunity = await sales.opportunities.createOpportunity(
          CreateOpportunityRequest.fromPartial({
            accountId: b.accountId,
            contactId: b.contactId ?? "",
            name: b.name,
            stageId: b.stageId ?? "",
            amount: b.amount,
            expectedCloseDate: b.expectedCloseDate ?? "",
            ownerId: b.ownerId ?? "",
            idempotencyKey: ctx.idempotencyKey,
          }),
          ctx.call,
        );
        return {
          status: 201,
          body: opportunityJson(opportunity),
          version: opportunity.version,
          location: `/v1/opportunities/${opportunity.id}`,
        };
      },
    }),
    route({
      operationId: "getOpportunity",
      method: "get",
      path: "/v1/opportunities/:id",
      operation: "opportunities.read",
      tag: "Opportunities",
      summary: "Read an opportunity",
      params: IdParams,
      responses: { 200: ok(OpportunityJson) },
      handler: async (ctx) => {
        const opportunity = await sales.opportunities.getOpportunity({ id: ctx.params.id }, ctx.call);
        return { body: opportunityJson(opportunity), version: opportunity.version };
      },
    }),
    route({
      operationId: "updateOpportunity",
      method: "patch",
      path: "/v1/opportunities/:id",
      operation: "opportunities.write",
      tag: "Opportunities",
      summary: "Change an opportunity",
      params: IdParams,
      body: OpportunityUpdate,
      ifMatch: "required",
      responses: { 200: ok(OpportunityJson, "The changed opportunity.") },
      handler: async (ctx) => {
        const b = ctx.body;
        const opportunity = await sales.opportunities.updateOpportunity(
          UpdateOpportunityRequest.fromPartial({
            id: ctx.params.id,
            expectedVersion: ctx.expectedVersion,
            name: b.name,
            amount: b.amount,
            expectedCloseDate: clearable(b.expectedCloseDate),
            ownerId: b.ownerId,
            contactId: clearable(b.contactId),
          }),
          ctx.call,
        );
        return { body: opportunityJson(opportunity), version: opportunity.version };
      },
    }),
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
          { id: ctx.params.id, expectedVersion: ctx.expectedVersion, stageId: ctx.body.stageId, reason: ctx.body.reason ?? "" },
          ctx.call,
        );
        return { body: opportunityJson(opportunity), version: opportunity.version };
      },
    }),
    ...recycleBinRoutes({
      path: "/v1/opportunities",
      name: "Opportunity",
      what: "opportunity",
      tag: "Opportunities",
      operation: "opportunities.delete",
      schema: OpportunityJson,
      toJson: opportunityJson,
      calls: {
        delete: (request, call) => sales.opportunities.deleteOpportunity(request, call),
        restore: (request, call) => sales.opportunities.restoreOpportunity(request, call),
      },
    }),
  ];
}
