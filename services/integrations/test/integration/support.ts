import { buildEvent, type EventBus, type Role } from "@relata/platform";
import { AccountChanged, LeadChanged } from "@relata/proto/events/v1/sales";
import { Account } from "@relata/proto/sales/v1/account";
import { Lead, LeadStatus } from "@relata/proto/sales/v1/lead";
import * as kit from "@relata/testing";
import { clientsAt, localStack, runId, startWorkloadProcess, type ClosableClients, type WorkloadProcess } from "@relata/testing";
import { randomUUID } from "node:crypto";
import { integrationsServices } from "../../src/client";
import { FANOUT_STREAMS } from "../../src/events/catalogue";

// Real FerretDB and NATS JetStream (`make test` starts them with deploy/stack.sh). Integrations'
// tests start the built service as a child process on a port of their file's offsets, with a
// fresh database and durables of their own, each test under tenants of its own.
export { connectBus, dropDatabase, eventually, failureOf, nextSequence, readStreamMessages, runId, testServerPort, waitFor, type GrpcFailure } from "@relata/testing";

/** A tenant id no other test uses. */
export const testTenant = (label = "t") => `${label}-${randomUUID().slice(0, 12)}`;

/** Call options of a person of `tenantId` with `roles`, as the gateway forwards them. */
export const as = (tenantId: string, roles: Role[] = ["tenant-admin"], subject = `${tenantId}-user`) => ({ identity: kit.identity(tenantId, subject, roles) });

/** Call options of a partner client of `tenantId` holding these scopes (no tenant role). */
export const asPartner = (tenantId: string, scopes: string[]) => ({
  identity: { tenantId, subject: `${tenantId}-partner`, roles: scopes.map((s) => `scope:${s}`), requestId: randomUUID() },
});

export type IntegrationsClients = ClosableClients<typeof integrationsServices>;

export function integrationsClientsAt(address: string, defaultTimeoutMs = 15_000): IntegrationsClients {
  return clientsAt(integrationsServices, address, defaultTimeoutMs);
}

export interface IntegrationsProcess extends WorkloadProcess {
  database: string;
}

/**
 * Runs the built Integrations service as a child process on `port` with a fresh database (or
 * the given one, to restart on the same data), on the stack's NATS. Its durable consumers are
 * named after `durables` so that other test files' processes never take its messages; the
 * manifest's env lets it deliver to http://127.0.0.1.
 */
export async function startIntegrationsProcess(options: {
  port: number;
  durables: string;
  database?: string;
  env?: Record<string, string | undefined>;
  echo?: boolean;
}): Promise<IntegrationsProcess> {
  const database = options.database ?? `relata_integrations_test_${runId()}`;
  const child = await startWorkloadProcess("integrations", {
    port: options.port,
    database,
    infra: { mongoBaseUri: localStack.ferretdbUri, natsUrl: localStack.natsUrl },
    env: {
      SHUTDOWN_GRACE_MS: "3000",
      WEBHOOK_FANOUT_DURABLE: `${options.durables}-fanout`,
      WEBHOOK_DELIVERY_DURABLE: `${options.durables}-delivery`,
      ...options.env,
    },
    echo: options.echo,
  });
  return Object.assign(child, { database: child.database! });
}


/** An event as a service publishes it: subject, encoded message, id. */
export interface TestEvent {
  subject: string;
  data: Uint8Array;
  id: string;
  entityId: string;
}

const actor = (tenantId: string) => ({ tenantId, actorId: "test", requestId: "" });

/** A `sales.lead.<verb>` event of a lead of `tenantId`. */
export function leadEvent(tenantId: string, verb = "created", lead: Partial<Lead> = {}): TestEvent {
  const id = lead.id ?? randomUUID();
  const at = new Date();
  const record = Lead.fromPartial({ id, tenantId, firstName: "Ada", lastName: "Lovelace", company: "Analytical", email: "ada@example.com", status: LeadStatus.LEAD_STATUS_NEW, version: "1", createdAt: at.toISOString(), updatedAt: at.toISOString(), ...lead });
  const e = buildEvent(`sales.lead.${verb}`, id, actor(tenantId), at, (meta) => LeadChanged.encode({ meta, lead: record }).finish());
  return { subject: e.subject, data: e.data, id: e.id, entityId: id };
}

/** A `sales.account.<verb>` event of an account of `tenantId`. */
export function accountEvent(tenantId: string, verb = "created"): TestEvent {
  const id = randomUUID();
  const at = new Date();
  const record = Account.fromPartial({ id, tenantId, name: "Acme Corp", version: "1", createdAt: at.toISOString(), updatedAt: at.toISOString() });
  const e = buildEvent(`sales.account.${verb}`, id, actor(tenantId), at, (meta) => AccountChanged.encode({ meta, account: record }).finish());
  return { subject: e.subject, data: e.data, id: e.id, entityId: id };
}

/** Makes sure the streams the fan-out reads exist (as their services create them), then publishes. */
export async function publishEvents(bus: EventBus, events: readonly TestEvent[]): Promise<void> {
  await bus.ensureStream({ name: "SALES", subjects: ["sales.>"] });
  for (const e of events) await bus.publish(e.subject, e.data, { msgId: e.id });
}

/** Removes a test process's durable consumers (the fan-out's per stream and the delivery worker's). */
export async function deleteDurables(bus: EventBus, durables: string): Promise<void> {
  for (const stream of FANOUT_STREAMS) await bus.jsm.consumers.delete(stream, `${durables}-fanout-${stream.toLowerCase()}`).catch(() => undefined);
  await bus.jsm.consumers.delete("INTEGRATIONS_WORK", `${durables}-delivery`).catch(() => undefined);
}
