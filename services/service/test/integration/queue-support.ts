import { randomUUID } from "node:crypto";
import { AckPolicy, DeliverPolicy } from "@nats-io/jetstream";
import { createLogger, EventBus, fieldOf, isGrpcError, type Identity } from "@relata/platform";
import { clientsAt, localStack, startWorkloadProcess, waitFor, type ClosableClients, type WorkloadProcess } from "@relata/testing";
import type { status as GrpcStatus } from "@grpc/grpc-js";
import mongoose from "mongoose";
import { serviceServices } from "../../src/client";

// Real FerretDB and NATS JetStream (`make test` starts them with deploy/stack.sh).

export const SERVICE = "SERVICE";

/** A short random suffix for what a test file owns (database, durables, tenants' records). */
export const runId = () => randomUUID().replace(/-/g, "").slice(0, 10);

export function identity(tenantId: string, subject: string, roles: string[] = ["support-agent"]): Identity {
  return { tenantId, subject, roles, requestId: randomUUID() };
}

/** Call options of a caller: `as("acme", "agent-1")`. */
export const as = (tenantId: string, subject = "it-manager", roles: string[] = ["support-manager"]) => ({ identity: identity(tenantId, subject, roles) });

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

/** Reads until the value is acceptable, and returns it. */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  let value!: T;
  await waitFor(async () => ok((value = await read())), { timeoutMs, what });
  return value;
}

export function connectBus(name: string): Promise<EventBus> {
  return EventBus.connect(localStack.natsUrl, name, createLogger(name, "silent"));
}

/** The stream's next sequence: read from there to see only what a test caused. */
export async function nextSequence(bus: EventBus): Promise<number> {
  try {
    return (await bus.jsm.streams.info(SERVICE)).state.last_seq + 1;
  } catch {
    return 1;
  }
}

/** Durables that start at the end of the stream, made before the service attaches to them (no replay of the stream's past). */
export async function createDurablesFromNow(bus: EventBus, durables: Record<string, string[]>): Promise<void> {
  await bus.ensureStream({ name: SERVICE, subjects: ["service.>"] });
  for (const [durable, filterSubjects] of Object.entries(durables)) {
    await bus.jsm.consumers.add(SERVICE, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, filter_subjects: filterSubjects });
  }
}

/** Every message on the SERVICE stream from `fromSeq` on with this subject, decoded, in order. */
export async function readStream<T>(bus: EventBus, fromSeq: number, subject: string, decode: (data: Uint8Array) => T): Promise<T[]> {
  const last = (await bus.jsm.streams.info(SERVICE)).state.last_seq;
  const out: T[] = [];
  for (let seq = fromSeq; seq <= last; seq++) {
    const m = await bus.jsm.streams.getMessage(SERVICE, { seq }).catch((err: unknown) => {
      if (/no message found/i.test(String(err))) return null;
      throw err;
    });
    if (m && m.subject === subject) out.push(decode(m.data));
  }
  return out;
}

export type ServiceTestClients = ClosableClients<typeof serviceServices>;

export interface ServiceUnderTest {
  process: WorkloadProcess;
  clients: ServiceTestClients;
  database: string;
  stop(): Promise<void>;
}

/**
 * Runs the built Service with its own port, database and durables; stop() ends it and drops the
 * database. Given the database of another, it is a second replica of it (stop() leaves the
 * database to the first).
 */
export async function startServiceProcess(port: number, env: Record<string, string>, replicaOf?: string): Promise<ServiceUnderTest> {
  const database = replicaOf ?? `relata_service_test_${runId()}`;
  const child = await startWorkloadProcess("service", { port, database, env: { SHUTDOWN_GRACE_MS: "3000", ...env } });
  const clients = clientsAt(serviceServices, child.address);
  return {
    process: child,
    clients,
    database,
    async stop() {
      clients.close();
      await child.stop();
      if (replicaOf) return;
      const db = await mongoose.createConnection(`${localStack.ferretdbUri}/${database}`).asPromise();
      await db.dropDatabase().catch(() => undefined);
      await db.close();
    },
  };
}
