import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { DeliverPolicy, AckPolicy } from "@nats-io/jetstream";
import { createLogger, DEAD_LETTER_STREAM, EventBus, fieldOf, isGrpcError, type Identity } from "@relata/platform";
import { clientsAt, localStack, startWorkloadProcess, waitFor, type ClosableClients, type WorkloadProcess } from "@relata/testing";
import { salesServices } from "../../src/client";

import type { EventMeta } from "@relata/proto/events/v1/meta";
import type { status as GrpcStatus } from "@grpc/grpc-js";

// Real FerretDB and NATS JetStream (`make test` starts them with deploy/stack.sh).
export const natsUrl = localStack.natsUrl;
export const mongoBase = localStack.ferretdbUri;

/** A short random suffix for names this test file owns (database, durable, tenants). */
export const runId = () => randomUUID().replace(/-/g, "").slice(0, 10);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Reads until the value is acceptable, and returns it. */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  let value!: T;
  await waitFor(async () => ok((value = await read())), { timeoutMs, what });
  return value;
}

export function identity(tenantId = "acme", subject = "it-user"): Identity {
  return { tenantId, subject, roles: ["sales-rep"], requestId: randomUUID() };
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

export async function connectBus(name: string): Promise<EventBus> {
  return EventBus.connect(natsUrl, name, createLogger(name, "silent"));
}

export const SALES = "SALES";

/** The stream's next sequence: read from there to see only what a test caused. */
export async function nextSequence(bus: EventBus): Promise<number> {
  try {
    return (await bus.jsm.streams.info(SALES)).state.last_seq + 1;
  } catch {
    return 1; // the service creates the stream on start
  }
}

export interface StoredMessage {
  seq: number;
  subject: string;
  msgId: string;
  meta: EventMeta;
  data: Uint8Array;
}

/** Every message on the SALES stream from `fromSeq` on whose subject matches, in order. */
export async function readStream(
  bus: EventBus,
  fromSeq: number,
  subject: string,
  decodeMeta: (data: Uint8Array) => EventMeta | undefined,
): Promise<StoredMessage[]> {
  const last = (await bus.jsm.streams.info(SALES)).state.last_seq;
  const out: StoredMessage[] = [];
  for (let seq = fromSeq; seq <= last; seq++) {
    // A sequence can be missing (deleted); any other failure must show.
    const m = await bus.jsm.streams.getMessage(SALES, { seq }).catch((err: unknown) => {
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
export async function createDurableFromNow(bus: EventBus, durable: string, filterSubjects: string[]): Promise<void> {
  await bus.ensureStream({ name: SALES, subjects: ["sales.>"] });
  await bus.jsm.consumers.add(SALES, {
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

/** How many messages the dead-letter stream holds for a durable of the SALES stream. */
export async function deadLettered(bus: EventBus, durable: string): Promise<number> {
  const subject = `deadletter.${SALES}.${durable}`;
  const info = await bus.jsm.streams.info(DEAD_LETTER_STREAM.name, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

/** Removes a test durable's dead letters (the dead-letter stream outlives test runs). */
export async function purgeDeadLetters(bus: EventBus, durable: string): Promise<void> {
  await bus.jsm.streams.purge(DEAD_LETTER_STREAM.name, { filter: `deadletter.${SALES}.${durable}` });
}

export interface SalesProcess extends WorkloadProcess {
  database: string;
}

export interface SalesProcessOptions {
  grpcPort: number;
  /** Default: a fresh `relata_sales_test_<random>`. */
  database?: string;
  /** Added to (or, set to undefined, removed from) the process's environment. */
  env?: Record<string, string | undefined>;
  echo?: boolean;
}

/**
 * Runs the built Sales service as a child process of the test (startWorkloadProcess), with its
 * own port, database and timeline durable, and resolves once its health is SERVING (which it
 * reports only after its handlers are registered).
 */
export async function startSalesProcess(options: SalesProcessOptions): Promise<SalesProcess> {
  const run = runId();
  const child = await startWorkloadProcess("sales", {
    port: options.grpcPort,
    database: options.database ?? `relata_sales_test_${run}`,
    infra: { mongoBaseUri: mongoBase, natsUrl },
    env: { TIMELINE_DURABLE: `sales-timeline-test-${run}`, SHUTDOWN_GRACE_MS: "3000", ...options.env },
    echo: options.echo,
  });
  return Object.assign(child, { database: child.database! });
}

export type SalesClients = ClosableClients<typeof salesServices>;

/** Promise clients of every Sales service at `address`, on one channel that `close()` ends. */
export function salesClientsAt(address: string, defaultTimeoutMs = 15_000): SalesClients {
  return clientsAt(salesServices, address, defaultTimeoutMs);
}
