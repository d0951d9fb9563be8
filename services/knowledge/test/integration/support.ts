import type { EventBus, Role } from "@relata/platform";
import { CaseChanged } from "@relata/proto/events/v1/service";
import type { EventMeta } from "@relata/proto/events/v1/meta";
import * as kit from "@relata/testing";
import { clientsAt, localStack, runId, startWorkloadProcess, type ClosableClients, type WorkloadProcess } from "@relata/testing";
import { randomUUID } from "node:crypto";
import { knowledgeServices } from "../../src/client";
import { KNOWLEDGE_STREAM, SERVICE_STREAM } from "../../src/events/stream";

// Real FerretDB and NATS JetStream (`make test` starts them with deploy/stack.sh). The kit's
// helpers for any service's tests, and those bound to the KNOWLEDGE stream.
export { connectBus, dropDatabase, eventually, failureOf, runId, type GrpcFailure } from "@relata/testing";

/** A person of `tenantId` with `roles`, as the gateway forwards them. */
export const identity = (tenantId: string, subject: string, roles: Role[]) => kit.identity(tenantId, subject, roles);

/** Call options of a person of `tenantId` with `roles`. */
export const as = (tenantId: string, subject: string, roles: Role[]) => ({ identity: identity(tenantId, subject, roles) });

/** Call options of a partner client of `tenantId` holding knowledge:read (no tenant role). */
export const asPartner = (tenantId: string) => ({
  identity: { tenantId, subject: `${tenantId}-partner`, roles: ["scope:knowledge:read"], requestId: randomUUID() },
});

export const KNOWLEDGE = KNOWLEDGE_STREAM.name;
export const SERVICE = SERVICE_STREAM.name;
export const nextSequence = (bus: EventBus) => kit.nextSequence(bus, KNOWLEDGE);
export const readStream = (bus: EventBus, fromSeq: number, subject: string, decodeMeta: (data: Uint8Array) => EventMeta | undefined) =>
  kit.readStream(bus, KNOWLEDGE, fromSeq, subject, decodeMeta);

/** A durable of the KNOWLEDGE stream that starts at the stream's end: a test's consumer reads what the test causes, not the stack's history. */
export const createDurableFromNow = (bus: EventBus, durable: string, filterSubjects: string[]) => kit.createDurableFromNow(bus, KNOWLEDGE_STREAM, durable, filterSubjects);

export type KnowledgeClients = ClosableClients<typeof knowledgeServices>;

/** Promise clients of every Knowledge-Base gRPC service at `address`, on one channel that `close()` ends. */
export function knowledgeClientsAt(address: string, defaultTimeoutMs = 15_000): KnowledgeClients {
  return clientsAt(knowledgeServices, address, defaultTimeoutMs);
}

export interface KnowledgeProcess extends WorkloadProcess {
  database: string;
}

/** Removes the durables a test's Knowledge-Base made on the stack's streams (their names are the run's own). */
export async function deleteDurables(bus: EventBus, durables: { stream: string; name: string }[]): Promise<void> {
  for (const d of durables) await bus.jsm.consumers.delete(d.stream, d.name).catch(() => undefined);
}

/**
 * Runs the built Knowledge-Base as a child process of the test (startWorkloadProcess) on
 * `port` (testServerPort of the file's own offsets), with a fresh database, on the stack's NATS.
 * Its durable consumers get names of their own, so test files never share a position.
 */
/** The case-copy durable of this test file's Knowledge-Base. */
export const caseCopyDurable = `knowledge-cases-${runId()}`;

export async function startKnowledgeProcess(options: { port: number; database?: string; env?: Record<string, string | undefined>; echo?: boolean }): Promise<KnowledgeProcess> {
  const child = await startWorkloadProcess("knowledge", {
    port: options.port,
    database: options.database ?? `relata_knowledge_test_${runId()}`,
    infra: { mongoBaseUri: localStack.ferretdbUri, natsUrl: localStack.natsUrl },
    env: { SHUTDOWN_GRACE_MS: "3000", CASE_COPY_DURABLE: caseCopyDurable, ...options.env },
    echo: options.echo,
  });
  return Object.assign(child, { database: child.database! });
}

/**
 * Publishes a case's snapshot on the SERVICE stream as the Service does (the Knowledge-Base
 * keeps its copy of cases from these), with a fresh event id.
 */
export async function publishCase(
  bus: EventBus,
  subject: "service.case.opened" | "service.case.updated" | "service.case.deleted",
  c: { tenantId: string; id: string; subject: string; description?: string; product?: string; version: number },
): Promise<void> {
  const id = randomUUID();
  const data = CaseChanged.encode(
    CaseChanged.fromPartial({
      meta: { id, type: subject, tenantId: c.tenantId, entityId: c.id, actorId: "it-agent", requestId: id, occurredAt: new Date().toISOString() },
      case: { id: c.id, tenantId: c.tenantId, subject: c.subject, description: c.description ?? "", product: c.product ?? "", version: String(c.version) },
    }),
  ).finish();
  await bus.publish(subject, data, { msgId: id, headers: { "relata-tenant": c.tenantId } });
}
