import type { ConsumerLoop, EventBus, Logger, PublishAfterWrite } from "@relata/platform";
import { ResponseRecorded } from "@relata/proto/events/v1/marketing";
import { CONSENT_SOURCES } from "../domain/consent";
import type { MarketingChannel } from "../domain/types";
import { MARKETING_STREAM, SUBJECTS } from "../events/stream";
import { channel as channelCodec } from "../resources";
import { consentId } from "../store/consents";
import type { MarketingModels } from "../store/models";
import { recordConsentChange } from "./consent";

/** The durable consumer that withdraws consent when a person unsubscribes through a campaign response. */
export const CONSENT_UNSUBSCRIBES_DURABLE = "marketing-consent-unsubscribes";

const CHANNELS: readonly string[] = channelCodec.words;

/**
 * The channels an unsubscribe response withdraws: the one it came through, or every channel of
 * its campaign when it names none (nothing when the campaign is unknown to this tenant).
 */
async function channelsOf(models: MarketingModels, tenantId: string, response: ResponseRecorded): Promise<MarketingChannel[]> {
  if (response.channel) return CHANNELS.includes(response.channel) ? [response.channel as MarketingChannel] : [];
  const campaign = await models.campaigns.findOne({ _id: response.campaignId, tenantId }, { channels: 1 }).lean();
  return campaign?.channels ?? [];
}

/**
 * On `marketing.response.recorded` of type "unsubscribed": the person's consent on the
 * response's channel is withdrawn (source "campaign response", the campaign kept in the
 * history). Idempotent by event id: each channel's history entry is `<consent id>:response:<event id>`,
 * inserted once; a redelivery writes nothing new and only makes the current consent follow.
 */
export function startConsentUnsubscribes(bus: EventBus, models: MarketingModels, publish: PublishAfterWrite, logger: Logger, durable = CONSENT_UNSUBSCRIBES_DURABLE): Promise<ConsumerLoop<ResponseRecorded>> {
  return bus.consume<ResponseRecorded>({
    stream: MARKETING_STREAM.name,
    durable,
    filterSubjects: [SUBJECTS.responseRecorded],
    decode: (data) => ResponseRecorded.decode(data),
    handle: async ({ event }) => {
      const meta = event.meta;
      if (event.type !== "unsubscribed" || !meta?.id || !meta.tenantId || !event.personId) return;
      const tenantId = meta.tenantId;
      const channels = await channelsOf(models, tenantId, event);
      if (channels.length === 0) {
        logger.warn({ event: meta.id, campaignId: event.campaignId, channel: event.channel }, "unsubscribe response names no channel Marketing knows: consent unchanged");
        return;
      }
      const at = meta.occurredAt ? new Date(meta.occurredAt) : new Date();
      const recordedAt = new Date();
      for (const channel of channels) {
        await recordConsentChange(
          models,
          {
            _id: `${consentId(tenantId, event.personId, channel)}:response:${meta.id}`,
            tenantId,
            personId: event.personId,
            channel,
            status: "withdrawn",
            source: CONSENT_SOURCES.campaignResponse,
            at,
            recordedAt,
            recordedBy: meta.actorId || "marketing",
            campaignId: event.campaignId,
          },
          { tenantId, actorId: meta.actorId || "marketing", requestId: meta.requestId },
          publish,
        );
      }
    },
  });
}
