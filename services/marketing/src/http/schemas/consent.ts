import type { Consent, ConsentChange, UnsubscribeLinkInfo } from "@relata/proto/marketing/v1/consent";
import { DateTime, Id, named, orNull, PAGE_CURSOR, PAGE_LIMIT, stateDependent, text } from "@relata/platform/http";
import { z } from "zod";
import { UNSUBSCRIBE_TOKEN_PATTERN } from "../../consent/token";
import { channel, consentStatus } from "../../resources";

const Channel = channel.schema.meta({ description: "email, phone, sms or post." });
const Status = consentStatus.schema.meta({ description: "granted or withdrawn." });

export const ConsentRecordInput = named(
  "ConsentInput",
  z.strictObject({
    personId: Id.meta({ description: "The audience person (a Sales contact's or lead's id)." }),
    channel: Channel,
    status: Status,
    source: text(200).meta({ description: 'Where it was given or withdrawn: "web form", "phone call", "import"...', example: "web form" }),
    at: DateTime.optional().meta({
      description: "When the person gave or withdrew it; now when absent; not in the future (a minute of clock skew is allowed).",
      ...stateDependent("not after the server's clock"),
    }),
  }),
  "A change of a person's consent on one channel.",
);

export const ConsentJson = named(
  "Consent",
  z.object({ personId: z.string(), channel: Channel, status: Status, source: z.string(), at: DateTime, updatedAt: DateTime }),
  "A person's consent on one channel as it stands: the latest change by the time it was given or withdrawn.",
);

export const ConsentChangeJson = named(
  "ConsentChange",
  z.object({
    id: z.string(),
    personId: z.string(),
    channel: Channel,
    status: Status,
    source: z.string(),
    at: DateTime.meta({ description: "When the person gave or withdrew it." }),
    recordedAt: DateTime.meta({ description: "When Marketing recorded it." }),
    recordedBy: z.string().meta({ description: 'Who recorded it: a user, a partner client, or "anonymous" (an unsubscribe link).' }),
    campaignId: z.string().nullable().meta({ description: "The campaign whose link or response caused it." }),
  }),
  "One change of consent, kept as proof and never changed.",
);

export const ConsentsQuery = z.strictObject({ personId: Id });
export const ConsentsJson = named("Consents", z.object({ data: z.array(ConsentJson) }), "A person's consent per channel.");

export const ConsentHistoryQuery = z.strictObject({ personId: Id, channel: Channel.optional(), limit: PAGE_LIMIT.optional(), cursor: PAGE_CURSOR.optional() });

export const UnsubscribeLinkInput = named(
  "UnsubscribeLinkInput",
  z.strictObject({ personId: Id, channel: Channel, campaignId: Id.optional().meta({ description: "The campaign that sends the link (kept in the history when used)." }) }),
);

export const UnsubscribeLinkJson = named(
  "UnsubscribeLink",
  z.object({ url: z.string().meta({ description: "The link to put in the message: served without a token." }), token: z.string() }),
);

export const UnsubscribeParams = z.strictObject({
  token: z
    .string()
    .regex(UNSUBSCRIBE_TOKEN_PATTERN, "is not a valid unsubscribe link")
    .meta({ description: "The signed value of an unsubscribe link.", ...stateDependent("a value Marketing signed: any other is refused") }),
});

export const UnsubscribeJson = named(
  "Unsubscribe",
  z.object({
    channel: Channel,
    campaignId: z.string().nullable(),
    status: Status.nullable().meta({ description: "The consent on the channel now; null when never recorded." }),
  }),
  "What an unsubscribe link is for (never naming the person), and the consent it governs.",
);

export const consentJson = (c: Consent): z.output<typeof ConsentJson> => ({
  personId: c.personId,
  channel: channel.fromProto(c.channel)!,
  status: consentStatus.fromProto(c.status)!,
  source: c.source,
  at: c.at!,
  updatedAt: c.updatedAt!,
});

export const consentChangeJson = (c: ConsentChange): z.output<typeof ConsentChangeJson> => ({
  id: c.id,
  personId: c.personId,
  channel: channel.fromProto(c.channel)!,
  status: consentStatus.fromProto(c.status)!,
  source: c.source,
  at: c.at!,
  recordedAt: c.recordedAt!,
  recordedBy: c.recordedBy,
  campaignId: orNull(c.campaignId),
});

export const unsubscribeJson = (i: UnsubscribeLinkInfo): z.output<typeof UnsubscribeJson> => ({
  channel: channel.fromProto(i.channel)!,
  campaignId: orNull(i.campaignId),
  status: consentStatus.fromProto(i.status),
});
