import { IdParams, listReply, page, route, type RouteSpec } from "@relata/platform/http";
import { ResponseType } from "@relata/proto/marketing/v1/response";
import { Channel } from "@relata/proto/marketing/v1/channel";
import type { MarketingClients } from "../../client";
import { channel, responseType } from "../../resources";
import { RecordResponseInput, ResponseJson, responseJson, ResponsePage, ResponsesQuery } from "../schemas/responses";

/** The permission rows of the responses' verbs (the gateway's table holds them). */
export const RESPONSE_OPERATIONS = {
  record: "campaigns.responses.record",
  list: "campaigns.responses.list",
} as const;

export function responseRoutes(marketing: MarketingClients): RouteSpec[] {
  return [
    route({
      operationId: "recordCampaignResponse",
      method: "post",
      path: "/v1/campaigns/:id/responses",
      operation: RESPONSE_OPERATIONS.record,
      tag: "Campaigns",
      summary: "Record a response to a running campaign (409 otherwise): by a member, or by a respondent of a partner's web form",
      params: IdParams,
      body: RecordResponseInput,
      idempotencyKey: true,
      responses: { 201: { description: "The response (or the first one recorded with the same Idempotency-Key).", schema: ResponseJson } },
      handler: async (ctx) => {
        const b = ctx.body;
        const r = await marketing.responses.recordResponse(
          {
            campaignId: ctx.params.id,
            type: responseType.toProto(b.type),
            personId: b.personId ?? "",
            respondent: b.respondent
              ? { firstName: b.respondent.firstName ?? "", lastName: b.respondent.lastName, email: b.respondent.email ?? "", phone: b.respondent.phone ?? "", company: b.respondent.company ?? "" }
              : undefined,
            channel: b.channel ? channel.toProto(b.channel) : Channel.CHANNEL_UNSPECIFIED,
            occurredAt: b.occurredAt,
            note: b.note ?? "",
            idempotencyKey: ctx.idempotencyKey,
          },
          ctx.call,
        );
        return { status: 201, body: responseJson(r) };
      },
    }),
    route({
      operationId: "listCampaignResponses",
      method: "get",
      path: "/v1/campaigns/:id/responses",
      operation: RESPONSE_OPERATIONS.list,
      tag: "Campaigns",
      summary: "A campaign's responses, newest first, of one type or all",
      params: IdParams,
      query: ResponsesQuery,
      responses: { 200: page(ResponsePage) },
      handler: async (ctx) => {
        const res = await marketing.responses.listResponses(
          {
            campaignId: ctx.params.id,
            type: ctx.query.type ? responseType.toProto(ctx.query.type) : ResponseType.RESPONSE_TYPE_UNSPECIFIED,
            page: { pageSize: ctx.query.limit ?? 0, cursor: ctx.query.cursor ?? "", sort: "" },
          },
          ctx.call,
        );
        return listReply(ctx, res.responses.map(responseJson), res.page?.nextCursor);
      },
    }),
  ];
}
