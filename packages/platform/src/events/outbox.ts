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
 * dropped) and then pops them from the document.
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
  /** When the oldest pending event was written; absent when nothing is pending. */
  outboxSince: { type: Date, index: true },
};

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

/** The update operators that enqueue events alongside a state change. */
export function enqueue(...events: PendingEvent[]): { $push: { outbox: { $each: PendingEvent[] } }; $min: { outboxSince: Date } } {
  const first = events[0];
  if (!first) throw new Error("enqueue needs at least one event");
  return { $push: { outbox: { $each: events } }, $min: { outboxSince: first.createdAt } };
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
      const docs = await model
        .find({ outboxSince: { $exists: true } }, { outbox: 1, outboxSince: 1 })
        .lean<{ outbox: PendingEvent[]; outboxSince: Date }[]>();
      for (const d of docs) {
        pending += d.outbox.length;
        if (!oldest || d.outboxSince < oldest) oldest = d.outboxSince;
      }
    }
    return { pending, oldest };
  }

  /** One pass: every pending event of every collection, oldest documents first. */
  async pass(): Promise<number> {
    let count = 0;
    for (const model of this.models) {
      const docs = await model
        .find({ outboxSince: { $exists: true } }, { outbox: 1 })
        .sort({ outboxSince: 1 })
        .limit(this.batchSize)
        .lean<OutboxDoc[]>();
      for (const doc of docs) count += await this.flush(model, doc);
    }
    return count;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async flush(model: Model<any>, doc: OutboxDoc): Promise<number> {
    let count = 0;
    for (const [i, entry] of doc.outbox.entries()) {
      await context.with(contextFromRecord(entry.headers), () =>
        this.bus.publish(entry.subject, bytesOf(entry.data), { msgId: entry.id, headers: { ...entry.headers, "Relata-Event-Id": entry.id } }),
      );
      const next = doc.outbox[i + 1];
      // Pop only if this entry is still the head, so concurrent relays cannot pop twice.
      const popped = next
        ? await model.updateOne({ _id: doc._id, "outbox.0.id": entry.id }, { $pop: { outbox: -1 }, $set: { outboxSince: next.createdAt } })
        : await model.updateOne(
            { _id: doc._id, "outbox.0.id": entry.id, "outbox.1": { $exists: false } },
            { $pop: { outbox: -1 }, $unset: { outboxSince: 1 } },
          );
      if (popped.modifiedCount === 0 && !next) {
        // Another event was appended meanwhile: pop the head and leave it pending.
        await model.updateOne({ _id: doc._id, "outbox.0.id": entry.id }, { $pop: { outbox: -1 }, $set: { outboxSince: new Date() } });
      }
      count++;
      this.published++;
    }
    return count;
  }
}
