import { randomUUID } from "node:crypto";
import type { Model } from "mongoose";
import { actorOf, type Actor } from "../actor";
import type { PendingEvent } from "../events/outbox";
import { HasDependents, NotFound } from "../errors";
import type { CallContext } from "../grpc/service";
import type { PageRequest } from "../pagination";
import { filterOf, findInTenant, getInTenant, listPage, requireReference, WITHOUT_OUTBOX, type Page } from "./queries";
import type { BaseFields, BaseRecord, Stored, TenantRecord } from "./records";
import { NOT_DELETED, purgeDeleted, RECYCLE_BIN_RETENTION_DAYS, retentionCutoff } from "./recycle-bin";
import { findByValues, insertManyOnce, updateManyVersioned, type BatchChange, type BatchInsert, type BatchUpdateResult } from "./batch";
import { createIdempotent, insertOnce, updateVersioned, type Change, type Decide, type EventsOf, type PublishAfterWrite } from "./write";

/** Who a repository is bound to: a gRPC call's caller, or an Actor a workflow acts for. */
export type CallerOrActor = CallContext | Actor;

export interface ReadRepositoryOptions {
  /** The record's name in errors ("no account with id ..."). */
  what: string;
  /** The fields a list may be sorted by (each needs an index leading with tenantId). */
  sortable?: readonly string[];
  /** The sort of a list that names none; '-' for descending. */
  defaultSort?: string;
}

export interface RepositoryOptions extends ReadRepositoryOptions {
  /** Called after each write that enqueued events, with the document written. */
  publish: PublishAfterWrite;
}

/** The reads of one tenant's records: nothing here can see another tenant's. */
export interface TenantReads<T extends TenantRecord> {
  readonly actor: Actor;
  readonly tenantId: string;
  /** The record, or null when the tenant has none with this id. */
  find(id: string): Promise<T | null>;
  /** The record; NotFound (404) when the tenant has none with this id. */
  get(id: string): Promise<T>;
  /** A record the request refers to: missing is an InvalidArgument naming `field`. */
  require(id: string, field: string): Promise<T>;
  /**
   * A page of the tenant's records. `where` holds equality filters (or query operators);
   * an absent or empty value means "any", as an empty proto field does.
   */
  list(where: Record<string, unknown>, page: PageRequest | undefined): Promise<Page<T>>;
  /**
   * The live records whose `field` equals one of `values`, by value (see findByValues): the
   * lookup of a whole batch's keys or references, one equality query per distinct value.
   */
  findByValues(field: keyof T & string, values: Iterable<string>): Promise<Map<string, T[]>>;
  /**
   * Every live record matching `where` (as list's), read through one cursor in the database's
   * order (no sort, no per-page query), `batchSize` documents per round trip: for exports.
   */
  scan(where: Record<string, unknown>, batchSize?: number): AsyncIterable<T>;
}

/** What a create builds: the record's own fields; the repository adds id, tenant, version, times and key. */
export type NewFields<T extends BaseRecord> = Omit<T, BaseFields>;

export interface NewRecord<T extends BaseRecord> {
  /** The caller's Idempotency-Key, or "" (the create is then not replayable). */
  idempotencyKey: string;
  /** The validated request: its hash is kept with the key, so a replay with another request is refused. */
  request: object;
  /** The record's own fields; may look things up and throw domain errors. `id` and `now` are the new record's. */
  build: (fresh: { id: string; now: Date }) => NewFields<T> | Promise<NewFields<T>>;
  /** The events the create reports, enqueued in the inserted document itself. */
  events: EventsOf<T>;
}

export interface UpdateOptions {
  /** Further conditions the record must still meet when written (e.g. "not being converted"). */
  guard?: Record<string, unknown>;
}

/** Records that depend on another: while any is live, that other cannot be deleted. */
export interface Dependent {
  /** Their name in the refusal ("contact"). */
  what: string;
  /** How many live records of the tenant depend on the record `id`. */
  count(tenantId: string, id: string): Promise<number>;
}

/**
 * The records of `repository` whose `field` holds the id of the record being deleted (a
 * top-level field, so the database can serve the count from a tenant index).
 */
export function dependentsBy<T extends TenantRecord>(dependents: ReadRepository<T>, field: keyof T & string, what = dependents.what): Dependent {
  return {
    what,
    count: (tenantId, id) => (dependents.model as unknown as Model<TenantRecord>).countDocuments({ tenantId, [field]: id, ...NOT_DELETED }),
  };
}

export interface DeleteOptions<T> {
  /** The events reporting the delete, built from the record as it is in the recycle bin. */
  events: EventsOf<T>;
  /** What may not be left pointing at a deleted record: a delete is refused (409) while any is live. */
  dependents?: readonly Dependent[];
  /** A rule of the resource that refuses the delete by throwing (e.g. "a converted lead stays"). */
  refuse?: (current: T) => void;
  /** Further conditions the record must still meet when written. */
  guard?: Record<string, unknown>;
}

