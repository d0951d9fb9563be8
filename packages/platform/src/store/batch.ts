import type { Model } from "mongoose";
import type { Actor } from "../actor";
import { WITHOUT_OUTBOX } from "./queries";
import type { BaseRecord, Stored, VersionedRecord } from "./records";
import { changeUpdate, isDuplicateKey, updateVersioned, type Change, type Decide, type EventsOf, type PublishAfterWrite } from "./write";

/**
 * Batch writes for bulk imports: many records in one round trip, each document carrying its
 * outbox events exactly as the one-record writes (write.ts) enqueue them, and one nudge of the
 * relay per batch.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = Model<any>;

/** How many single-document updates a batch update runs at once. */
const UPDATE_CONCURRENCY = 8;

/** How many equality queries a batch lookup runs at once. */
const LOOKUP_CONCURRENCY = 16;

/**
 * The tenant's live records (with `includeDeleted`, also those in the recycle bin) whose `field`
 * equals one of `values`, by value: a value no record has is absent, one several records have
 * lists them all.
 *
 * One equality query per value, 16 at a time, rather than one `$in`: FerretDB pushes equality
 * filters down to PostgreSQL (served by an index) but evaluates `$in` in Go after reading the
 * tenant's documents. Measured on 100,000 contacts of one tenant, 1,000 emails: `$in` 6.8-7.6 s,
 * 1,000 equality queries 16 at a time 1.0-1.4 s, 32 at a time 0.8-1.1 s
 * (the Sales service's bulk lookup benchmark). A service on a single FerretDB connection runs them
 * one after the other, which is still the faster way.
 */
export async function findByValues<T>(
  model: Model<Stored<T>> | Model<T>,
  tenantId: string,
  field: string,
  values: Iterable<string>,
  options: { projection?: Record<string, 0 | 1>; includeDeleted?: boolean } = {},
): Promise<Map<string, T[]>> {
  const { projection = WITHOUT_OUTBOX, includeDeleted = false } = options;
  const m = model as unknown as AnyModel;
  const distinct = [...new Set(values)].filter((v) => v !== "");
  const found = new Map<string, T[]>();
  let next = 0;
  const worker = async () => {
    while (next < distinct.length) {
      const value = distinct[next++]!;
      const rows = (await m.find({ tenantId, [field]: value }, projection).lean()) as (T & { deletedAt?: Date })[];
      const live = includeDeleted ? rows : rows.filter((r) => !r.deletedAt);
      if (live.length) found.set(value, live);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, distinct.length) }, worker));
  return found;
}

export interface BatchInsert {
  /** Ids inserted now. */
  inserted: string[];
  /** Ids the tenant already had (an earlier attempt of the same batch made them): nothing written. */
  existing: string[];
  /** Ids that could not be inserted because they are taken outside the tenant (or by another key): nothing written. */
  refused: string[];
}

/**
 * Inserts records whose ids were fixed in advance (from the caller's job and line), unordered,
 * each with its created events in its own document, so a batch sent again after a crash
 * creates nothing twice: an id the tenant already has is reported `existing`; an id taken by
 * another tenant is `refused` and that document is never touched. One relay nudge for the batch.
 */
