import { DependencyUnavailable, isDuplicateKey, nextCursor, pageFilter, readPage, type PageRequest } from "@relata/platform";
import { LATEST_FIRST, type ConsentChangeRecord } from "../domain/consent";
import type { ConsentRecord, ConsentStatus, MarketingChannel } from "../domain/types";
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

/** How many times a writer re-reads the history before leaving the current consent to the next writer. */
const FOLLOW_ATTEMPTS = 8;

/** `<tenantId>/<personId>:<channel>`: the current consent's id. */
export const consentId = (tenantId: string, personId: string, channel: MarketingChannel) => `${tenantId}/${personId}:${channel}`;

/**
 * Makes the current consent of a person's channel equal the latest change of its history (by
 * `at`; an older change recorded later never overwrites a newer one). FerretDB applies no
 * conditional update atomically, so the writer does not compare-and-set: it writes what the
 * history says is latest and reads the history again, until the two agree. Whichever writer
 * writes last has read the history after every change whose own writer was still to write, so
 * the current consent ends equal to the latest change once the writers are done (it may lag
 * while they run).
 */
export async function followLatestChange(models: MarketingModels, tenantId: string, personId: string, channel: MarketingChannel): Promise<void> {
  const _id = consentId(tenantId, personId, channel);
  for (let attempt = 0; attempt < FOLLOW_ATTEMPTS; attempt++) {
    const latest = await models.consentChanges.findOne({ tenantId, personId, channel }, { outbox: 0 }).sort(LATEST_FIRST).lean();
    if (!latest) return;
    const current = await models.consents.findOne({ _id, tenantId }).lean();
    if (current && current.status === latest.status && current.at.getTime() === latest.at.getTime() && current.source === latest.source) return;
    const next: ConsentRecord = { _id, tenantId, personId, channel, status: latest.status, source: latest.source, at: latest.at, updatedAt: latest.recordedAt };
    try {
      await models.consents.replaceOne({ _id, tenantId }, next, { upsert: true });
    } catch (err) {
      // Two first writers of the same consent: the loser reads again.
      if (!isDuplicateKey(err)) throw err;
    }
  }
  // Changes kept arriving while this writer followed them: the caller retries (a consumer redelivers).
  throw new DependencyUnavailable("consent store");
}

/** A person's current consent on every channel they ever gave or withdrew it on. */
export async function consentsOf(models: MarketingModels, tenantId: string, personId: string): Promise<ConsentRecord[]> {
  return models.consents.find({ tenantId, personId }).sort({ channel: 1 }).lean();
}

/** A page of a person's history, oldest first; `channel` narrows it to one channel. */
export async function consentHistory(
  models: MarketingModels,
  tenantId: string,
  personId: string,
  channel: MarketingChannel | undefined,
  page: PageRequest,
): Promise<{ rows: ConsentChangeRecord[]; nextCursor: string }> {
  const query = readPage(page, ["at"], "at");
  const { filter, sort } = pageFilter<ConsentChangeRecord>(query);
  const rows = await models.consentChanges
    .find({ $and: [{ tenantId, personId, ...(channel ? { channel } : {}) }, filter] }, { outbox: 0 })
    .sort(sort)
    .limit(query.pageSize + 1)
    .lean();
  const fetched = rows.length;
  const pageRows = rows.slice(0, query.pageSize) as ConsentChangeRecord[];
  return { rows: pageRows, nextCursor: nextCursor(query, pageRows as unknown as Record<string, unknown>[], fetched) };
}
