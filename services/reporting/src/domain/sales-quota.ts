import { AlreadyExists, InvalidArgument } from "@relata/platform";
import type { ResourceRecord } from "@relata/platform/resource";
import type { quota } from "../resources";
import { periodRange } from "./period";

/** A quota as Reporting's database keeps it (the description's fields plus the kit's). */
export type QuotaRecord = ResourceRecord<typeof quota.fields>;

/** What a quota is for: exactly one of an owner and a territory. */
export interface QuotaTarget {
  ownerId?: string | null;
  territory?: string | null;
}

/**
 * Refuses a quota for both an owner and a territory, or for neither (400 naming the field that
 * is wrong), and a period that is not a year, quarter or month (400 naming `period`).
 */
export function assertQuotaShape(q: QuotaTarget & { period: string }): void {
  const owner = q.ownerId ?? "";
  const territory = q.territory ?? "";
  if (owner && territory) throw new InvalidArgument("territory", "give either owner_id or territory, not both");
  if (!owner && !territory) throw new InvalidArgument("owner_id", "give either owner_id or territory");
  periodRange(q.period);
}

/** The Mongo filter of the live quotas with the same target, period and currency (the uniqueness rule). */
export function sameQuotaFilter(q: QuotaTarget & { period: string; amount?: { currency: string } | null }): Record<string, unknown> {
  return {
    ownerId: q.ownerId ? q.ownerId : { $in: [null, ""] },
    territory: q.territory ? q.territory : { $in: [null, ""] },
    period: q.period,
    "amount.currency": q.amount?.currency ?? "",
  };
}

export function duplicateQuota(q: QuotaTarget & { period: string; amount?: { currency: string } | null }): AlreadyExists {
  const target = q.ownerId ? `owner ${q.ownerId}` : `territory "${q.territory ?? ""}"`;
  return new AlreadyExists(`a quota for ${target} in ${q.period} (${q.amount?.currency ?? ""}) already exists`, "period");
}
