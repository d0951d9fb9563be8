import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { checkHealth, openChannel } from "@relata/platform";
import { spawnProcess, type SpawnedProcess } from "./process";
import { localStack } from "./stack";
import { findWorkload, KINDS, localEnv, portVariable, readWorkloads, type LocalInfra, type Workload } from "./workloads";

const repoRoot = path.resolve(__dirname, "../../..");

export interface WorkloadProcess extends SpawnedProcess {
  workload: Workload;
  /** `127.0.0.1:<port>`: a service's gRPC address. */
  address: string;
  /** `http://127.0.0.1:<port>`: the gateway's base URL. */
  url: string;
  /** A service's database (undefined for the gateway). */
  database: string | undefined;
}

export interface WorkloadProcessOptions {
  /** The port it serves gRPC (a service) or HTTP (the gateway) on. */
  port: number;
  /** Its Prometheus port; default 0 (any free port). */
  metricsPort?: number;
  /** A service's database. Default: a fresh `relata_<name>_test_<random>`. */
  database?: string;
  /** Where the other services are, by workload name (`{ sales: "127.0.0.1:50151" }`); the local stack's otherwise. */
  addresses?: Record<string, string>;
  /** The database server (`mongodb://host:port`), NATS and issuer; the local stack's otherwise. */
  infra?: Partial<LocalInfra>;
  /** Added to (or, set to undefined, removed from) its environment, last. */
  env?: Record<string, string | undefined>;
  echo?: boolean;
  /** Default 60 s. */
  readyTimeoutMs?: number;
}

/**
 * Runs any built workload (its manifest's `main`) as a child process of the test, with the
 * environment the local stack would give it (deploy/workloads.cjs) on the ports and database
 * the test chooses, and resolves once it is ready: a service's gRPC health SERVING (reported
 * only after its handlers are registered), the gateway's `/readyz` 200.
 */
export async function startWorkloadProcess(name: string, options: WorkloadProcessOptions): Promise<WorkloadProcess> {
  const workloads = readWorkloads();
  const workload = findWorkload(workloads, name);
  const main = path.join(repoRoot, workload.main);
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npx tsc -b)`);
  const infra: LocalInfra = { mongoBaseUri: localStack.ferretdbUri, natsUrl: localStack.natsUrl, opensearchUrl: localStack.opensearchUrl, oidcIssuer: localStack.keycloakIssuer, ...options.infra };
  const servingVariable = portVariable(workload, KINDS[workload.kind].serving);
  const env: Record<string, string | undefined> = localEnv(workloads, name, { env: { ...process.env, [servingVariable]: String(options.port) }, infra });
  env.METRICS_PORT = String(options.metricsPort ?? 0);
  const database = workload.database === undefined ? undefined : (options.database ?? `${workload.database}_test_${randomUUID().replace(/-/g, "").slice(0, 10)}`);
  if (database !== undefined) env.MONGO_URI = `${infra.mongoBaseUri}/${database}`;
  for (const [other, address] of Object.entries(options.addresses ?? {})) env[`${findWorkload(workloads, other).prefix}_GRPC_ADDR`] = address;
  Object.assign(env, options.env);

  const address = `127.0.0.1:${options.port}`;
  const url = `http://${address}`;
  const channel = workload.kind === "grpc-service" ? openChannel(address) : undefined;
  try {
    const child = await spawnProcess({
      name,
      command: process.execPath,
      args: ["--enable-source-maps", main],
      cwd: repoRoot,
      env,
      echo: options.echo,
      readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
      ready: channel
        ? async () => (await checkHealth(channel)) === "SERVING"
        : async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200,
    });
    return Object.assign(child, { workload, address, url, database });
  } finally {
    channel?.close();
  }
}