export async function insertManyOnce<T extends BaseRecord>(
  model: Model<Stored<T>>,
  spec: { records: Omit<T, "tenantId">[]; actor: Actor; events: EventsOf<T> },
  publish: PublishAfterWrite,
): Promise<BatchInsert> {
  const m = model as unknown as AnyModel;
  const tenantId = spec.actor.tenantId;
  if (spec.records.length === 0) return { inserted: [], existing: [], refused: [] };
  const docs = spec.records.map((r) => {
    const record = { ...r, tenantId } as T;
    return { ...record, outbox: spec.events(record, spec.actor) };
  });
  const failed = new Set<string>();
  try {
    // The raw driver: the records are built from checked input; mongoose's per-document
    // casting would cost more than the insert itself.
    await m.collection.insertMany(docs as never[], { ordered: false });
  } catch (err) {
    type WriteError = { index: number; code?: number };
    const writeErrors = (err as { writeErrors?: WriteError[] | WriteError }).writeErrors;
    const errors = writeErrors === undefined ? [] : Array.isArray(writeErrors) ? writeErrors : [writeErrors];
    if (errors.length === 0 || !errors.every(isDuplicateKey)) throw err;
    for (const e of errors) failed.add(docs[e.index]!._id);
  }
  const existing: string[] = [];
  if (failed.size) {
    // A record of the tenant deleted since still holds its id: it was made before, not again.
    const mine = await findByValues<{ _id: string }>(m, tenantId, "_id", failed, { projection: { _id: 1 }, includeDeleted: true });
    existing.push(...mine.keys());
  }
  const inserted = docs.map((d) => d._id).filter((id) => !failed.has(id));
  const mine = new Set(existing);
  const refused = [...failed].filter((id) => !mine.has(id));
  const withEvents = docs.filter((d) => !failed.has(d._id) && d.outbox.length > 0).map((d) => d._id);
  if (withEvents.length) publish(model, withEvents);
  return { inserted, existing, refused };
}

/** One record of a batch update: the record as the caller read it and the change it decides. */
export interface BatchChange<T> {
  current: T;
  /** Decides the change from a record (null: nothing to change); run again on a fresh read if another writer got there first. */
  decide: Decide<T>;
}

export type BatchUpdateResult<T> = { ok: true; record: T; changed: boolean } | { ok: false; error: unknown };

/**
 * Updates many records already read, each conditional on the version its caller read (+1, with
 * its events in the same single-document update, as updateVersioned), a few at a time. One that
 * another writer got to first is decided again on a fresh read through updateVersioned. Results are in the order of `changes`; a decide that throws fails its item only.
 */
export async function updateManyVersioned<T extends VersionedRecord>(
  model: Model<Stored<T>>,
  spec: { what: string; actor: Actor; changes: BatchChange<T>[]; guard?: Record<string, unknown>; now?: () => Date },
  publish: PublishAfterWrite,
): Promise<BatchUpdateResult<T>[]> {
  const m = model as unknown as AnyModel;
  const tenantId = spec.actor.tenantId;
  const now = spec.now?.() ?? new Date();
  const results: BatchUpdateResult<T>[] = [];
  const ops: { index: number; op: object }[] = [];
  for (const [index, { current, decide }] of spec.changes.entries()) {
    let change: Change<T> | null;
    try {
      change = await decide(current);
    } catch (error) {
      results.push({ ok: false, error });
      continue;
    }
    if (!change) {
      results.push({ ok: true, record: current, changed: false });
      continue;
    }
    const { next, update } = changeUpdate(current, change, now, spec.actor);
    results.push({ ok: true, record: next, changed: true });
    ops.push({ index, op: { updateOne: { filter: { _id: current._id, tenantId, version: current.version, ...spec.guard }, update } } });
  }
  if (ops.length === 0) return results;
  // Single-document conditional updates, a few at a time: each one's outcome is known, and a
  // change another writer got to first is decided again on a fresh read (updateVersioned).
  // (A multi-statement bulkWrite of updates stalled FerretDB on the local stack.)
  let next = 0;
  const worker = async () => {
    while (next < ops.length) {
      const { index, op } = ops[next++]!;
      const { filter, update } = (op as { updateOne: { filter: object; update: object } }).updateOne;
      const { current, decide } = spec.changes[index]!;
      try {
        const written = await m.updateOne(filter, update);
        if (written.modifiedCount === 1) continue;
        const record = await updateVersioned<T>(model, { what: spec.what, id: current._id, actor: spec.actor, expectedVersion: 0, decide, guard: spec.guard }, publish);
        results[index] = { ok: true, record, changed: true };
      } catch (error) {
        results[index] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(UPDATE_CONCURRENCY, ops.length) }, worker));
  publish(model, ops.map(({ index }) => spec.changes[index]!.current._id));
  return results;
}

