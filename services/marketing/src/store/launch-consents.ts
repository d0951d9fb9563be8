import type { ConsentStatus, MarketingChannel } from "../domain/types";
import type { MarketingModels } from "./models";

/**
 * Every withdrawal of the tenant on these channels, read once for a launch: person id → channel
 * → "withdrawn" (granted or unrecorded consent does not exclude, so only withdrawals are read).
 *
 * One pass over the tenant's consents rather than a query per batch of people: FerretDB serves a
 * filter on a person id (`$in` or a range) by reading every consent of the tenant (only the
 * tenant equality reaches the index), so per-batch lookups cost a launch of 100 batches a
 * hundred passes (docs/marketing.md, measured). The cursor streams; the map holds the
 * withdrawals only.
 */
export async function withdrawnConsents(
  models: Pick<MarketingModels, "consents">,
  tenantId: string,
  channels: readonly MarketingChannel[],
): Promise<Map<string, Map<MarketingChannel, ConsentStatus>>> {
  const out = new Map<string, Map<MarketingChannel, ConsentStatus>>();
  if (channels.length === 0) return out;
  const cursor = models.consents
    .find({ tenantId, status: "withdrawn", channel: { $in: [...channels] } }, { personId: 1, channel: 1 })
    .batchSize(5_000)
    .lean()
    .cursor();
  for await (const row of cursor) {
    const { personId, channel } = row as { personId: string; channel: MarketingChannel };
    const byChannel = out.get(personId) ?? new Map<MarketingChannel, ConsentStatus>();
    byChannel.set(channel, "withdrawn");
    out.set(personId, byChannel);
  }
  return out;
}
