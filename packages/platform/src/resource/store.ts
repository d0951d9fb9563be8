import { Schema, type IndexDefinition } from "mongoose";
import { recordFields } from "../store/records";
import { Subdocument } from "./fields";
import { fieldEntries, type AnyResource, type Fields, type Resource, type ResourceRecord } from "./resource";

/**
 * The persistence face of a resource: its mongoose schema with tenant-leading indexes, and the
 * record → message codec.
 */

/**
 * Every index leads with tenantId, as every query is scoped by the caller's tenant: the
 * idempotency key (unique), each sort with `_id` as tie-breaker (the cursor's order), and each
 * filter followed by the default sort, which serves a filtered first page without a sort step.
 */
export function resourceIndexes<F extends Fields>(r: AnyResource<F>): { fields: IndexDefinition; unique?: boolean }[] {
  const [defaultField, defaultDirection] = r.defaultSort.startsWith("-") ? [r.defaultSort.slice(1), -1 as const] : [r.defaultSort, 1 as const];
  const indexes: { fields: IndexDefinition; unique?: boolean }[] = [{ fields: { tenantId: 1, idempotencyKey: 1 }, unique: true }];
  for (const sort of r.sorts) {
    const direction = sort === "createdAt" || sort === "updatedAt" ? -1 : 1;
    indexes.push({ fields: { tenantId: 1, [sort]: direction, _id: direction } });
  }
  for (const filter of r.filters) {
    indexes.push({ fields: { tenantId: 1, [filter]: 1, [defaultField]: defaultDirection, _id: defaultDirection } });
  }
  return indexes;
}

/**
 * The mongoose schema of a resource's collection (strict, no mongoose version key). A service
 * adds what only it stores (`schema.add(...)`, `schema.index(...)`) before making the model.
 */
export function mongooseSchema<F extends Fields>(r: AnyResource<F>): Schema<ResourceRecord<F>> {
  // The fields of every record (id, tenant, version, times, idempotency key, recycle bin, outbox).
  const definition: Record<string, unknown> = { ...recordFields };
  for (const [key, field] of fieldEntries(r)) {
    const empty = field.codec.emptyRecord;
    const stored = field.codec.mongo;
    const sub = stored instanceof Subdocument ? new Schema(stored.definition, { _id: false }) : undefined;
    const type = stored instanceof Subdocument ? (stored.many ? [sub] : sub) : stored;
    definition[key] = field.rules.required ? { type, required: true } : { type, required: false, ...(empty === undefined ? {} : { default: empty }) };
  }
  const schema = new Schema<ResourceRecord<F>>(definition, { versionKey: false, strict: true, minimize: false, id: false, collection: r.collection });
  for (const index of resourceIndexes(r)) schema.index(index.fields, index.unique ? { unique: true } : {});
  return schema;
}

const iso = (value: Date | undefined): string | undefined => (value ? new Date(value).toISOString() : undefined);

/** A record as its generated message: ids and dates as the message has them, version as an int64 string, enums as proto values. */
export function toMessage<M, F extends Fields>(r: Resource<M, unknown, unknown, F>, record: ResourceRecord<F>): M {
  const rec = record as Record<string, unknown>;
  const out: Record<string, unknown> = { id: record._id, tenantId: record.tenantId };
  for (const [key, field] of fieldEntries(r)) out[key] = field.codec.recordToProto(rec[key]);
  out.version = String(record.version);
  out.createdAt = iso(record.createdAt);
  out.updatedAt = iso(record.updatedAt);
  return out as M;
}
