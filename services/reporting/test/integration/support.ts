import type { Role } from "@relata/platform";
import * as kit from "@relata/testing";
import { clientsAt, localStack, runId, startWorkloadProcess, type ClosableClients, type WorkloadProcess } from "@relata/testing";
import { randomUUID } from "node:crypto";
import { reportingServices } from "../../src/client";

// Real FerretDB and NATS JetStream (`make test` starts them with deploy/stack.sh). Reporting's
// tests publish the other services' events themselves (../support/events.ts), each test under
// tenants of its own (`testTenant()`), so the shared streams' other events never reach its figures.
export { connectBus, dropDatabase, eventually, failureOf, runId, waitFor, type GrpcFailure } from "@relata/testing";
export * from "../support/events";

/** A tenant id no other test uses. */
export const testTenant = (label = "t") => `${label}-${randomUUID().slice(0, 12)}`;

/** Call options of a person of `tenantId` with `roles`, as the gateway forwards them. */
export const as = (tenantId: string, roles: Role[], subject = `${tenantId}-user`) => ({ identity: kit.identity(tenantId, subject, roles) });

/** Call options of a partner client of `tenantId` holding these scopes (no tenant role). */
export const asPartner = (tenantId: string, scopes: string[] = ["reporting:read"]) => ({
  identity: { tenantId, subject: `${tenantId}-partner`, roles: scopes.map((s) => `scope:${s}`), requestId: randomUUID() },
});

export type ReportingClients = ClosableClients<typeof reportingServices>;

export function reportingClientsAt(address: string, defaultTimeoutMs = 15_000): ReportingClients {
  return clientsAt(reportingServices, address, defaultTimeoutMs);
}

export interface ReportingProcess extends WorkloadProcess {
  database: string;
}

/**
 * Runs the built Reporting service as a child process (startWorkloadProcess) on `port`
 * (testServerPort of the file's own offsets: docs/local-stack.md), with a fresh database, on the
 * stack's NATS; its store is in memory unless `REPORTING_DB_PATH` is given.
 */
export async function startReportingProcess(options: { port: number; database?: string; env?: Record<string, string | undefined>; echo?: boolean }): Promise<ReportingProcess> {
  const database = options.database ?? `relata_reporting_test_${runId()}`;
  const child = await startWorkloadProcess("reporting", {
    port: options.port,
    database,
    infra: { mongoBaseUri: localStack.ferretdbUri, natsUrl: localStack.natsUrl },
    env: { SHUTDOWN_GRACE_MS: "3000", ...options.env },
    echo: options.echo,
  });
  return Object.assign(child, { database: child.database! });
}

/** The events of `tenant` the store applied, by subject (what the store status counts). */
export async function appliedEvents(clients: ReportingClients, tenant: string): Promise<Record<string, number>> {
  const status = await clients.store.getStoreStatus({}, as(tenant, ["analyst"]));
  return Object.fromEntries(status.events.map((e) => [e.subject, Number(e.events)]));
}

/** Waits until the store has applied at least `expected` events of each subject for `tenant`. */
export async function storeHolds(clients: ReportingClients, tenant: string, expected: Record<string, number>, timeoutMs?: number): Promise<Record<string, number>> {
  return kit.eventually(
    () => appliedEvents(clients, tenant),
    (counts) => Object.entries(expected).every(([subject, n]) => (counts[subject] ?? 0) >= n),
    `the events of ${tenant} in the store`,
    timeoutMs,
  );
}
