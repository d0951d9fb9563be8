import type { EventBus, Role } from "@relata/platform";
import type { EventMeta } from "@relata/proto/events/v1/meta";
import * as kit from "@relata/testing";
import { clientsAt, localStack, runId, startWorkloadProcess, type ClosableClients, type WorkloadProcess } from "@relata/testing";
import { randomUUID } from "node:crypto";
import { marketingServices } from "../../src/client";
import { MARKETING_STREAM } from "../../src/events/stream";

// Real FerretDB and NATS JetStream (`make test` starts them with deploy/stack.sh). The kit's
// helpers for any service's tests, and those bound to the MARKETING stream.
export { connectBus, dropDatabase, eventually, failureOf, runId, type GrpcFailure } from "@relata/testing";

/** A person of `tenantId` with `roles`, as the gateway forwards them. */
export const identity = (tenantId: string, subject: string, roles: Role[]) => kit.identity(tenantId, subject, roles);

/** Call options of a person of `tenantId` with `roles`. */
export const as = (tenantId: string, subject: string, roles: Role[]) => ({ identity: identity(tenantId, subject, roles) });

/** Call options of a partner client of `tenantId` holding these scopes (no tenant role). */
export const asPartner = (tenantId: string, scopes: string[] = ["marketing:read", "marketing:write"]) => ({
  identity: { tenantId, subject: `${tenantId}-partner`, roles: scopes.map((s) => `scope:${s}`), requestId: randomUUID() },
});

export const MARKETING = MARKETING_STREAM.name;
export const nextSequence = (bus: EventBus) => kit.nextSequence(bus, MARKETING);
export const readStream = (bus: EventBus, fromSeq: number, subject: string, decodeMeta: (data: Uint8Array) => EventMeta | undefined) =>
  kit.readStream(bus, MARKETING, fromSeq, subject, decodeMeta);

export type MarketingClients = ClosableClients<typeof marketingServices>;

/** Promise clients of every Marketing gRPC service at `address`, on one channel that `close()` ends. */
export function marketingClientsAt(address: string, defaultTimeoutMs = 15_000): MarketingClients {
  return clientsAt(marketingServices, address, defaultTimeoutMs);
}

export interface MarketingProcess extends WorkloadProcess {
  database: string;
}

/**
 * Runs the built Marketing service as a child process of the test (startWorkloadProcess) on
 * `port` (testServerPort of the file's own offsets), with a fresh database, on the stack's NATS.
 */
export async function startMarketingProcess(options: { port: number; database?: string; env?: Record<string, string | undefined>; echo?: boolean }): Promise<MarketingProcess> {
  const database = options.database ?? `relata_marketing_test_${runId()}`;
  const child = await startWorkloadProcess("marketing", {
    port: options.port,
    database,
    infra: { mongoBaseUri: localStack.ferretdbUri, natsUrl: localStack.natsUrl },
    // Durable consumers of this database's own (processes on one database share them, as replicas do).
    env: { SHUTDOWN_GRACE_MS: "3000", CAMPAIGN_CLOCK_DURABLE: `marketing-campaign-clock-${database}`.slice(0, 64), ...options.env },
    echo: options.echo,
  });
  return Object.assign(child, { database: child.database! });
}
