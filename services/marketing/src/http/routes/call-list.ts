import { IdParams, listReply, ok, page, route, type RouteSpec } from "@relata/platform/http";
import type { MarketingClients } from "../../client";
import { CallJson, callJson, CallListDistributed, CallListDistribution, CallListQuery, CallOutcomeInput, CallPage, PersonParams } from "../schemas/call-list";

/** A phone campaign's call list: distributed by marketers, worked by the reps it is given to. */
export function callListRoutes(marketing: MarketingClients): RouteSpec[] {
  return [
    route({
      operationId: "distributeCallList",
      method: "post",
      path: "/v1/campaigns/:id/call-list",
      operation: "campaigns.callList.distribute",
      tag: "Campaigns",
      summary: "Give a running phone campaign's members to reps, round robin",
      description:
        "The members with the phone channel not yet on the call list go to the reps in turn (person id order), each member to exactly one rep whatever the concurrency. A call once given stays with its rep: a later distribution with other reps gives them only members left (none once a distribution has finished). 409 when the campaign is not running or has no phone channel.",
      params: IdParams,
      body: CallListDistribution,
      responses: { 200: ok(CallListDistributed, "What the distribution did.") },
      handler: async (ctx) => {
        const res = await marketing.callLists.distributeCallList({ campaignId: ctx.params.id, reps: ctx.body.reps }, ctx.call);
        return { body: { assigned: Number(res.assigned), total: Number(res.total) } };
      },
    }),
    route({
      operationId: "listCampaignCalls",
      method: "get",
      path: "/v1/campaigns/:id/call-list",
      operation: "campaigns.callList.read",
      tag: "Campaigns",
      summary: "A campaign's calls, in person id order: a rep's own, or (for marketers) anyone's",
      params: IdParams,
      query: CallListQuery,
      responses: { 200: page(CallPage) },
      handler: async (ctx) => {
        const res = await marketing.callLists.listCalls(
          { campaignId: ctx.params.id, assigneeId: ctx.query.assignee ?? "", page: { pageSize: ctx.query.limit ?? 0, cursor: ctx.query.cursor ?? "", sort: "" } },
          ctx.call,
        );
        return listReply(ctx, res.calls.map(callJson), res.page?.nextCursor);
      },
    }),
    route({
      operationId: "logCallOutcome",
      method: "post",
      path: "/v1/campaigns/:id/call-list/:personId/outcome",
      operation: "campaigns.callList.log",
      tag: "Campaigns",
      summary: "Record a call attempt and its outcome (the call keeps every attempt and shows the latest)",
      description: "By the rep the call is given to, or a marketer; while the campaign runs. Publishes marketing.call.logged (an interested outcome is a response that may become a lead).",
      params: PersonParams,
      body: CallOutcomeInput,
      responses: { 200: ok(CallJson, "The call with its attempts.") },
      handler: async (ctx) => {
        const call = await marketing.callLists.logCallOutcome(
          { campaignId: ctx.params.id, personId: ctx.params.personId, outcome: ctx.body.outcome, note: ctx.body.note ?? "", callbackAt: ctx.body.callbackAt },
          ctx.call,
        );
        return { body: callJson(call) };
      },
    }),
  ];
}
