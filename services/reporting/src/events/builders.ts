import { buildEvent, type Actor, type PendingEvent } from "@relata/platform";
import { QuotaChanged } from "@relata/proto/events/v1/reporting";
import { toQuota } from "../codec/mappers";
import type { QuotaRecord } from "../domain/sales-quota";
import { RESOURCE_SUBJECTS } from "./stream";

/** reporting.quota.created|updated|deleted|restored with the quota as it is after the change. */
export function quotaEvent(kind: "created" | "updated" | "deleted" | "restored", r: QuotaRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(RESOURCE_SUBJECTS.quota[kind], r._id, actor, at, (meta) => QuotaChanged.encode({ meta, quota: toQuota(r) }).finish());
}