export interface RestoreOptions<T> {
  /**
   * A rule that refuses the restore by throwing, e.g. "the account this contact belongs to is
   * itself deleted" (a record comes back only beside what it refers to).
   */
  refuse?: (current: T, actor: Actor) => void | Promise<void>;
}

/** The reads and writes of one tenant's records, on behalf of one actor. */
export interface TenantRecords<T extends BaseRecord> extends TenantReads<T> {
  /** An idempotent create (see NewRecord). The same key and request again return the first record. */
  create(spec: NewRecord<T>): Promise<T>;
  /**
   * A change under optimistic concurrency: `decide` sees the current record and returns the
   * fields to set with the events reporting them (null: nothing to change). A stale
   * `expectedVersion` is a VersionConflict (412); 0 skips the check and decides again on a
   * fresh read when another writer got there first.
   */
  update(id: string, expectedVersion: number, decide: Decide<T>, options?: UpdateOptions): Promise<T>;
  /** Inserts a record whose id a workflow fixed in advance, once; false when it was already there. */
  insertOnce(record: Omit<T, "tenantId">, events: (record: T, actor: Actor) => PendingEvent[]): Promise<boolean>;
  /** Inserts records whose ids were fixed in advance, in one unordered write, each once (see insertManyOnce). */
  insertMany(records: Omit<T, "tenantId">[], events: EventsOf<T>): Promise<BatchInsert>;
  /** Changes records already read, in one unordered write under optimistic concurrency (see updateManyVersioned). */
  updateMany(changes: BatchChange<T>[], options?: UpdateOptions): Promise<BatchUpdateResult<T>[]>;
  /**
   * Moves a record to the recycle bin under optimistic concurrency (a stale `expectedVersion`
   * is a VersionConflict, 0 skips the check): the document stays with `deletedAt` and
   * `deletedBy`, the version goes up, the events go in the same write, and from then on every
   * read (get, find, require, list) and every update treats it as absent. Refused with
   * HasDependents (409) while dependents are live. A deleted record is NotFound.
   */
  delete(id: string, expectedVersion: number, options: DeleteOptions<T>): Promise<T>;
  /**
   * Brings a record back from the recycle bin within the retention window (after it,
   * NotFound), same id, version up, with its events. A live record is returned unchanged.
   */
  restore(id: string, expectedVersion: number, events: EventsOf<T>, options?: RestoreOptions<T>): Promise<T>;
}

export interface ReadRepository<T extends TenantRecord> {
  readonly what: string;
  readonly model: Model<Stored<T>>;
  /** The repository bound to the caller's tenant. */
  in(caller: CallerOrActor): TenantReads<T>;
  /**
   * Removes, across tenants, what was deleted before `olderThan` (default: the retention
   * window ago). A scan of the collection: for a rare job, never a request.
   */
  purgeDeleted(olderThan?: Date): Promise<number>;
}

export interface Repository<T extends BaseRecord> extends ReadRepository<T> {
  in(caller: CallerOrActor): TenantRecords<T>;
}

class Reads<T extends TenantRecord> implements TenantReads<T> {
  readonly tenantId: string;

  constructor(
    protected readonly model: Model<Stored<T>>,
    protected readonly options: ReadRepositoryOptions,
    readonly actor: Actor,
  ) {
    this.tenantId = actor.tenantId;
  }

  find(id: string): Promise<T | null> {
    return findInTenant(this.model, this.tenantId, id) as Promise<T | null>;
  }

  get(id: string): Promise<T> {
    return getInTenant(this.model, this.tenantId, id, this.options.what) as Promise<T>;
  }

  require(id: string, field: string): Promise<T> {
    return requireReference(this.model, this.tenantId, id, field, this.options.what) as Promise<T>;
  }

  list(where: Record<string, unknown>, page: PageRequest | undefined): Promise<Page<T>> {
    const { sortable = ["createdAt", "updatedAt"], defaultSort = "-createdAt" } = this.options;
    return listPage(this.model, this.tenantId, filterOf(where), page, sortable, defaultSort) as Promise<Page<T>>;
  }

  findByValues(field: keyof T & string, values: Iterable<string>): Promise<Map<string, T[]>> {
    return findByValues<T>(this.model, this.tenantId, field, values);
  }

  async *scan(where: Record<string, unknown>, batchSize = 500): AsyncIterable<T> {
    const cursor = (this.model as unknown as Model<T>)
      .find({ ...filterOf(where), tenantId: this.tenantId, ...NOT_DELETED }, WITHOUT_OUTBOX)
      .lean()
      .cursor({ batchSize });
    try {
      for await (const record of cursor) yield record as unknown as T;
    } finally {
      await cursor.close();
    }
  }
}

