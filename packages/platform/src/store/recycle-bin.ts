import type { Model } from "mongoose";
import type { TenantRecord } from "./records";

/**
 * The recycle bin: a deleted record keeps its document with `deletedAt` (and `deletedBy`) and
 * every read of the kit leaves it out; it can be restored for this long, and the purge removes
 * it after.
 */
export const RECYCLE_BIN_RETENTION_DAYS = 30;
export const RECYCLE_BIN_RETENTION_MS = RECYCLE_BIN_RETENTION_DAYS * 24 * 60 * 60 * 1000;

/**
 * The filter that leaves deleted records out of a query. Gets by id do not need it (they read
 * by `_id` and tenant, which the database serves best, and look at `deletedAt` themselves).
 */
export const NOT_DELETED = { deletedAt: { $exists: false } } as const;

export function isDeleted(record: Pick<TenantRecord, "deletedAt"> | null | undefined): boolean {
  return Boolean(record?.deletedAt);
}

/** Records deleted before this instant are past the retention window: no restore, purged. */
export function retentionCutoff(now: Date = new Date()): Date {
  return new Date(now.getTime() - RECYCLE_BIN_RETENTION_MS);
}

/**
 * Removes, across tenants, the records deleted before `olderThan` (normally retentionCutoff()),
 * unless events still wait in their outbox. A scan of the collection: run it rarely.
 */
export async function purgeDeleted(model: Model<unknown>, olderThan: Date): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const m = model as Model<any>;
  const result = await m.deleteMany({ deletedAt: { $lt: olderThan }, "outbox.0.createdAt": { $exists: false } });
  return result.deletedCount ?? 0;
}
