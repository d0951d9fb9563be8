import type { Schema } from "mongoose";
import { outboxFields, type PendingEvent } from "../events/outbox";

/** A document that belongs to one tenant: every query of it filters by `tenantId`. */
export interface TenantRecord {
  _id: string;
  tenantId: string;
  /** Set while the record is in the recycle bin: the kit's reads never return it. */
  deletedAt?: Date;
  /** Who moved it to the recycle bin. */
  deletedBy?: string;
}

/** A tenant's document changed under optimistic concurrency. */
export interface VersionedRecord extends TenantRecord {
  /** 1 on create, +1 on every change; the gateway serves it as the ETag. */
  version: number;
  updatedAt: Date;
}

/** Fields of every record created through an API. */
export interface BaseRecord extends VersionedRecord {
  /** A UUID string. */
  _id: string;
  createdAt: Date;
  /** The create's idempotency key (given by the caller or generated) and a hash of its request. */
  idempotencyKey: string;
  requestHash: string;
}

/** The fields of a record that the repository fills in itself. */
export type BaseFields = keyof BaseRecord;

/** A stored record that also carries its pending events (the document outbox). */
export type Stored<T> = T & { outbox?: PendingEvent[] };

const requiredString = { type: String, required: true };

/** The mongoose fields of a record in the recycle bin (absent while it is live). */
export const recycleBinFields = {
  deletedAt: { type: Date, required: false },
  deletedBy: { type: String, required: false },
};

/** The mongoose fields of a BaseRecord and of its outbox, to spread into a resource's schema. */
export const recordFields = {
  _id: requiredString,
  tenantId: requiredString,
  version: { type: Number, required: true },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
  idempotencyKey: requiredString,
  requestHash: { type: String, default: "" },
  ...recycleBinFields,
  ...outboxFields,
};

/**
 * The indexes every record collection needs (idempotency keys, the default sorts), plus the
 * resource's own; every compound index leads with tenantId, as every query is scoped by it.
 */
export function withTenantIndexes<T>(schema: Schema<T>, indexes: Record<string, 1 | -1>[]): Schema<T> {
  schema.index({ tenantId: 1, idempotencyKey: 1 }, { unique: true });
  schema.index({ tenantId: 1, createdAt: -1, _id: -1 });
  schema.index({ tenantId: 1, updatedAt: -1, _id: -1 });
  for (const fields of indexes) schema.index({ tenantId: 1, ...fields });
  return schema;
}
