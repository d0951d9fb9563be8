import { readFileSync } from "node:fs";
import {
  connect,
  credsAuthenticator,
  headers as natsHeaders,
  nanos,
  type ConnectionOptions,
  type MsgHdrs,
  type NatsConnection,
} from "@nats-io/transport-node";
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from "@nats-io/jetstream";
import type { Readiness } from "../health";
import type { Logger } from "../logger";
import { contextFromNatsHeaders, inSpan, SpanKind } from "../telemetry/context";
import { metrics } from "../telemetry/metrics";
import { context, propagation } from "@opentelemetry/api";

export interface StreamSpec {
  name: string;
  subjects: string[];
  /** Window in which JetStream drops a second message with the same Nats-Msg-Id. */
  duplicateWindowMs?: number;
  maxAgeMs?: number;
  /** Lets the stream hold message schedules (nats-server 2.12+; see ./schedules). */
  allowMsgSchedules?: boolean;
}

export interface PublishOptions {
  /** The event id: JetStream de-duplicates on it (Nats-Msg-Id). */
  msgId: string;
  headers?: Record<string, string>;
  /**
   * Publish a message schedule instead of a message: the stream (allowMsgSchedules) holds it on
   * `subject` and publishes its data and headers onto `target` at `at` (see ./schedules).
   */
  schedule?: { at: Date; target: string };
}

export interface ReceivedEvent<T> {
  subject: string;
  event: T;
  headers: Record<string, string>;
  /** 1 on first delivery. */
  deliveryCount: number;
  streamSequence: number;
}

export interface ConsumerSpec<T> {
  stream: string;
  /** Durable name: the consumer's position survives restarts and is shared by replicas. */
  durable: string;
  filterSubjects: string[];
  decode: (data: Uint8Array, subject: string) => T;
  /** Must be idempotent: a message may arrive more than once. Throwing asks for redelivery. */
  handle: (received: ReceivedEvent<T>) => Promise<void>;
  maxDeliver?: number;
  ackWaitMs?: number;
  /** Delay before redelivery after a failure, by attempt (1-based). */
  retryDelayMs?: (attempt: number) => number;
  /**
   * For handlers that outlast ackWaitMs (a job of several minutes): while one runs, the message
   * is reported in progress (JetStream's +WPI, which restarts its ack wait) at this interval, so
   * it is redelivered only when its process is gone, ackWaitMs after the last report.
   */
  workingIntervalMs?: number;
  /**
   * Messages fetched ahead of the handler (default 64). A fetched message's ack wait runs while
   * it waits its turn, so a consumer of long jobs takes 1: no job sits behind another in this
   * process while a free replica could run it.
   */
  prefetch?: number;
  /**
   * Where a new durable starts: at the stream's first message (default: a consumer that builds
   * state from history), or at the messages published from its creation on ("new": one that
   * reacts to what happens, such as webhooks, for which years of history are not news).
   * An existing durable keeps its position either way.
   */
  startFrom?: "first" | "new";
  /**
   * The stream is another service's, which may not have created it yet: instead of failing,
   * the consumer is made (and starts) once the stream exists.
   */
  awaitStream?: boolean;
  /**
   * How many messages are handled at once (default 1: one after the other, in stream order).
   * Above 1, a slow handler (a webhook endpoint taking seconds) does not hold up the others;
   * messages then finish in any order, so use it only where order does not matter.
   */
  concurrency?: number;
}

export interface NatsAuth {
  user?: string;
  password?: string;
  token?: string;
  credsFile?: string;
}

export interface ConsumerStats {
  consumed: number;
  redelivered: number;
  failed: number;
  poisoned: number;
}

/** Where poison messages are set aside: subject deadletter.<stream>.<durable>. */
export const DEAD_LETTER_STREAM: StreamSpec = {
  name: "DEADLETTER",
  subjects: ["deadletter.>"],
  maxAgeMs: 30 * 24 * 3600 * 1000,
};

export const defaultRetryDelay = (attempt: number): number => Math.min(30_000, 250 * 2 ** (attempt - 1));

export function headersToRecord(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const [key, values] of h) if (values.length) out[key] = values[0]!;
  return out;
}

/**
 * The JetStream event bus: streams, publish with de-duplication, durable pull consumers with
 * explicit ack, redelivery with delay, and poison messages set aside and counted.
 */
