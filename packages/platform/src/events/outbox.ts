import { randomUUID } from "node:crypto";
import { Schema, type Model } from "mongoose";
import type { Logger } from "../logger";
import { context } from "@opentelemetry/api";
import { contextFromRecord, currentTraceHeaders } from "../telemetry/context";
import type { EventBus } from "./bus";

/**
 * The transactional outbox without transactions: an event waits in the same document as the
 * state change it reports, written by the same single-document update, so a crash after the
 * write cannot lose it. Right after the write the relay reads that one document by `_id`,
 * publishes its events (JetStream de-duplicates on the event id, so a crash after publish and
 * before removal only republishes a duplicate that is dropped) and pulls them from the
 * document by their exact values, again with a filter on `_id` alone: idempotent, safe beside
 * concurrent writes and relays, and the one filter the local database serves from its primary
 * key. No query per write scans a collection; only the sweep for leftovers (after a crash, or a
 * publish that failed) reads every collection, at start and then rarely.
 */
export interface PendingEvent {
  id: string;
  subject: string;
  data: Buffer;
  headers: Record<string, string>;
  createdAt: Date;
}

/** Fields to add to every schema whose writes publish events. */
export const outboxFields = {
  outbox: {
    type: [
      new Schema<PendingEvent>(
        {
          id: { type: String, required: true },
          subject: { type: String, required: true },
          data: { type: Buffer, required: true },
          headers: { type: Schema.Types.Mixed, default: {} },
          createdAt: { type: Date, required: true },
        },
        { _id: false },
      ),
    ],
    default: [],
  },
};

/** Documents with pending events (for the sweep); the relay keeps an index on this path. */
const PENDING = { "outbox.0.createdAt": { $exists: true } };

export function pendingEvent(
  subject: string,
  data: Uint8Array,
  options: { id?: string; headers?: Record<string, string>; at?: Date } = {},
): PendingEvent {
  return {
    id: options.id ?? randomUUID(),
    subject,
    data: Buffer.from(data),
    // The trace of the request that caused the event travels with it through the outbox.
    headers: { ...currentTraceHeaders(), ...(options.headers ?? {}) },
    createdAt: options.at ?? new Date(),
  };
}

/** The update operator that enqueues events alongside a state change. */
export function enqueue(...events: PendingEvent[]): { $push: { outbox: { $each: PendingEvent[] } } } {
  if (events.length === 0) throw new Error("enqueue needs at least one event");
  return { $push: { outbox: { $each: events } } };
}

/** Lean reads return BSON Binary for Buffer fields; the bus wants plain bytes. */
function bytesOf(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  const binary = data as { buffer?: unknown };
  if (binary && binary.buffer instanceof Uint8Array) return binary.buffer;
  throw new TypeError("outbox entry data is not binary");
}

export interface OutboxBacklog {
  pending: number;
  oldest?: Date;
}

