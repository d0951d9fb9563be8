import { randomUUID } from "node:crypto";
import type { Connection } from "mongoose";
import { EVENT_HEADERS, type EventBus, type Role } from "@relata/platform";
import { AccountChanged } from "@relata/proto/events/v1/sales";
import { Account } from "@relata/proto/sales/v1/account";
import type { EventMeta } from "@relata/proto/events/v1/meta";
import * as kit from "@relata/testing";
import { clientsAt, localStack, runId, startWorkloadProcess, testServerPort, type ClosableClients, type WorkloadProcess } from "@relata/testing";
import { serviceServices } from "../../src/client";
import { SERVICE_STREAM } from "../../src/events/stream";

// Real FerretDB and NATS JetStream (`make test` starts them with deploy/stack.sh). The kit's
// helpers for any service's tests, and those bound to the SERVICE stream.
export { connectBus, consumerFailures, dropDatabase, eventually, failureOf, freePort, runId, type GrpcFailure, type StoredMessage, type StreamMessage } from "@relata/testing";
export const mongoBase = localStack.ferretdbUri;

/** A support agent of `tenantId` (or whoever `roles` make them), as the gateway forwards them. */
export const identity = (tenantId = "acme", subject = "it-agent", roles: Role[] = ["support-agent"]) => kit.identity(tenantId, subject, roles);

/** Call options of a support manager of `tenantId` (who may configure as well as work cases). */
export const as = (tenantId: string) => ({ identity: identity(tenantId, "it-agent", ["support-manager"]) });

export const SERVICE = SERVICE_STREAM.name;
export const nextSequence = (bus: EventBus) => kit.nextSequence(bus, SERVICE);
export const readStream = (bus: EventBus, fromSeq: number, subject: string, decodeMeta: (data: Uint8Array) => EventMeta | undefined) =>
  kit.readStream(bus, SERVICE, fromSeq, subject, decodeMeta);
/** The messages on the SERVICE stream from `fromSeq` whose subject is one of `subjects`. */
export const readStreamMessages = (bus: EventBus, fromSeq: number, subjects: readonly string[]) => kit.readStreamMessages(bus, SERVICE, fromSeq, subjects);
export const createDurableFromNow = (bus: EventBus, durable: string, filterSubjects: string[]) => kit.createDurableFromNow(bus, SERVICE_STREAM, durable, filterSubjects);

export type ServiceClients = ClosableClients<typeof serviceServices>;

/** Promise clients of every Service gRPC service at `address`, on one channel that `close()` ends. */
export function serviceClientsAt(address: string, defaultTimeoutMs = 15_000): ServiceClients {
  return clientsAt(serviceServices, address, defaultTimeoutMs);
}

/**
 * The Service's durable consumers as a test's processes name them: the database's own, so
 * replicas on one database share them and no other test's process takes their messages.
 */
export function durablesOf(database: string): Record<string, string> {
  const consumers = { CASE_HISTORY_DURABLE: "case-history", SALES_REFS_DURABLE: "sales-refs", ENTITLEMENT_DURABLE: "entitlements", ASSIGNMENT_DURABLE: "assignment", ESCALATION_DURABLE: "escalation" };
  const named = Object.entries(consumers).map(([variable, purpose]) => [variable, `service-${purpose}-${database}`.slice(0, 64)]);
  // The SLA clock's three consumers share a prefix (`<prefix>-clock`, `-alerts`, `-config`).
  return Object.fromEntries([...named, ["SLA_DURABLE_PREFIX", `service-sla-${database}`.slice(0, 50)]]);
}

export interface ServiceProcess extends WorkloadProcess {
  database: string;
}

/**
 * Runs the built Service as a child process of the test (startWorkloadProcess) on `port`
 * (testServerPort of the file's own offsets), with a fresh database, on the stack's NATS.
 */
export async function startServiceProcess(options: {
  port: number;
  database?: string;
  env?: Record<string, string | undefined>;
  echo?: boolean;
  /** Where the other services are (`{ sales: "127.0.0.1:..." }`); the local stack's otherwise. */
  addresses?: Record<string, string>;
}): Promise<ServiceProcess> {
  const database = options.database ?? `relata_service_test_${runId()}`;
  if (!options.database) await salesCopyFromNow(database);
  const child = await startWorkloadProcess("service", {
    port: options.port,
    database,
    infra: { mongoBaseUri: localStack.ferretdbUri, natsUrl: localStack.natsUrl },
    addresses: options.addresses,
    env: { SHUTDOWN_GRACE_MS: "3000", ...durablesOf(database), ...options.env },
    echo: options.echo,
  });
  return Object.assign(child, { database: child.database! });
}

/**
 * A fresh database's copy of Sales starts at what Sales publishes from now on: the shared SALES
 * stream holds every other test's accounts and contacts (bulk imports among them), which a
 * copy starting at the stream's first message would first work through. A durable that exists
 * keeps its position, so the process takes this one as it is.
 */
async function salesCopyFromNow(database: string): Promise<void> {
  const bus = await kit.connectBus("service-test-sales-copy");
  try {
    await kit.createDurableFromNow(bus, { name: "SALES", subjects: ["sales.>"] }, durablesOf(database).SALES_REFS_DURABLE!, ["sales.account.>", "sales.contact.>"]);
  } catch (err) {
    // Replicas started again on the same database: their durable is there, with its position.
    if (!/already (exists|in use)/i.test(String(err))) throw err;
  } finally {
    await bus.close();
  }
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
  await salesCopyFromNow(database);
  try {
    for (const offset of offsets) {
      processes.push(await startWorkloadProcess("service", { port: testServerPort(offset), database, env: { SHUTDOWN_GRACE_MS: "3000", ...durablesOf(database), ...env } }));
    }
  } catch (err) {
    await Promise.all(processes.map((p) => p.stop()));
    throw err;
  }
  const clients = processes.map((p) => serviceClientsAt(p.address));
  return {
    processes,
    clients,
    async stop() {
      for (const c of clients) c.close();
      await Promise.all(processes.map((p) => p.stop()));
    },
  };
}

/**
 * A Sales account of `tenantId` that the Service has heard of: its `sales.account.created`
 * event published on the SALES stream as Sales would, and read into the Service's copy of
 * Sales' records (`db`: the Service's database), so a case may name it without Sales running.
 */
export async function accountKnownToService(bus: EventBus, db: Connection, tenantId: string): Promise<string> {
  const id = `acc-${randomUUID()}`;
  const meta = { id: randomUUID(), type: "sales.account.created", tenantId, entityId: id, actorId: "it-sales", requestId: "", occurredAt: new Date().toISOString() };
  await bus.ensureStream({ name: "SALES", subjects: ["sales.>"] });
  await bus.publish("sales.account.created", AccountChanged.encode({ meta, account: Account.fromPartial({ id, tenantId, name: `Account ${id}`, version: "1" }) }).finish(), {
    msgId: meta.id,
    headers: { [EVENT_HEADERS.tenant]: tenantId },
  });
  await kit.eventually(() => db.collection("sales_refs").findOne({ _id: id as never }), Boolean, `the Service's copy of Sales to know account ${id}`);
  return id;
}
