import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { checkHealth, openChannel, promiseClients, type PromiseClients } from "@relata/platform";
import { salesServices } from "@relata/proto";
import { spawnProcess, type SpawnedProcess } from "./process";
import { localStack } from "./stack";

const repoRoot = path.resolve(__dirname, "../../..");
const salesMain = path.join(repoRoot, "services/sales/dist/main.js");

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
 * Runs the built Sales service (`services/sales/dist/main.js`) as a child process of the test,
 * with its own port, database and timeline durable, and resolves once its health is SERVING
 * (which it reports only after its handlers are registered).
 */
export async function startSalesProcess(options: SalesProcessOptions): Promise<SalesProcess> {
  if (!existsSync(salesMain)) throw new Error(`${salesMain} is missing: build first (npx tsc -b)`);
  const run = randomUUID().replace(/-/g, "").slice(0, 10);
  const database = options.database ?? `relata_sales_test_${run}`;
  const address = `127.0.0.1:${options.grpcPort}`;
  const channel = openChannel(address);
  try {
    const child = await spawnProcess({
      name: "sales",
      command: process.execPath,
      args: ["--enable-source-maps", salesMain],
      cwd: repoRoot,
      env: {
        GRPC_PORT: String(options.grpcPort),
        MONGO_URI: `${options.mongoBaseUri ?? localStack.ferretdbUri}/${database}`,
        NATS_URL: options.natsUrl ?? localStack.natsUrl,
        METRICS_PORT: "0",
        TIMELINE_DURABLE: `sales-timeline-test-${run}`,
        SHUTDOWN_GRACE_MS: "3000",
        ...options.env,
      },
      echo: options.echo,
      readyTimeoutMs: 60_000,
      ready: async () => (await checkHealth(channel)) === "SERVING",
    });
    return Object.assign(child, { address, database });
  } finally {
    channel.close();
  }
}

export type SalesClients = PromiseClients<typeof salesServices> & { close: () => void };

/** Promise clients of every Sales service at `address`, on one channel that `close()` ends. */
export function salesClientsAt(address: string, defaultTimeoutMs = 15_000): SalesClients {
  const channel = openChannel(address);
  return { ...promiseClients(salesServices, channel, { defaultTimeoutMs }), close: () => channel.close() };
}
