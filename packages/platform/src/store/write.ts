import { createHash, randomUUID } from "node:crypto";
import type { Model } from "mongoose";
import type { Actor } from "../actor";
import { AlreadyExists, NotFound, StateConflict, VersionConflict } from "../errors";
import { enqueue, type PendingEvent } from "../events/outbox";
import { WITHOUT_OUTBOX } from "./queries";
import { isDeleted } from "./recycle-bin";
import type { BaseRecord, Stored, TenantRecord, VersionedRecord } from "./records";

/**
 * Asks the outbox relay to publish the pending events of one document now, right after the
 * write that enqueued them, or of every document a batch wrote (one call per batch); a no-op
 * when this process does not publish.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PublishAfterWrite = (model: Model<any>, ids: string | readonly string[]) => void;

/** For writes whose documents carry no outbox. */
export const NO_PUBLISH: PublishAfterWrite = () => undefined;

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

/** The events a write reports, built from the record as it is after the write. */
export type EventsOf<T> = (record: T, actor: Actor) => PendingEvent[];

export interface CreateSpec<T extends BaseRecord> {
  what: string;
  /** The caller; the record goes in the caller's tenant. */
  actor: Actor;
  /** The caller's key, or "" to have one generated (the create is then not replayable). */
  idempotencyKey: string;
  /** The validated request, hashed and stored with the key. */
  request: object;
  /** Builds the record (without key and hash); may look things up or throw domain errors. */
  build: () => Promise<Omit<T, "idempotencyKey" | "requestHash">>;
  /** The events the create reports, enqueued in the inserted document itself. */
  events: EventsOf<T>;
}

/**
 * An idempotent create: the record, its idempotency key, the hash of its request and its
 * created event go in with one insert. The same key again returns the record already made
 * (nothing is created or published twice); the same key with another request is refused.
 */
export async function createIdempotent<T extends BaseRecord>(model: Model<Stored<T>>, spec: CreateSpec<T>, publish: PublishAfterWrite): Promise<T> {
  const m = model as unknown as AnyModel;
  const tenantId = spec.actor.tenantId;
  const hash = requestHash(spec.request);
  const replay = async (key: string): Promise<T | undefined> => {
    const existing = (await m.findOne({ tenantId, idempotencyKey: key }, WITHOUT_OUTBOX).lean()) as T | null;
    if (!existing) return undefined;
    if (isDeleted(existing)) {
      throw new StateConflict(`idempotency_key "${key}" was used for a ${spec.what} that has since been deleted`, "idempotency_key");
    }
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
  const record = { ...(await spec.build()), tenantId, idempotencyKey: key, requestHash: hash } as T;
  const events = spec.events(record, spec.actor);
  try {
    await m.create([{ ...record, outbox: events }]);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // A concurrent create with the same key won the race.
    const done = await replay(key);
    if (done) return done;
    throw err;
  }
  if (events.length) publish(model, record._id);
  return record;
}

export interface InsertSpec<T extends TenantRecord> {
  /** The record, its id fixed in advance; it goes in the actor's tenant. */
  record: T;
  actor: Actor;
  events: EventsOf<T>;
}

/**
 * Inserts a record whose id was fixed in advance, once: if it is already there (an earlier or
 * concurrent attempt made it, even if it was deleted since), nothing happens and false is returned. Its events go in with it.
 */
export async function insertOnce<T extends TenantRecord>(model: Model<Stored<T>>, spec: InsertSpec<T>, publish: PublishAfterWrite): Promise<boolean> {
  const m = model as unknown as AnyModel;
  const record = { ...spec.record, tenantId: spec.actor.tenantId };
  const where = { _id: record._id, tenantId: record.tenantId };
  if (await m.exists(where)) return false;
  const events = spec.events(record, spec.actor);
  try {
    await m.create([{ ...record, outbox: events }]);
  } catch (err) {
    if (isDuplicateKey(err) && (await m.exists(where))) return false;
    throw err;
  }
  if (events.length) publish(model, record._id);
  return true;
}

export interface Change<T> {
  /** Fields to set; a field set to null is removed. */
  set: { [K in keyof T]?: T[K] | null };
  /** The events reporting the change, built from the record as it is after it (none: `() => []`). */
  events: EventsOf<T>;
  /**
   * A change of internal state that is not part of the record as clients see it (a claim):
   * version and updatedAt stay, so the ETags clients hold stay valid. The write is still
   * conditional on the version read.
   */
  internal?: boolean;
}

/** Decides the change from the current record; null when there is nothing to change. */
export type Decide<T> = (current: T) => Change<T> | null | Promise<Change<T> | null>;

export interface UpdateSpec<T extends VersionedRecord> {
  what: string;
  id: string;
  /** The caller; only a record of the caller's tenant is read or written. */
  actor: Actor;
  /** The version the caller read: a different current version is a VersionConflict. 0 skips the check. */
  expectedVersion: number;
  decide: Decide<T>;
  /** Further conditions the record must still meet when written. */
  guard?: Record<string, unknown>;
  /** Whether a record in the recycle bin is decided on (a restore) or is NotFound (every other change). */
  includeDeleted?: boolean;
  now?: () => Date;
  maxAttempts?: number;
}

/**
 * The record after `change` and the single-document update that writes it: the new version and
 * time (unless the change is internal), the fields set or unset, the events in the outbox.
 */
export function changeUpdate<T extends VersionedRecord>(current: T, change: Change<T>, now: Date, actor: Actor) {
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, 1> = {};
  const next = { ...current } as unknown as Record<string, unknown>;
  if (!change.internal) {
    $set.version = next.version = current.version + 1;
    $set.updatedAt = next.updatedAt = now;
  }
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
  const events = change.events(next as unknown as T, actor);
  const update: Record<string, unknown> = events.length ? enqueue(...events) : {};
  if (Object.keys($set).length) update.$set = $set;
  if (Object.keys($unset).length) update.$unset = $unset;
  return { next: next as unknown as T, update, events };
}

/**
 * The one optimistic-concurrency loop: read, decide, write conditional on the version read
 * (+1), with the change's events in the same single-document update. When another writer got
 * there first the caller's expected version is now stale (VersionConflict); without one, the
 * change is decided again on the fresh record.
 */
export async function updateVersioned<T extends VersionedRecord>(model: Model<Stored<T>>, spec: UpdateSpec<T>, publish: PublishAfterWrite): Promise<T> {
  const m = model as unknown as AnyModel;
  const tenantId = spec.actor.tenantId;
  const attempts = spec.maxAttempts ?? 10;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const current = (await m.findOne({ _id: spec.id, tenantId }, WITHOUT_OUTBOX).lean()) as T | null;
    // A deleted record is as absent as a missing one; deleting and restoring bump the version,
    // so the conditional write below also fails if one happens after this read.
    if (!current || (isDeleted(current) && !spec.includeDeleted)) throw new NotFound(spec.what, spec.id);
    if (spec.expectedVersion > 0 && current.version !== spec.expectedVersion) throw new VersionConflict(spec.what, spec.id);
    const change = await spec.decide(current);
    if (!change) return current;
    const { next, update, events } = changeUpdate(current, change, spec.now?.() ?? new Date(), spec.actor);
    const result = await m.updateOne({ _id: spec.id, tenantId, version: current.version, ...spec.guard }, update);
    if (result.modifiedCount === 1) {
      if (events.length) publish(model, spec.id);
      return next;
    }
  }
  throw new StateConflict(`the ${spec.what} ${spec.id} is changing too often to update; retry`);
}
