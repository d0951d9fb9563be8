import { listReply, page, pageOf, route, type RouteSpec } from "@relata/platform/http";
import { Channel } from "@relata/proto/marketing/v1/channel";
import type { MarketingClients } from "../../client";
import { UNSUBSCRIBE_PATH, unsubscribeTenant } from "../../consent/token";
import { channel, consentStatus } from "../../resources";
import {
  ConsentChangeJson,
  consentChangeJson,
  ConsentHistoryQuery,
  consentJson,
  ConsentRecordInput,
  ConsentsJson,
  ConsentsQuery,
  UnsubscribeJson,
  unsubscribeJson,
  UnsubscribeLinkInput,
  UnsubscribeLinkJson,
  UnsubscribeParams,
} from "../schemas/consent";

const ConsentHistoryPage = pageOf("ConsentHistoryPage", ConsentChangeJson);

/** Who may follow an unsubscribe link: the gateway serves it without a token. */
const UNSUBSCRIBE_LINK = {
  tenant: (params: Record<string, string>) => unsubscribeTenant(params.token ?? ""),
  field: "token",
  why: "anyone holding a signed unsubscribe link; its signature binds the tenant, the person and the channel",
};

export function consentRoutes(marketing: MarketingClients): RouteSpec[] {
  return [
    route({
      operationId: "recordConsent",
      method: "post",
      path: "/v1/consents",
      operation: "consents.write",
      tag: "Consent",
      summary: "Record that a person gave or withdrew consent on a channel",
      description:
        "Kept in the person's history as proof (never changed). The current consent follows the latest change by `at`: a change dated before the latest one is kept in the history and changes nothing else.",
      body: ConsentRecordInput,
      responses: { 201: { description: "The change as recorded.", schema: ConsentChangeJson } },
      handler: async (ctx) => {
        const b = ctx.body;
        const change = await marketing.consents.recordConsent(
          { personId: b.personId, channel: channel.toProto(b.channel), status: consentStatus.toProto(b.status), source: b.source, at: b.at },
          ctx.call,
        );
        return { status: 201, body: consentChangeJson(change) };
      },
    }),
    route({
      operationId: "listConsents",
      method: "get",
      path: "/v1/consents",
      operation: "consents.read",
      tag: "Consent",
      summary: "A person's consent per channel, as it stands",
      description: "One entry per channel the person ever gave or withdrew consent on; a channel without one has no consent recorded.",
      query: ConsentsQuery,
      responses: { 200: { description: "The person's consents.", schema: ConsentsJson } },
      handler: async (ctx) => {
        const res = await marketing.consents.listConsents({ personId: ctx.query.personId }, ctx.call);
        return { body: { data: res.consents.map(consentJson) } };
      },
    }),
    route({
      operationId: "listConsentHistory",
      method: "get",
      path: "/v1/consents/history",
      operation: "consents.read",
      tag: "Consent",
      summary: "Every change of a person's consent, oldest first: the proof",
      description: "Each change with its source, when it was given or withdrawn, when and by whom it was recorded, and the campaign of an unsubscribe link or response.",
      query: ConsentHistoryQuery,
      responses: { 200: page(ConsentHistoryPage) },
      handler: async (ctx) => {
        const q = ctx.query;
        const res = await marketing.consents.listConsentHistory(
          { personId: q.personId, channel: q.channel ? channel.toProto(q.channel) : Channel.CHANNEL_UNSPECIFIED, limit: q.limit ?? 0, cursor: q.cursor ?? "" },
          ctx.call,
        );
        return listReply(ctx, res.changes.map(consentChangeJson), res.nextCursor);
      },
    }),
    route({
      operationId: "createUnsubscribeLink",
      method: "post",
      path: "/v1/consents/unsubscribe-links",
      operation: "consents.links",
      tag: "Consent",
      summary: "A signed unsubscribe link for a person's channel",
      description: "For sending tools: the link works without a token and cannot be changed to name another person, channel or tenant. It does not expire.",
      body: UnsubscribeLinkInput,
      responses: { 200: { description: "The link.", schema: UnsubscribeLinkJson } },
      handler: async (ctx) => {
        const b = ctx.body;
        const link = await marketing.consents.createUnsubscribeLink({ personId: b.personId, channel: channel.toProto(b.channel), campaignId: b.campaignId ?? "" }, ctx.call);
        return { body: { url: ctx.url(link.path), token: link.token } };
      },
    }),
    route({
      operationId: "describeUnsubscribe",
      method: "get",
      path: `${UNSUBSCRIBE_PATH}/:token`,
      operation: "unsubscribe.use",
      tag: "Consent",
      summary: "What an unsubscribe link is for (changes nothing)",
      description:
        "Mail scanners follow links in messages, so following the link changes nothing: it answers the channel, the campaign and the consent as it stands. `POST` to the same URL unsubscribes (RFC 8058 one-click). A link whose value was changed is refused (400 naming `token`).",
      params: UnsubscribeParams,
      tokenless: UNSUBSCRIBE_LINK,
      responses: { 200: { description: "What the link is for.", schema: UnsubscribeJson } },
      handler: async (ctx) => ({ body: unsubscribeJson(await marketing.consents.describeUnsubscribe({ token: ctx.params.token }, ctx.call)) }),
    }),
    route({
      operationId: "unsubscribe",
      method: "post",
      path: `${UNSUBSCRIBE_PATH}/:token`,
      operation: "unsubscribe.use",
      tag: "Consent",
      summary: "Unsubscribe: withdraw the consent the link names (one click)",
      description:
        "RFC 8058 one-click: the body (`List-Unsubscribe=One-Click`) is ignored. Using the link again while the consent is withdrawn changes nothing more (no second history entry). A link whose value was changed is refused (400 naming `token`).",
      params: UnsubscribeParams,
      tokenless: UNSUBSCRIBE_LINK,
      responses: { 200: { description: "The consent is withdrawn.", schema: UnsubscribeJson } },
      handler: async (ctx) => ({ body: unsubscribeJson(await marketing.consents.unsubscribe({ token: ctx.params.token }, ctx.call)) }),
    }),
  ];
}
