import { randomUUID } from "node:crypto";
import { AckPolicy, DeliverPolicy } from "@nats-io/jetstream";
import type { status as GrpcStatus } from "@grpc/grpc-js";
import { createLogger, EventBus, fieldOf, isGrpcError, type Identity } from "@relata/platform";
import { clientsAt, localStack, startWorkloadProcess, testServerPort, waitFor, type ClosableClients, type WorkloadProcess } from "@relata/testing";
import { serviceServices } from "../../src/client";
import { SERVICE_STREAM } from "../../src/events/stream";

/**
 * What the entitlement and scheduling integration tests share: the built Service run as child
 * processes (replicas on one database) against the real FerretDB and NATS JetStream.
 */

export const mongoBase = localStack.ferretdbUri;
export const SERVICE = SERVICE_STREAM.name;
export const runId = () => randomUUID().replace(/-/g, "").slice(0, 10);

export type ServiceClients = ClosableClients<typeof serviceServices>;

export function identity(tenantId: string, subject = "it-agent"): Identity {
  return { tenantId, subject, roles: ["support-manager"], requestId: randomUUID() };
}

export const as = (tenantId: string) => ({ identity: identity(tenantId) });

/** Reads until the value is acceptable, and returns it. */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  let value!: T;
  await waitFor(async () => ok((value = await read())), { timeoutMs, what });
  return value;
}

export interface GrpcFailure {
  code: GrpcStatus;
  field?: string;
  details: string;
}

/** The gRPC status (and the failing field) a call fails with. */
export async function failureOf(call: Promise<unknown>): Promise<GrpcFailure> {
  try {
    await call;
  } catch (err) {
    if (isGrpcError(err)) return { code: err.code, field: fieldOf(err), details: err.details };
    throw err;
  }
  throw new Error("expected the call to fail");
}

export function connectBus(name: string): Promise<EventBus> {
  return EventBus.connect(localStack.natsUrl, name, createLogger(name, "silent"));
}

/** A durable that starts at the end of the stream (it never replays history), made before the service attaches to it. */
export async function createDurableFromNow(bus: EventBus, durable: string, filterSubjects: string[]): Promise<void> {
  await bus.ensureStream(SERVICE_STREAM);
  await bus.jsm.consumers.add(SERVICE, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, filter_subjects: filterSubjects });
}

/** The stream's next sequence: read from there to see only what a test caused. */
export async function nextSequence(bus: EventBus): Promise<number> {
  await bus.ensureStream(SERVICE_STREAM);
  return (await bus.jsm.streams.info(SERVICE)).state.last_seq + 1;
}

export interface StoredMessage {
  seq: number;
  subject: string;
  data: Uint8Array;
}

/** The messages of the stream from `fromSeq` whose subject is one of `subjects`. */
export async function readStream(bus: EventBus, fromSeq: number, subjects: readonly string[]): Promise<StoredMessage[]> {
  const last = (await bus.jsm.streams.info(SERVICE)).state.last_seq;
  const out: StoredMessage[] = [];
  for (let seq = fromSeq; seq <= last; seq++) {
    const m = await bus.jsm.streams.getMessage(SERVICE, { seq }).catch((err: unknown) => {
      if (/no message found/i.test(String(err))) return null;
      throw err;
    });
    if (m && subjects.includes(m.subject)) out.push({ seq, subject: m.subject, data: m.data });
  }
  return out;
}

export interface Replicas {
  processes: WorkloadProcess[];
  clients: ServiceClients[];
  stop(): Promise<void>;
}

/**
 * Replicas of the built Service on one database, each on its own port from the offsets given
 * (each process keeps one connection to FerretDB, so replicas are what meet concurrently there).
 */
export async function startReplicas(offsets: number[], database: string, env: Record<string, string>): Promise<Replicas> {
  const processes: WorkloadProcess[] = [];
  try {
    for (const offset of offsets) processes.push(await startWorkloadProcess("service", { port: testServerPort(offset), database, env }));
  } catch (err) {
    await Promise.all(processes.map((p) => p.stop()));
    throw err;
  }
  const clients = processes.map((p) => clientsAt(serviceServices, p.address));
  return {
    processes,
    clients,
    async stop() {
      for (const c of clients) c.close();
      await Promise.all(processes.map((p) => p.stop()));
    },
  };
}
