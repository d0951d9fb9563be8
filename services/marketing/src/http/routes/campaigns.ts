import { CampaignAction, CreateCampaignRequest, ListCampaignsRequest, UpdateCampaignRequest, type Campaign } from "@relata/proto/marketing/v1/campaign";
import { toJson } from "@relata/platform/resource";
import { crudRoutes, crudSchemas, IdParams, listReply, ok, page, route, type RouteSpec } from "@relata/platform/http";
import type { MarketingClients } from "../../client";
import { campaign } from "../../resources";
import { campaignMemberJson, CampaignMemberPage, ListQuery, NoBody } from "../schemas/campaign-lifecycle";

const campaignJson = (c: Campaign) => toJson(campaign, c);

/** The lifecycle's verbs: path, proto action, what it does. */
const VERBS = [
  {
    verb: "schedule",
    action: CampaignAction.CAMPAIGN_ACTION_SCHEDULE,
    summary: "Schedule a draft campaign: it starts at startsAt and ends at endsAt, on time even while Marketing is down",
    detail: "Needs startsAt, endsAt (in the future, after startsAt) and a channel. A startsAt already past launches it at once (the answer is then the running campaign).",
  },
  {
    verb: "launch",
    action: CampaignAction.CAMPAIGN_ACTION_LAUNCH,
    summary: "Launch a draft or scheduled campaign now: its member list is fixed, consent enforced per channel",
    detail: "The answer carries the launch report: members, and the people left out and why.",
  },
  { verb: "complete", action: CampaignAction.CAMPAIGN_ACTION_COMPLETE, summary: "Complete a running campaign now (before its end)", detail: "" },
  { verb: "cancel", action: CampaignAction.CAMPAIGN_ACTION_CANCEL, summary: "Cancel a draft, scheduled or running campaign; its schedules are cancelled", detail: "" },
] as const;

const REFUSED =
  'A move the lifecycle does not allow is a 409 naming the state ("cannot launch a campaign that is completed"). If-Match is honoured (412 when the campaign changed since it was read) but not required.';

export function campaignRoutes(marketing: MarketingClients): RouteSpec[] {
  const crud = crudRoutes(
      campaign,
      {
        list: async (request, call) => {
          const res = await marketing.campaigns.listCampaigns(ListCampaignsRequest.fromPartial(request), call);
          return { records: res.campaigns, nextCursor: res.page?.nextCursor };
        },
        create: (request, call) => marketing.campaigns.createCampaign(CreateCampaignRequest.fromPartial(request), call),
        get: (request, call) => marketing.campaigns.getCampaign(request, call),
        update: (request, call) => marketing.campaigns.updateCampaign(UpdateCampaignRequest.fromPartial(request), call),
        delete: (request, call) => marketing.campaigns.deleteCampaign(request, call),
        restore: (request, call) => marketing.campaigns.restoreCampaign(request, call),
      },
      { tag: "Campaigns" },
  );
  // The described resource's schemas exist once its CRUD routes are built.
  const CampaignJson = crudSchemas(campaign).json;
  return [
    ...crud,
    ...VERBS.map(({ verb, action, summary, detail }) =>
      route({
        operationId: `${verb}Campaign`,
        method: "post",
        path: `/v1/campaigns/:id/${verb}`,
        operation: "campaigns.transition",
        tag: "Campaigns",
        summary,
        description: [detail, REFUSED].filter(Boolean).join(" "),
        params: IdParams,
        body: NoBody,
        ifMatch: "optional",
        responses: { 200: ok(CampaignJson, "The campaign after the move.") },
        handler: async (ctx) => {
          const c = await marketing.campaigns.transitionCampaign({ id: ctx.params.id, expectedVersion: ctx.expectedVersion, action }, ctx.call);
          return { body: campaignJson(c), version: c.version };
        },
      }),
    ),
    route({
      operationId: "listCampaignMembers",
      method: "get",
      path: "/v1/campaigns/:id/members",
      operation: "campaigns.members",
      tag: "Campaigns",
      summary: "The members a campaign's launch fixed, each with the channels it may reach them on",
      description: "Empty before the launch. In person id order.",
      params: IdParams,
      query: ListQuery,
      responses: { 200: page(CampaignMemberPage) },
      handler: async (ctx) => {
        const res = await marketing.campaigns.listCampaignMembers({ campaignId: ctx.params.id, page: { pageSize: ctx.query.limit ?? 0, cursor: ctx.query.cursor ?? "", sort: "" } }, ctx.call);
        return listReply(ctx, res.members.map(campaignMemberJson), res.page?.nextCursor);
      },
    }),
  ];
}