export class EventBus {
  readonly consumers: ConsumerLoop<unknown>[] = [];
  private readonly reconnectListeners = new Set<() => void>();

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    private readonly logger: Logger,
  ) {}

  static async connect(
    servers: string,
    name: string,
    logger: Logger,
    readiness?: Readiness,
    auth: NatsAuth = {},
  ): Promise<EventBus> {
    const options: ConnectionOptions = { servers: servers.split(","), name, maxReconnectAttempts: -1, reconnectTimeWait: 1_000 };
    if (auth.user) Object.assign(options, { user: auth.user, pass: auth.password });
    if (auth.token) options.token = auth.token;
    if (auth.credsFile) options.authenticator = credsAuthenticator(readFileSync(auth.credsFile));
    let nc: NatsConnection | undefined;
    for (let attempt = 1; !nc; attempt++) {
      try {
        nc = await connect(options);
      } catch (err) {
        logger.warn({ err: String(err), attempt }, "NATS not reachable yet");
        await new Promise((r) => setTimeout(r, Math.min(5_000, 500 * attempt)));
      }
    }
    const connection = nc;
    const bus = new EventBus(connection, jetstream(connection), await jetstreamManager(connection), logger);
    void (async () => {
      for await (const s of connection.status()) {
        if (s.type === "disconnect") readiness?.set("nats", false);
        if (s.type === "reconnect") {
          readiness?.set("nats", true);
          for (const listener of bus.reconnectListeners) listener();
        }
      }
    })();
    await bus.ensureStream(DEAD_LETTER_STREAM);
    readiness?.set("nats", true);
    return bus;
  }

  /** Calls `listener` each time the connection comes back after a loss; returns the unsubscribe. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  async ensureStream(spec: StreamSpec): Promise<void> {
    const config = {
      name: spec.name,
      subjects: spec.subjects,
      duplicate_window: nanos(spec.duplicateWindowMs ?? 2 * 3600 * 1000),
      max_age: spec.maxAgeMs ? nanos(spec.maxAgeMs) : 0,
      ...(spec.allowMsgSchedules ? { allow_msg_schedules: true } : {}),
    };
    try {
      await this.jsm.streams.info(spec.name);
      await this.jsm.streams.update(spec.name, config);
    } catch (err) {
      if (!String(err).includes("not found")) throw err;
      await this.jsm.streams.add(config);
    }
  }

  /** Publishes and waits for the stream's ack; `duplicate` is true when JetStream dropped it. */
  async publish(subject: string, data: Uint8Array, options: PublishOptions): Promise<{ seq: number; duplicate: boolean }> {
    const attributes = { "messaging.system": "nats", "messaging.destination.name": subject, "messaging.message.id": options.msgId };
    return inSpan(`publish ${subject}`, { kind: SpanKind.PRODUCER, attributes }, async (span) => {
      const h = natsHeaders();
      const carrier: Record<string, string> = { ...(options.headers ?? {}) };
      // The producer span becomes the parent of whatever consumes the message.
      propagation.inject(context.active(), carrier);
      for (const [k, v] of Object.entries(carrier)) h.set(k, v);
      const schedule = options.schedule && { specification: options.schedule.at, target: options.schedule.target };
      const ack = await this.js.publish(subject, data, { msgID: options.msgId, headers: h, ...(schedule ? { schedule } : {}) });
      span.setAttribute("messaging.nats.duplicate", ack.duplicate);
      metrics.eventsPublished.inc({ subject });
      return { seq: ack.seq, duplicate: ack.duplicate };
    });
  }

  async consume<T>(spec: ConsumerSpec<T>): Promise<ConsumerLoop<T>> {
    const loop = new ConsumerLoop(this, spec, this.logger.child({ consumer: spec.durable }));
    if (spec.awaitStream && !(await this.streamExists(spec.stream))) {
      this.logger.info({ stream: spec.stream, consumer: spec.durable }, "stream not there yet; the consumer starts once it is");
      this.consumers.push(loop as ConsumerLoop<unknown>);
      loop.start(() => this.ensureConsumer(spec));
      return loop;
    }
    await this.ensureConsumer(spec);
    this.consumers.push(loop as ConsumerLoop<unknown>);
    loop.start();
    return loop;
  }

  private async streamExists(stream: string): Promise<boolean> {
    try {
      await this.jsm.streams.info(stream);
      return true;
    } catch (err) {
      if (String(err).includes("not found")) return false;
      throw err;
    }
  }

  /** Creates the durable consumer, or updates what may change of an existing one. */
  private async ensureConsumer<T>(spec: ConsumerSpec<T>): Promise<void> {
    const config = {
      durable_name: spec.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: spec.startFrom === "new" ? DeliverPolicy.New : DeliverPolicy.All,
      filter_subjects: spec.filterSubjects,
      max_deliver: spec.maxDeliver ?? 5,
      ack_wait: nanos(spec.ackWaitMs ?? 30_000),
    };
    try {
      await this.jsm.consumers.info(spec.stream, spec.durable);
      // JetStream refuses to change where an existing durable starts (deliver_policy): keep its
      // position and start, update the rest.
      const { deliver_policy: _start, ...updatable } = config;
      await this.jsm.consumers.update(spec.stream, spec.durable, updatable);
    } catch (err) {
      if (!String(err).includes("not found")) throw err;
      await this.jsm.consumers.add(spec.stream, config);
    }
  }

  /** Messages a durable has not yet had acknowledged (its lag). */
  async pending(stream: string, durable: string): Promise<number> {
    const info = await this.jsm.consumers.info(stream, durable);
    return info.num_pending + info.num_ack_pending;
  }

  /** Stops consumers, then drains the connection so in-flight publishes complete. */
  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}