class Records<T extends BaseRecord> extends Reads<T> implements TenantRecords<T> {
  constructor(
    model: Model<Stored<T>>,
    protected override readonly options: RepositoryOptions,
    actor: Actor,
  ) {
    super(model, options, actor);
  }

  create(spec: NewRecord<T>): Promise<T> {
    return createIdempotent<T>(
      this.model,
      {
        what: this.options.what,
        actor: this.actor,
        idempotencyKey: spec.idempotencyKey,
        request: spec.request,
        build: async () => {
          const id = randomUUID();
          const now = new Date();
          const fields = await spec.build({ id, now });
          return { ...fields, _id: id, tenantId: this.tenantId, version: 1, createdAt: now, updatedAt: now } as Omit<T, "idempotencyKey" | "requestHash">;
        },
        events: spec.events,
      },
      this.options.publish,
    );
  }

  update(id: string, expectedVersion: number, decide: Decide<T>, options: UpdateOptions = {}): Promise<T> {
    return updateVersioned<T>(
      this.model,
      { what: this.options.what, id, actor: this.actor, expectedVersion, decide, guard: options.guard },
      this.options.publish,
    );
  }

  insertOnce(record: Omit<T, "tenantId">, events: EventsOf<T>): Promise<boolean> {
    return insertOnce<T>(this.model, { record: { ...record, tenantId: this.tenantId } as T, actor: this.actor, events }, this.options.publish);
  }

  insertMany(records: Omit<T, "tenantId">[], events: EventsOf<T>): Promise<BatchInsert> {
    return insertManyOnce<T>(this.model, { records, actor: this.actor, events }, this.options.publish);
  }

  updateMany(changes: BatchChange<T>[], options: UpdateOptions = {}): Promise<BatchUpdateResult<T>[]> {
    return updateManyVersioned<T>(this.model, { what: this.options.what, actor: this.actor, changes, guard: options.guard }, this.options.publish);
  }

  delete(id: string, expectedVersion: number, options: DeleteOptions<T>): Promise<T> {
    const decide = async (current: T): Promise<Change<T>> => {
      options.refuse?.(current);
      const counted = await Promise.all(
        (options.dependents ?? []).map(async (d) => ({ what: d.what, count: await d.count(this.tenantId, id) })),
      );
      const live = counted.filter((d) => d.count > 0);
      if (live.length) throw new HasDependents(this.options.what, id, live);
      const set = { deletedAt: new Date(), deletedBy: this.actor.actorId } as Change<T>["set"];
      return { set, events: options.events };
    };
    return this.update(id, expectedVersion, decide, { guard: options.guard });
  }

  restore(id: string, expectedVersion: number, events: EventsOf<T>, options: RestoreOptions<T> = {}): Promise<T> {
    const what = this.options.what;
    const decide = async (current: T): Promise<Change<T> | null> => {
      if (!current.deletedAt) return null;
      if (current.deletedAt < retentionCutoff()) {
        throw new NotFound(what, id, `${what} ${id} was deleted more than ${RECYCLE_BIN_RETENTION_DAYS} days ago and can no longer be restored`);
      }
      await options.refuse?.(current, this.actor);
      return { set: { deletedAt: null, deletedBy: null } as Change<T>["set"], events };
    };
    return updateVersioned<T>(this.model, { what, id, actor: this.actor, expectedVersion, decide, includeDeleted: true }, this.options.publish);
  }
}

/**
 * The records of one resource, bound to a tenant per call: `accounts.in(ctx).get(id)`. The
 * tenant comes from the caller (call metadata, or the Actor a workflow acts for), never from a
 * request, and every read and write filters by it.
 */
export function repository<T extends BaseRecord>(model: Model<Stored<T>>, options: RepositoryOptions): Repository<T> {
  return {
    what: options.what,
    model,
    in: (caller) => new Records<T>(model, options, actorOf(caller)),
    purgeDeleted: (olderThan = retentionCutoff()) => purgeDeleted(model as unknown as Model<unknown>, olderThan),
  };
}

/** Reads only, for read models a consumer builds (e.g. a timeline): get, find, require, list. */
export function readRepository<T extends TenantRecord>(model: Model<Stored<T>> | Model<T>, options: ReadRepositoryOptions): ReadRepository<T> {
  const m = model as Model<Stored<T>>;
  return {
    what: options.what,
    model: m,
    in: (caller) => new Reads<T>(m, options, actorOf(caller)),
    purgeDeleted: (olderThan = retentionCutoff()) => purgeDeleted(m as unknown as Model<unknown>, olderThan),
  };
}