interface OutboxDoc {
  _id: unknown;
  outbox: PendingEvent[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = Model<any>;

function waitingIn(entries: PendingEvent[]): OutboxBacklog {
  return { pending: entries.length, oldest: entries[0]?.createdAt };
}

function addTo(total: OutboxBacklog, part: OutboxBacklog): void {
  total.pending += part.pending;
  if (part.oldest && (!total.oldest || part.oldest < total.oldest)) total.oldest = part.oldest;
}

const documentKey = (model: AnyModel, id: string) => `${model.collection.collectionName}/${id}`;

/** Every relay in the process, for the backlog metrics. */
export const outboxRelays = new Set<OutboxRelay>();

/**
 * The backlog of every relay of the process together. Read from what the relays know (no
 * query): cheap enough for every scrape. Async because gauges collect asynchronously.
 */
export async function processBacklog(): Promise<OutboxBacklog> {
  const total: OutboxBacklog = { pending: 0 };
  for (const relay of outboxRelays) addTo(total, relay.backlog());
  return total;
}

/** How many documents of one batch write the relay flushes at once. */
const BATCH_FLUSH_CONCURRENCY = 8;

/** After NATS comes back, a moment for JetStream to settle before the sweep retries. */
const RECONNECT_SWEEP_DELAY_MS = 500;

export interface OutboxRelayOptions {
  /**
   * Whether this process publishes (default true). When false its sweeps only count the
   * backlog, for the metrics; a publishing replica's sweep publishes what this one wrote.
   */
  publish?: boolean;
  /** How often the sweep looks through every collection for leftovers (default one minute). */
  sweepIntervalMs?: number;
  /**
   * The first sweep after a failed publish comes this soon; the delay doubles, up to the
   * interval, while sweeps fail. NATS coming back brings the sweep forward too.
   */
  retryAfterMs?: number;
  /** Documents a sweep reads per query. */
  batchSize?: number;
}

interface DocumentFlush {
  /** The flush that has read, or is reading, the document. */
  running?: Promise<number>;
  /** The one flush waiting for it: it reads after every write whose caller asked before it started. */
  queued?: Promise<number>;
}

export class OutboxRelay {
  /** Events this relay published and pulled. */
  published = 0;
  /** Publishes (or reads before them) that failed; what they left waits for a sweep. */
  publishFailures = 0;
  private readonly publishing: boolean;
  private readonly sweepIntervalMs: number;
  private readonly retryAfterMs: number;
  private readonly batchSize: number;
  private readonly flushes = new Map<string, DocumentFlush>();
  /** Events of the documents being published now, not pulled yet. */
  private readonly inFlight = new Map<string, OutboxBacklog>();
  /** Events left behind: counted by the last sweep, or by a by-id publish that failed since. */
  private leftovers = new Map<string, OutboxBacklog & { since: number }>();
  private started = false;
  private stopped = false;
  private sweeping?: Promise<void>;
  private nextSweep?: { timer: NodeJS.Timeout; at: number };
  private retryDelayMs: number;
  /** Something failed since the last complete sweep: worth a sweep as soon as NATS is back. */
  private failedSinceSweep = false;
  private stopListening?: () => void;

  constructor(
    private readonly bus: EventBus,
    private readonly models: AnyModel[],
    private readonly logger: Logger,
    options: OutboxRelayOptions = {},
  ) {
    this.publishing = options.publish ?? true;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    this.retryAfterMs = Math.min(options.retryAfterMs ?? 5_000, this.sweepIntervalMs);
    this.retryDelayMs = this.retryAfterMs;
    this.batchSize = options.batchSize ?? 100;
    // Counted in the backlog metrics even when this replica does not publish (relay off).
    outboxRelays.add(this);
  }

  /** Sweeps now (leftovers of an earlier process), then every sweep interval. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const model of this.models) {
      void model.collection.createIndex({ "outbox.0.createdAt": 1 }).catch((err: unknown) => {
        this.logger.warn({ err: String(err), collection: model.collection.name }, "could not create the outbox index");
      });
    }
    this.stopListening = this.bus.onReconnect(() => {
      if (!this.failedSinceSweep) return;
      this.retryDelayMs = this.retryAfterMs;
      this.scheduleSweep(RECONNECT_SWEEP_DELAY_MS);
    });
    void this.runSweep();
  }

  /**
   * Publishes the events waiting in one document, read by `_id`: called right after a write
   * that enqueued events, without waiting. Calls for the same document never overlap, and one
   * made while a flush runs is folded into a single flush after it, which reads the document
   * again (so nothing written meanwhile is missed). A failure is left to the sweep, which is
   * brought forward. A batch write names all its documents in one call: they are flushed a
   * few at a time (BATCH_FLUSH_CONCURRENCY), so a large batch does not flood the database.
   */
  publishWritten(model: AnyModel, ids: string | readonly string[]): void {
    if (!this.publishing || this.stopped) return;
    const failed = (err: unknown, id: string) => {
      this.failedSinceSweep = true;
      this.logger.warn({ err: String(err), collection: model.collection.name, id }, "could not publish a record's events; the sweep will retry");
      this.scheduleSweep(this.retryDelayMs);
    };
    if (typeof ids === "string") {
      this.flushDocument(model, ids).catch((err: unknown) => failed(err, ids));
      return;
    }
    const queue = [...ids];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined && !this.stopped; id = queue.shift()) {
        await this.flushDocument(model, id).catch((err: unknown) => failed(err, id!));
      }
    };
    for (let i = 0; i < Math.min(BATCH_FLUSH_CONCURRENCY, queue.length); i++) void worker();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    outboxRelays.delete(this);
    this.stopListening?.();
    if (this.nextSweep) clearTimeout(this.nextSweep.timer);
    await this.sweeping;
    const flushes = [...this.flushes.values()].flatMap((f) => [f.running, f.queued]);
    await Promise.allSettled(flushes.filter((f) => f !== undefined));
  }

  /** Events known to wait: those being published now, and the leftovers. Reads nothing. */
  backlog(): OutboxBacklog {
    const total: OutboxBacklog = { pending: 0 };
    for (const waiting of this.inFlight.values()) addTo(total, waiting);
    for (const [key, waiting] of this.leftovers) if (!this.inFlight.has(key)) addTo(total, waiting);
    return total;
  }

  /**
   * The sweep: publishes the events left in every collection, oldest first, through the same
   * per-document flush as publishWritten, and counts what is left for the backlog. Resolves
   * with how many events it published; rejects when a publish failed (the rest stays for the
   * next sweep).
   */
  async sweep(): Promise<number> {
    const startedAt = Date.now();
    let published = 0;
    let failure: unknown;
    let stuck = false;
    if (this.publishing) {
      sweeping: for (const model of this.models) {
        const seen = new Set<string>();
        for (;;) {
          const docs = await model.find(PENDING, { _id: 1 }).sort({ "outbox.0.createdAt": 1 }).limit(this.batchSize).lean<{ _id: unknown }[]>();
          const fresh = docs.map((d) => String(d._id)).filter((id) => !seen.has(id));
          for (const id of fresh) {
            if (this.stopped) break sweeping;
            seen.add(id);
            try {
              published += await this.flushDocument(model, id);
            } catch (err) {
              failure = err;
              break sweeping;
            }
          }
          if (docs.length < this.batchSize) break;
          // A full batch of documents flushed already in this sweep: they would not empty.
          if (fresh.length === 0) {
            stuck = true;
            break;
          }
        }
      }
    }
    if (failure !== undefined || stuck || !this.publishing) await this.recount();
    else for (const [key, waiting] of this.leftovers) if (waiting.since < startedAt) this.leftovers.delete(key);
    if (failure !== undefined) throw failure;
    return published;
  }

