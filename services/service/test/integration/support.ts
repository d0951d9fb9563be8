import type { EventBus, Role } from "@relata/platform";
import type { EventMeta } from "@relata/proto/events/v1/meta";
import * as kit from "@relata/testing";
import { clientsAt, localStack, runId, startWorkloadProcess, type ClosableClients, type WorkloadProcess } from "@relata/testing";
import { serviceServices } from "../../src/client";
import { SERVICE_STREAM } from "../../src/events/stream";

// Real FerretDB and NATS JetStream (`make test` starts them with deploy/stack.sh). The kit's
// helpers for any service's tests, and those bound to the SERVICE stream.
export { connectBus, consumerFailures, dropDatabase, eventually, failureOf, freePort, runId, type GrpcFailure, type StoredMessage } from "@relata/testing";

/** A support agent of `tenantId` (or whoever `roles` make them), as the gateway forwards them. */
export const identity = (tenantId = "acme", subject = "it-agent", roles: Role[] = ["support-agent"]) => kit.identity(tenantId, subject, roles);

export const SERVICE = SERVICE_STREAM.name;
export const nextSequence = (bus: EventBus) => kit.nextSequence(bus, SERVICE);
export const readStream = (bus: EventBus, fromSeq: number, subject: string, decodeMeta: (data: Uint8Array) => EventMeta | undefined) =>
  kit.readStream(bus, SERVICE, fromSeq, subject, decodeMeta);
export const createDurableFromNow = (bus: EventBus, durable: string, filterSubjects: string[]) => kit.createDurableFromNow(bus, SERVICE_STREAM, durable, filterSubjects);

export type ServiceClients = ClosableClients<typeof serviceServices>;

/** Promise clients of every Service gRPC service at `address`, on one channel that `close()` ends. */
export function serviceClientsAt(address: string, defaultTimeoutMs = 15_000): ServiceClients {
  return clientsAt(serviceServices, address, defaultTimeoutMs);
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
  const child = await startWorkloadProcess("service", {
    port: options.port,
    database,
    infra: { mongoBaseUri: localStack.ferretdbUri, natsUrl: localStack.natsUrl },
    addresses: options.addresses,
    // The durable consumers are the database's: replicas on one database share them, and no
    // other test's process takes their messages.
    env: {
      SHUTDOWN_GRACE_MS: "3000",
      CASE_HISTORY_DURABLE: `service-case-history-${database}`.slice(0, 64),
      SALES_REFS_DURABLE: `service-sales-refs-${database}`.slice(0, 64),
      ...options.env,
    },
    echo: options.echo,
  });
  return Object.assign(child, { database: child.database! });
}
