import { randomUUID } from "node:crypto";
import { openChannel, promiseClients, type PromiseClients } from "@relata/platform";
import { salesServices } from "@relata/proto";
import type { SpawnedProcess } from "./process";
import { localStack } from "./stack";
import { startWorkloadProcess } from "./workload-process";

export interface SalesProcess extends SpawnedProcess {
  /** `host:port` of its gRPC server. */
  address: string;
  database: string;
}

export interface SalesProcessOptions {
  grpcPort: number;
  /** Default: a fresh `relata_sales_test_<random>`. */
  database?: string;
  /** `mongodb://host:port` of a server of the test's own; the stack's FerretDB otherwise. */
  mongoBaseUri?: string;
  natsUrl?: string;
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
  const run = randomUUID().replace(/-/g, "").slice(0, 10);
  const child = await startWorkloadProcess("sales", {
    port: options.grpcPort,
    database: options.database ?? `relata_sales_test_${run}`,
    infra: { mongoBaseUri: options.mongoBaseUri ?? localStack.ferretdbUri, natsUrl: options.natsUrl ?? localStack.natsUrl },
    env: { TIMELINE_DURABLE: `sales-timeline-test-${run}`, SHUTDOWN_GRACE_MS: "3000", ...options.env },
    echo: options.echo,
  });
  return Object.assign(child, { database: child.database! });
}

export type SalesClients = PromiseClients<typeof salesServices> & { close: () => void };

/** Promise clients of every Sales service at `address`, on one channel that `close()` ends. */
export function salesClientsAt(address: string, defaultTimeoutMs = 15_000): SalesClients {
  const channel = openChannel(address);
  return { ...promiseClients(salesServices, channel, { defaultTimeoutMs }), close: () => channel.close() };
}
