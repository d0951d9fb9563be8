import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import type { status as GrpcStatus } from "@grpc/grpc-js";
import { AckPolicy, DeliverPolicy } from "@nats-io/jetstream";
import { connectMongo, createLogger, DEAD_LETTER_STREAM, EventBus, fieldOf, isGrpcError, type Identity, type Role } from "@relata/platform";
import type { EventMeta } from "@relata/proto/events/v1/meta";
import { localStack } from "./stack";
import { waitFor } from "./wait";

/**
 * What a service's integration tests share, whichever service: names of their own, the
 * caller's identity, gRPC failures, and reading what the service published on its stream.
 */

/** A short random suffix for names a test file owns (database, durable, tenants). */
export const runId = (): string => randomUUID().replace(/-/g, "").slice(0, 10);

/** Reads until the value is acceptable, and returns it. */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  let value!: T;
  await waitFor(async () => ok((value = await read())), { timeoutMs, what });
  return value;
}

/** The identity a gRPC call carries (what the gateway would forward for a person with these roles). */
export function identity(tenantId: string, subject: string, roles: Role[]): Identity {
  return { tenantId, subject, roles, requestId: randomUUID() };
}

export interface GrpcFailure {
  code: GrpcStatus;
  field?: string;
  details: string;
}

/** The gRPC status (and the failing field from the relata-field trailer) a call fails with. */
export async function failureOf(call: Promise<unknown>): Promise<GrpcFailure> {
  try {
    await call;
  } catch (err) {
    if (isGrpcError(err)) return { code: err.code, field: fieldOf(err), details: err.details };
    throw err;
  }
  throw new Error("expected the call to fail");
}

/** An event bus on the stack's NATS, for a test to read and publish. */
export async function connectBus(name: string): Promise<EventBus> {
  return EventBus.connect(localStack.natsUrl, name, createLogger(name, "silent"));
}

/** The stream's next sequence: read from there to see only what a test caused. */
export async function nextSequence(bus: EventBus, stream: string): Promise<number> {
  try {
    return (await bus.jsm.streams.info(stream)).state.last_seq + 1;
  } catch {
    return 1; // the service creates its stream on start
  }
}

export interface StoredMessage {
  seq: number;
  subject: string;
  msgId: string;
  meta: EventMeta;
  data: Uint8Array;
}

/** Every message on `stream` from `fromSeq` on whose subject is `subject`, in order. */
export async function readStream(
  bus: EventBus,
  stream: string,
  fromSeq: number,
  subject: string,
  decodeMeta: (data: Uint8Array) => EventMeta | undefined,
): Promise<StoredMessage[]> {
  const last = (await bus.jsm.streams.info(stream)).state.last_seq;
  const out: StoredMessage[] = [];
  for (let seq = fromSeq; seq <= last; seq++) {
    // A sequence can be missing (deleted); any other failure must show.
    const m = await bus.jsm.streams.getMessage(stream, { seq }).catch((err: unknown) => {
      if (/no message found/i.test(String(err))) return null;
      throw err;
    });
    if (!m || m.subject !== subject) continue;
    const meta = decodeMeta(m.data);
    if (meta) out.push({ seq, subject: m.subject, msgId: m.header.get("Nats-Msg-Id") ?? "", meta, data: m.data });
  }
  return out;
}

/**
 * Creates a durable consumer that starts at the end of the stream (so it never replays the
 * stream's history), before the service attaches to it.
 */
export async function createDurableFromNow(bus: EventBus, stream: { name: string; subjects: string[] }, durable: string, filterSubjects: string[]): Promise<void> {
  await bus.ensureStream(stream);
  await bus.jsm.consumers.add(stream.name, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.New,
    filter_subjects: filterSubjects,
  });
}

/** A port free at the time of asking (for a service's metrics endpoint). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** A consumer's handler failures and poison messages, as the service's /metrics reports them. */
export async function consumerFailures(metricsUrl: string, durable: string): Promise<{ failed: number; poisoned: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const value = (name: string) => {
    const line = text.split("\n").find((l) => l.startsWith(`${name}{consumer="${durable}"}`));
    return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
  };
  return { failed: value("relata_events_failed_total"), poisoned: value("relata_events_poisoned_total") };
}

/** How many messages the dead-letter stream holds for a durable of `stream`. */
export async function deadLettered(bus: EventBus, stream: string, durable: string): Promise<number> {
  const subject = `deadletter.${stream}.${durable}`;
  const info = await bus.jsm.streams.info(DEAD_LETTER_STREAM.name, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

/** Removes a test durable's dead letters (the dead-letter stream outlives test runs). */
export async function purgeDeadLetters(bus: EventBus, stream: string, durable: string): Promise<void> {
  await bus.jsm.streams.purge(DEAD_LETTER_STREAM.name, { filter: `deadletter.${stream}.${durable}` });
}

/** Drops a database a test made (a service's own, once its process has stopped). */
export async function dropDatabase(database: string): Promise<void> {
  const db = await connectMongo(`${localStack.ferretdbUri}/${database}`, createLogger("test-cleanup", "silent"));
  await db.dropDatabase().finally(() => db.close());
}
