import { createHash, randomUUID } from "node:crypto";
import { AlreadyExists, NotFound, StateConflict, VersionConflict, enqueue, type PendingEvent } from "@relata/platform";
import type { Model } from "mongoose";
import type { BaseRecord } from "../domain/types";
import type { Stored } from "./models";

/**
 * Hands the record just written to the outbox relay, which publishes the events waiting in
 * its document (read by `_id`) without the caller waiting; a no-op when the relay is off.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Nudge = (model: Model<any>, id: string) => void;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = Model<any>;

export function isDuplicateKey(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === 11000;
}

/** A stable hash of a create request (key order does not matter; the key itself is left out). */
export function requestHash(request: object): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([k, v]) => k !== "idempotencyKey" && v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, v]) => [k, canonical(v)]),
      );
    }
    return value;
  };
  return createHash("sha256").update(JSON.stringify(canonical(request))).digest("hex");
}

export interface CreateSpec<T extends BaseRecord> {
  what: string;
  tenantId: string;
  /** The caller's key, or "" to have one generated (the create is then not replayable). */
  idempotencyKey: string;
  /** The validated request, hashed and stored with the key. */
  request: object;
  /** Builds the record (without key and hash); may look things up or throw domain errors. */
  build: () => Promise<Omit<T, "idempotencyKey" | "requestHash">>;
  /** The events the create reports, enqueued in the inserted document itself. */
  events: (record: T) => PendingEvent[];
}

/**
 * An idempotent create: the record, its idempotency key, the hash of its request and its
 * created event go in with one insert. The same key again returns the record already made
 * (nothing is created or published twice); the same key with another request is refused.
 */
export async function createIdempotent<T extends BaseRecord>(model: Model<Stored<T>>, spec: CreateSpec<T>, nudge: Nudge): Promise<T> {
  const m = model as unknown as AnyModel;
  const hash = requestHash(spec.request);
  const replay = async (key: string): Promise<T | undefined> => {
    const existing = (await m.findOne({ tenantId: spec.tenantId, idempotencyKey: key }, { outbox: 0 }).lean()) as T | null;
    if (!existing) return undefined;
    if (existing.requestHash !== hash) {
      throw new AlreadyExists(`idempotency_key "${key}" was already used for a different ${spec.what}`, "idempotency_key");
    }
    return existing;
  };
  const key = spec.idempotencyKey || randomUUID();
  if (spec.idempotencyKey) {
    const done = await replay(key);
    if (done) return done;
  }
  const record = { ...(await spec.build()), idempotencyKey: key, requestHash: hash } as T;
  const events = spec.events(record);
  try {
    await m.create([{ ...record, outbox: events }]);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // A concurrent create with the same key won the race.
    const done = await replay(key);
    if (done) return done;
    throw err;
  }
  nudge(m, record._id);
  return record;
}

/**
 * Inserts a record whose id was fixed in advance, once: if it is already there (an earlier or
 * concurrent attempt made it), nothing happens. Its events go in with it.
 */
export async function insertOnce<T extends BaseRecord>(model: Model<Stored<T>>, record: T, events: (record: T) => PendingEvent[]): Promise<boolean> {
  const m = model as unknown as AnyModel;
  if (await m.exists({ _id: record._id, tenantId: record.tenantId })) return false;
  const pending = events(record);
  try {
    await m.create([{ ...record, outbox: pending }]);
    return true;
  } catch (err) {
    if (isDuplicateKey(err) && (await m.exists({ _id: record._id, tenantId: record.tenantId }))) return false;
    throw err;
  }
}

export interface Change<T> {
  /** Fields to set; a field set to null is removed. */
  set: { [K in keyof T]?: T[K] | null };
  /** The events reporting the change, built from the record as it is after it. */
  events: (next: T) => PendingEvent[];
}

export interface UpdateSpec<T extends BaseRecord> {
  what: string;
  tenantId: string;
  id: string;
  /** The version the caller read: a different current version is a VersionConflict. 0 skips the check. */
  expectedVersion: number;
  /** Decides the change from the current record; null when there is nothing to change. */
  decide: (current: T) => Change<T> | null | Promise<Change<T> | null>;
  /** Further conditions the record must still meet when written. */
  guard?: Record<string, unknown>;
  now?: () => Date;
  maxAttempts?: number;
}

/**
 * A state change under optimistic concurrency, with its events in the same single-document
 * update: read, decide, write conditional on the version read (+1). When another writer got
 * there first the caller's expected version is now stale (VersionConflict); without one, the
 * change is decided again on the fresh record.
 */
export async function updateVersioned<T extends BaseRecord>(model: Model<Stored<T>>, spec: UpdateSpec<T>, nudge: Nudge): Promise<T> {
  const m = model as unknown as AnyModel;
  const attempts = spec.maxAttempts ?? 10;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const current = (await m.findOne({ _id: spec.id, tenantId: spec.tenantId }, { outbox: 0 }).lean()) as T | null;
    if (!current) throw new NotFound(spec.what, spec.id);
    if (spec.expectedVersion > 0 && current.version !== spec.expectedVersion) throw new VersionConflict(spec.what, spec.id);
    const change = await spec.decide(current);
    if (!change) return current;
    const now = spec.now?.() ?? new Date();
    const $set: Record<string, unknown> = { version: current.version + 1, updatedAt: now };
    const $unset: Record<string, 1> = {};
    const next = { ...current, version: current.version + 1, updatedAt: now } as unknown as Record<string, unknown>;
    for (const [field, value] of Object.entries(change.set)) {
      if (value === undefined) continue;
      if (value === null) {
        $unset[field] = 1;
        delete next[field];
      } else {
        $set[field] = value;
        next[field] = value;
      }
    }
    const events = change.events(next as T);
    const update: Record<string, unknown> = { $set, ...(events.length ? enqueue(...events) : {}) };
    if (Object.keys($unset).length) update.$unset = $unset;
    const result = await m.updateOne({ _id: spec.id, tenantId: spec.tenantId, version: current.version, ...spec.guard }, update);
    if (result.modifiedCount === 1) {
      if (events.length) nudge(m, spec.id);
      return next as T;
    }
  }
  throw new StateConflict(`the ${spec.what} ${spec.id} is changing too often to update; retry`);
}