/** A consume loop that survives errors and reconnects, for one durable consumer. */
export class ConsumerLoop<T> {
  readonly stats: ConsumerStats = { consumed: 0, redelivered: 0, failed: 0, poisoned: 0 };
  private messages?: ConsumerMessages;
  private stopped = false;
  private done?: Promise<void>;
  /** Messages being handled (at most `concurrency`). */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly bus: EventBus,
    readonly spec: ConsumerSpec<T>,
    private readonly logger: Logger,
  ) {}

  /** Starts consuming; `prepare` (making the consumer) is tried first, again every few seconds until it succeeds. */
  start(prepare?: () => Promise<void>): void {
    this.done = this.run(prepare);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.messages?.close();
    await this.done;
    await Promise.all([...this.inFlight]);
  }

  private async run(prepare?: () => Promise<void>): Promise<void> {
    while (prepare && !this.stopped) {
      try {
        await prepare();
        break;
      } catch (err) {
        this.logger.debug({ err: String(err) }, "consumer not ready yet; retrying");
        await new Promise((r) => setTimeout(r, 2_000));
      }
    }
    while (!this.stopped) {
      try {
        const consumer = await this.bus.js.consumers.get(this.spec.stream, this.spec.durable);
        const concurrency = Math.max(1, Math.floor(this.spec.concurrency ?? 1));
        // Pulled messages wait in the buffer with their ack timer running: keep it short when handlers run side by side.
        this.messages = await consumer.consume({ max_messages: this.spec.prefetch ?? (concurrency > 1 ? concurrency * 2 : 64) });
        for await (const msg of this.messages) {
          const handled: Promise<void> = this.handle(msg).finally(() => this.inFlight.delete(handled));
          this.inFlight.add(handled);
          if (this.inFlight.size >= concurrency) await Promise.race(this.inFlight);
          if (this.stopped) break;
        }
      } catch (err) {
        if (this.stopped) break;
        this.logger.warn({ err: String(err) }, "consume loop interrupted; resuming");
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    const attempt = msg.info.deliveryCount;
    const durable = this.spec.durable;
    if (attempt > 1) {
      this.stats.redelivered++;
      metrics.eventsRedelivered.inc({ consumer: durable });
    }
    const attributes = {
      "messaging.system": "nats",
      "messaging.destination.name": msg.subject,
      "messaging.consumer.group.name": durable,
      "messaging.message.delivery_count": attempt,
      "messaging.message.id": msg.headers?.get("Nats-Msg-Id") ?? "",
      "relata.tenant_id": msg.headers?.get("relata-tenant") ?? "",
    };
    // A child of the producer span: publish and processing are one trace.
    await inSpan(`process ${msg.subject}`, { kind: SpanKind.CONSUMER, attributes, parent: contextFromNatsHeaders(msg.headers) }, () =>
      this.process(msg, attempt),
    ).catch(() => undefined);
  }

  private async process(msg: JsMsg, attempt: number): Promise<void> {
    const durable = this.spec.durable;
    let event: T;
    try {
      event = this.spec.decode(msg.data, msg.subject);
    } catch (err) {
      await this.setAside(msg, `undecodable: ${String(err)}`);
      return;
    }
    const working = this.spec.workingIntervalMs ? setInterval(() => msg.working(), this.spec.workingIntervalMs) : undefined;
    try {
      await this.spec.handle({
        subject: msg.subject,
        event,
        headers: headersToRecord(msg.headers),
        deliveryCount: attempt,
        streamSequence: msg.seq,
      });
      clearInterval(working);
      msg.ack();
      this.stats.consumed++;
      metrics.eventsConsumed.inc({ consumer: durable, subject: msg.subject });
    } catch (err) {
      clearInterval(working);
      this.stats.failed++;
      metrics.eventsFailed.inc({ consumer: durable });
      const maxDeliver = this.spec.maxDeliver ?? 5;
      if (attempt >= maxDeliver) {
        await this.setAside(msg, String(err));
      } else {
        const delay = (this.spec.retryDelayMs ?? defaultRetryDelay)(attempt);
        this.logger.warn({ err: String(err), subject: msg.subject, attempt, delay }, "handler failed; redelivering");
        msg.nak(delay);
      }
    }
  }

  /** Poison message: copy it to the dead-letter stream with why, then stop its redelivery. */
  private async setAside(msg: JsMsg, reason: string): Promise<void> {
    this.stats.poisoned++;
    metrics.eventsPoisoned.inc({ consumer: this.spec.durable });
    const headers = headersToRecord(msg.headers);
    headers["Relata-Original-Subject"] = msg.subject;
    headers["Relata-Original-Sequence"] = String(msg.seq);
    headers["Relata-Failure"] = reason.slice(0, 500);
    try {
      await this.bus.publish(`deadletter.${this.spec.stream}.${this.spec.durable}`, msg.data, {
        msgId: `${this.spec.stream}:${this.spec.durable}:${msg.seq}`,
        headers,
      });
      msg.term(reason.slice(0, 200));
      this.logger.error({ subject: msg.subject, seq: msg.seq, reason }, "poison message set aside");
    } catch (err) {
      this.logger.error({ err: String(err) }, "could not set a poison message aside; redelivering");
      msg.nak(5_000);
    }
  }
}
