import { actorOf, id, implement, optionalId, protoEnum, requiredText, timestamp, validate, type ServiceRegistration } from "@relata/platform";
import { ConsentServiceService, ConsentStatus } from "@relata/proto/marketing/v1/consent";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { toConsent, toConsentChange } from "../codec/mappers";
import { UNSUBSCRIBE_TOKEN_PATTERN } from "../consent/token";
import { CONSENT_SOURCES, consentTime, type ConsentChangeRecord } from "../domain/consent";
import type { MarketingChannel } from "../domain/types";
import { channel, consentStatus } from "../resources";
import { consentHistory, consentId, consentsOf } from "../store/consents";
import { recordConsentChange } from "../workflows/consent";
import type { MarketingDeps } from "./context";

const Token = z.string().regex(UNSUBSCRIBE_TOKEN_PATTERN, "is not a valid unsubscribe link");

/** The request schemas, by RPC (exported for tests). */
export const consentSchemas = {
  recordConsent: z.object({
    personId: id(),
    channel: protoEnum(channel, { required: true }),
    status: protoEnum(consentStatus, { required: true }),
    source: requiredText(200),
    at: timestamp(),
  }),
  listConsents: z.object({ personId: id() }),
  listConsentHistory: z.object({
    personId: id(),
    channel: protoEnum(channel, { required: false }),
    cursor: z.string().max(1024).default(""),
    limit: z.number().int().min(0).max(200).default(0),
  }),
  createUnsubscribeLink: z.object({ personId: id(), channel: protoEnum(channel, { required: true }), campaignId: optionalId() }),
  describeUnsubscribe: z.object({ token: Token }),
  unsubscribe: z.object({ token: Token }),
};

/** A history entry's id: `<tenantId>/<personId>:<channel>:<unique part>`. */
export const consentChangeId = (tenantId: string, personId: string, ch: MarketingChannel, unique: string) => `${consentId(tenantId, personId, ch)}:${unique}`;

export function consentService({ models, publish, logger, unsubscribeLinks }: MarketingDeps): ServiceRegistration {
  return implement(
    ConsentServiceService,
    {
      async recordConsent(request, ctx) {
        const input = validate(consentSchemas.recordConsent, request);
        const now = new Date();
        const { tenantId, subject } = ctx.identity;
        const change: ConsentChangeRecord = {
          _id: consentChangeId(tenantId, input.personId, input.channel, randomUUID()),
          tenantId,
          personId: input.personId,
          channel: input.channel,
          status: input.status,
          source: input.source,
          at: consentTime(input.at, now),
          recordedAt: now,
          recordedBy: subject,
          campaignId: "",
        };
        await recordConsentChange(models, change, actorOf(ctx), publish);
        return toConsentChange(change);
      },

      async listConsents(request, ctx) {
        const { personId } = validate(consentSchemas.listConsents, request);
        return { consents: (await consentsOf(models, ctx.identity.tenantId, personId)).map(toConsent) };
      },

      async listConsentHistory(request, ctx) {
        const input = validate(consentSchemas.listConsentHistory, request);
        const { rows, nextCursor } = await consentHistory(models, ctx.identity.tenantId, input.personId, input.channel, { pageSize: input.limit, cursor: input.cursor });
        return { changes: rows.map(toConsentChange), nextCursor };
      },

      async createUnsubscribeLink(request, ctx) {
        const input = validate(consentSchemas.createUnsubscribeLink, request);
        const token = unsubscribeLinks.token(ctx.identity.tenantId, input.personId, input.channel, input.campaignId);
        return { token, path: unsubscribeLinks.pathOf(token) };
      },

      async describeUnsubscribe(request, ctx) {
        const { token } = validate(consentSchemas.describeUnsubscribe, request);
        const link = unsubscribeLinks.verify(token, ctx.identity.tenantId);
        const current = await models.consents.findOne({ _id: consentId(link.tenantId, link.personId, link.channel), tenantId: link.tenantId }).lean();
        return { channel: channel.toProto(link.channel), campaignId: link.campaignId, status: current ? consentStatus.toProto(current.status) : ConsentStatus.CONSENT_STATUS_UNSPECIFIED };
      },

      async unsubscribe(request, ctx) {
        const { token } = validate(consentSchemas.unsubscribe, request);
        const link = unsubscribeLinks.verify(token, ctx.identity.tenantId);
        const current = await models.consents.findOne({ _id: consentId(link.tenantId, link.personId, link.channel), tenantId: link.tenantId }).lean();
        // Used again while still withdrawn: the history already holds when it was withdrawn.
        if (current?.status !== "withdrawn") {
          const now = new Date();
          await recordConsentChange(
            models,
            {
              _id: consentChangeId(link.tenantId, link.personId, link.channel, randomUUID()),
              tenantId: link.tenantId,
              personId: link.personId,
              channel: link.channel,
              status: "withdrawn",
              source: CONSENT_SOURCES.unsubscribeLink,
              at: now,
              recordedAt: now,
              recordedBy: ctx.identity.subject,
              campaignId: link.campaignId,
            },
            actorOf(ctx),
            publish,
          );
          logger.info({ channel: link.channel, campaignId: link.campaignId }, "consent withdrawn through an unsubscribe link");
        }
        return { channel: channel.toProto(link.channel), campaignId: link.campaignId, status: consentStatus.toProto("withdrawn") };
      },
    },
    logger,
  );
}
