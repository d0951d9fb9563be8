import { randomUUID } from "node:crypto";
import { Schema, type Model } from "mongoose";
import type { Logger } from "../logger";
import { context } from "@opentelemetry/api";
import { contextFromRecord, currentTraceHeaders } from "../telemetry/context";
import type { EventBus } from "./bus";

/**
 * The transactional outbox without transactions: an event waits in the same document as the
 * state change it reports, written by the same single-document update, so a crash after the
 * write cannot lose it. The relay publishes pending events (JetStream de-duplicates on the
 * event id, so a crash after publish and before removal only republishes a duplicate that is
 * dropped) and then pulls each from its document by its exact value, with a filter on `_id`
 * alone: idempotent, safe beside concurrent writes and relays, and the one filter FerretDB's
 * SQLite backend answers from its primary key rather than by scanning.
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

/** Documents with pending events; the relay keeps an index on this path. */
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

/** Every relay in the process, for the backlog metrics. */
export const outboxRelays = new Set<OutboxRelay>();

let backlogInFlight: Promise<OutboxBacklog> | undefined;

/**
 * The backlog of every relay of the process together. Callers that ask while a read is under
 * way share it (Prometheus collects the two backlog gauges of a scrape at once), and nothing is
 * kept after it settles, so a value is never stale.
 */
export function processBacklog(): Promise<OutboxBacklog> {
  backlogInFlight ??= (async () => {
    const total: OutboxBacklog = { pending: 0 };
    for (const relay of outboxRelays) {
      const b = await relay.backlog();
      total.pending += b.pending;
      if (b.oldest && (!total.oldest || b.oldest < total.oldest)) total.oldest = b.oldest;
    }
    return total;
  })().finally(() => {
    backlogInFlight = undefined;
  });
  return backlogInFlight;
}

export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  published = 0;

  constructor(
    private readonly bus: EventBus,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private readonly models: Model<any>[],
    private readonly logger: Logger,
    private readonly intervalMs = 1_000,
    private readonly batchSize = 100,
  ) {
    // Counted in the backlog metrics even when this replica does not publish (relay off).
    outboxRelays.add(this);
  }

  start(): void {
    for (const model of this.models) {
      void model.collection.createIndex({ "outbox.0.createdAt": 1 }).catch((err: unknown) => {
        this.logger.warn({ err: String(err), collection: model.collection.name }, "could not create the outbox index");
      });
    }
    this.timer = setInterval(() => this.nudge(), this.intervalMs);
    this.timer.unref();
    this.nudge();
  }

  /** Ask for a pass now (after a write); passes never overlap. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .then(() => undefined)
      .catch((err: unknown) => this.logger.warn({ err: String(err) }, "outbox pass failed; will retry"))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.nudge();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    outboxRelays.delete(this);
    clearInterval(this.timer);
    await this.running;
  }

  /** Pending events across the relay's collections, and when the oldest was written. */
  async backlog(): Promise<OutboxBacklog> {
    let pending = 0;
    let oldest: Date | undefined;
    for (const model of this.models) {
      const docs = await model.find(PENDING, { outbox: 1 }).lean<OutboxDoc[]>();
      for (const d of docs) {
        pending += d.outbox.length;
        const first = d.outbox[0]?.createdAt;
        if (first && (!oldest || first < oldest)) oldest = first;
      }
    }
    return { pending, oldest };
  }

  /** One pass: every pending event of every collection, oldest documents first. */
  async pass(): Promise<number> {
    let count = 0;
    for (const model of this.models) {
      const docs = await model.find(PENDING, { outbox: 1 }).sort({ "outbox.0.createdAt": 1 }).limit(this.batchSize).lean<OutboxDoc[]>();
      for (const doc of docs) count += await this.flush(model, doc);
    }
    return count;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async flush(model: Model<any>, doc: OutboxDoc): Promise<number> {
    for (const entry of doc.outbox) {
      await context.with(contextFromRecord(entry.headers), () =>
        this.bus.publish(entry.subject, bytesOf(entry.data), { msgId: entry.id, headers: { ...entry.headers, "Relata-Event-Id": entry.id } }),
      );
      // The raw driver, so the entry goes back exactly as it was read (no casting, same order).
      await model.collection.updateOne({ _id: doc._id } as never, { $pull: { outbox: entry } } as never);
      this.published++;
    }
    return doc.outbox.length;
  }
}
