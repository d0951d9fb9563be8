import type { ConsentStatus, MarketingChannel } from "../domain/types";
import type { MarketingModels } from "./models";

/**
 * The consent each of these people has given or withdrawn on these channels, as it stands:
 * person id → channel → status. A person or channel without any record is absent.
 */
export async function consentStatuses(
  models: MarketingModels,
  tenantId: string,
  personIds: readonly string[],
  channels: readonly MarketingChannel[],
): Promise<Map<string, Map<MarketingChannel, ConsentStatus>>> {
  const out = new Map<string, Map<MarketingChannel, ConsentStatus>>();
  if (personIds.length === 0 || channels.length === 0) return out;
  const rows = await models.consents
    .find({ tenantId, personId: { $in: [...personIds] }, channel: { $in: [...channels] } }, { personId: 1, channel: 1, status: 1 })
    .lean();
  for (const row of rows) {
    const byChannel = out.get(row.personId) ?? new Map<MarketingChannel, ConsentStatus>();
    byChannel.set(row.channel, row.status);
    out.set(row.personId, byChannel);
  }
  return out;
}
