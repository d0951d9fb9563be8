import type { EventBus } from "@relata/platform";
import * as kit from "@relata/testing";
import { clientsAt, localStack, runId, startWorkloadProcess, type ClosableClients, type WorkloadProcess } from "@relata/testing";
import type { EventMeta } from "@relata/proto/events/v1/meta";
import { salesServices } from "../../src/client";

// Real FerretDB and NATS JetStream (`make test` starts them with deploy/stack.sh).
export const natsUrl = localStack.natsUrl;
export const mongoBase = localStack.ferretdbUri;

// The kit's helpers for any service's tests, and those bound to Sales' stream.
export { connectBus, consumerFailures, eventually, failureOf, freePort, runId, type GrpcFailure, type StoredMessage } from "@relata/testing";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const identity = (tenantId = "acme", subject = "it-user") => kit.identity(tenantId, subject, ["sales-rep"]);

export const SALES = "SALES";
const SALES_STREAM = { name: SALES, subjects: ["sales.>"] };

export const nextSequence = (bus: EventBus) => kit.nextSequence(bus, SALES);
export const readStream = (bus: EventBus, fromSeq: number, subject: string, decodeMeta: (data: Uint8Array) => EventMeta | undefined) =>
  kit.readStream(bus, SALES, fromSeq, subject, decodeMeta);
export const createDurableFromNow = (bus: EventBus, durable: string, filterSubjects: string[]) => kit.createDurableFromNow(bus, SALES_STREAM, durable, filterSubjects);
export const deadLettered = (bus: EventBus, durable: string) => kit.deadLettered(bus, SALES, durable);
export const purgeDeadLetters = (bus: EventBus, durable: string) => kit.purgeDeadLetters(bus, SALES, durable);

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