  /** Counts every pending event of every collection (only when a sweep could not empty them). */
  private async recount(): Promise<void> {
    const census = new Map<string, OutboxBacklog & { since: number }>();
    for (const model of this.models) {
      const docs = await model.find(PENDING, { outbox: 1 }).lean<OutboxDoc[]>();
      for (const d of docs) census.set(documentKey(model, String(d._id)), { ...waitingIn(d.outbox), since: Date.now() });
    }
    this.leftovers = census;
  }

  private runSweep(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.sweeping ??= this.sweep()
      .then(
        (published) => {
          if (published > 0) this.logger.info({ published }, "the sweep published events left in outboxes");
          this.retryDelayMs = this.retryAfterMs;
          this.failedSinceSweep = false;
          this.scheduleSweep(this.sweepIntervalMs);
        },
        (err: unknown) => {
          this.failedSinceSweep = true;
          this.logger.warn({ err: String(err), retryInMs: this.retryDelayMs }, "outbox sweep failed; will retry");
          this.scheduleSweep(this.retryDelayMs);
          this.retryDelayMs = Math.min(this.retryDelayMs * 2, this.sweepIntervalMs);
        },
      )
      .finally(() => {
        this.sweeping = undefined;
      });
    return this.sweeping;
  }

  /** The next sweep in `delayMs`, unless one is due sooner. */
  private scheduleSweep(delayMs: number): void {
    if (this.stopped || !this.started) return;
    const at = Date.now() + delayMs;
    if (this.nextSweep && this.nextSweep.at <= at) return;
    if (this.nextSweep) clearTimeout(this.nextSweep.timer);
    const timer = setTimeout(() => {
      this.nextSweep = undefined;
      void this.runSweep();
    }, delayMs);
    timer.unref();
    this.nextSweep = { timer, at };
  }

  /** One document's flush, serialised with every other flush of that document. */
  private flushDocument(model: AnyModel, id: string): Promise<number> {
    const key = documentKey(model, id);
    let state = this.flushes.get(key);
    if (!state) this.flushes.set(key, (state = {}));
    // A flush that has not read the document yet will also see what this caller wrote.
    if (state.queued) return state.queued;
    const flush = state;
    const after = flush.running?.catch(() => 0) ?? Promise.resolve(0);
    const run: Promise<number> = after
      .then(() => {
        if (flush.queued === run) flush.queued = undefined;
        flush.running = run;
        return this.publishDocument(model, id, key);
      })
      .finally(() => {
        if (flush.running === run && !flush.queued && this.flushes.get(key) === flush) this.flushes.delete(key);
      });
    if (flush.running) flush.queued = run;
    else flush.running = run;
    return run;
  }

  /**
   * Reads the document's outbox by `_id`, publishes its entries in order, then pulls the
   * published ones in one update (an update is the costly step on the local database, whatever
   * it changes), also when a publish failed part-way.
   */
  private async publishDocument(model: AnyModel, id: string, key: string): Promise<number> {
    try {
      const doc = await model.findOne({ _id: id }, { outbox: 1 }).lean<OutboxDoc>();
      const entries = doc?.outbox ?? [];
      if (!doc || entries.length === 0) {
        this.leftovers.delete(key);
        return 0;
      }
      this.inFlight.set(key, waitingIn(entries));
      const published: PendingEvent[] = [];
      try {
        for (const entry of entries) {
          await context.with(contextFromRecord(entry.headers), () =>
            this.bus.publish(entry.subject, bytesOf(entry.data), { msgId: entry.id, headers: { ...entry.headers, "Relata-Event-Id": entry.id } }),
          );
          published.push(entry);
          // Published is no longer pending, even before the pull below removes it.
          this.inFlight.set(key, waitingIn(entries.slice(published.length)));
        }
      } finally {
        if (published.length > 0) {
          // The raw driver, so the entries go back exactly as they were read (no casting).
          await model.collection.updateOne({ _id: doc._id } as never, { $pullAll: { outbox: published } } as never);
          this.published += published.length;
        }
      }
      this.leftovers.delete(key);
      return entries.length;
    } catch (err) {
      this.publishFailures++;
      const left = this.inFlight.get(key);
      if (left && left.pending > 0) this.leftovers.set(key, { ...left, since: Date.now() });
      throw err;
    } finally {
      this.inFlight.delete(key);
    }
  }
}
