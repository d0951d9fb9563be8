import { execFile } from "node:child_process";
import path from "node:path";
import { ROLES, type Role } from "@relata/platform";
import { INFRA_DEFAULT_PORTS, localPorts, readWorkloads, servingPort, stackPort, type Workload, type WorkloadKind } from "./workloads";

/**
 * Addresses of the local stack that `deploy/stack.sh` starts, and the demo identities of the
 * realm it imports (deploy/keycloak/relata-realm.json). Ports follow deploy/env.sh's rule
 * (deploy/workloads.cjs: stackPort): a port the environment sets wins; otherwise the default
 * (env.sh's for the infrastructure, the manifest's for a workload), moved with
 * RELATA_PORT_BLOCK=test (set by `make test`) to 10000 + its last four digits.
 */

/** One workload (the gateway or a service) on the local stack. */
export interface LocalWorkload {
  kind: WorkloadKind;
  /** The port it serves gRPC (a service) or HTTP (the gateway) on. */
  port: number;
  metricsPort: number;
  /** `127.0.0.1:<port>`: a service's gRPC address. */
  address: string;
  /** Its Prometheus `/metrics`. */
  metricsUrl: string;
}

export interface LocalStack {
  /** PostgreSQL, FerretDB's storage (superuser `relata`, loopback trusted). */
  postgresPort: number;
  ferretdbPort: number;
  natsPort: number;
  natsMonitorPort: number;
  keycloakPort: number;
  /** OpenSearch's HTTP port (the knowledge base's search engine). */
  opensearchPort: number;
  /** `mongodb://127.0.0.1:<port>`: append `/<database>`. */
  ferretdbUri: string;
  natsUrl: string;
  natsMonitorUrl: string;
  /** `http://127.0.0.1:<port>`: OpenSearch, plain HTTP without credentials (no security plugin). */
  opensearchUrl: string;
  /** Keycloak's fixed public address (its `--hostname`): `http://localhost:<port>`. */
  keycloakUrl: string;
  /** The realm's issuer, exactly as tokens carry it in `iss`. */
  keycloakIssuer: string;
  gatewayUrl: string;
  /** Every workload its manifest declares, by name: `workloads.<name>.address`. */
  workloads: Readonly<Record<string, LocalWorkload>>;
  /**
   * The first of the 900 ports for servers a test starts itself (testServerPort): the lowest
   * gRPC port of the services + 100, so it lies in the stack's port block.
   */
  testPortBase: number;
}

function localWorkload(w: Workload, env: NodeJS.ProcessEnv): LocalWorkload {
  const port = servingPort(w, env);
  const metricsPort = localPorts(w, env).metrics!;
  return { kind: w.kind, port, metricsPort, address: `127.0.0.1:${port}`, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}

/**
 * Reads the stack's addresses from an environment. Besides the ports, GATEWAY_URL, OIDC_ISSUER,
 * NATS_URL and OPENSEARCH_URL override the derived URLs (as deploy/seed.mjs and the platform tests do).
 * `declared`: the workloads (default: this repository's manifests).
 */
export function readLocalStack(env: NodeJS.ProcessEnv = process.env, declared: readonly Workload[] = readWorkloads()): LocalStack {
  const port = (name: keyof typeof INFRA_DEFAULT_PORTS) => stackPort(env, name, INFRA_DEFAULT_PORTS[name]);
  const postgresPort = port("POSTGRES_PORT");
  const ferretdbPort = port("FERRETDB_PORT");
  const natsPort = port("NATS_PORT");
  const natsMonitorPort = port("NATS_MONITOR_PORT");
  const keycloakPort = port("KEYCLOAK_PORT");
  const opensearchPort = port("OPENSEARCH_PORT");
  const workloads = Object.fromEntries(declared.map((w) => [w.name, localWorkload(w, env)]));
  const gateway = Object.values(workloads).find((w) => w.kind === "http-gateway");
  const servicePorts = Object.values(workloads).filter((w) => w.kind === "grpc-service").map((w) => w.port);
  const keycloakUrl = `http://localhost:${keycloakPort}`;
  const trim = (url: string) => url.replace(/\/+$/, "");
  const gatewayUrl = env.GATEWAY_URL || (gateway ? `http://localhost:${gateway.port}` : "");
  return {
    postgresPort,
    ferretdbPort,
    natsPort,
    natsMonitorPort,
    keycloakPort,
    opensearchPort,
    ferretdbUri: `mongodb://127.0.0.1:${ferretdbPort}`,
    natsUrl: env.NATS_URL || `nats://127.0.0.1:${natsPort}`,
    natsMonitorUrl: `http://127.0.0.1:${natsMonitorPort}`,
    opensearchUrl: trim(env.OPENSEARCH_URL || `http://127.0.0.1:${opensearchPort}`),
    keycloakUrl,
    keycloakIssuer: trim(env.OIDC_ISSUER || `${keycloakUrl}/realms/relata`),
    gatewayUrl: trim(gatewayUrl),
    workloads,
    testPortBase: servicePorts.length > 0 ? Math.min(...servicePorts) + 100 : 0,
  };
}

/** The local stack as this process's environment describes it (read once, at import). */
export const localStack: Readonly<LocalStack> = Object.freeze(readLocalStack());

/**
 * A port for a server a test starts itself (a service, a gateway, a NATS of its own) when it must
 * know the port before the server starts or keep it across a restart: testPortBase + offset, in
 * the stack's port block, so the test runs of two stacks with different blocks never meet.
 * Offsets 0-899: give each test file its own (docs/local-stack.md lists them).
 */
export function testServerPort(offset: number, stack: Pick<LocalStack, "testPortBase"> = localStack): number {
  if (!Number.isInteger(offset) || offset < 0 || offset > 899) throw new Error(`test server port offset ${offset} is not in 0-899`);
  if (stack.testPortBase < 1) throw new Error("no test server ports: the stack has no gRPC service to place them after");
  const value = stack.testPortBase + offset;
  if (value > 65535) throw new Error(`test server port ${value} (${stack.testPortBase} + ${offset}) is not a TCP port`);
  return value;
}

/** The password of every demo user of the realm. */
export const DEMO_PASSWORD = "relata-demo";

/** The demo tenants (business units) of the realm. */
export const TENANTS = ["acme", "globex"] as const;
export type Tenant = (typeof TENANTS)[number];

export { ROLES, type Role };
/** The roles a tenant's people hold (platform-admin belongs to no tenant). */
export type TenantRole = Exclude<Role, "platform-admin">;

/** The one platform administrator of the realm: role platform-admin, no tenant. */
export const PLATFORM_ADMIN = "platform-admin";

/**
 * The username of a tenant's demo user holding one role: `acme-sales-rep`. Every tenant has a
 * second sales rep for round-robin journeys: `demoUsername("acme", "sales-rep", 2)` is
 * `acme-sales-rep-2`. The platform administrator is {@link PLATFORM_ADMIN}.
 */
export function demoUsername(tenant: Tenant, role: TenantRole, nth: 1 | 2 = 1): string {
  if (!(TENANTS as readonly string[]).includes(tenant)) throw new Error(`unknown demo tenant "${tenant}"`);
  if (!(ROLES as readonly string[]).includes(role) || (role as Role) === "platform-admin") {
    throw new Error(`no demo user of tenant ${tenant} holds role "${role}"`);
  }
  if (nth === 2 && role !== "sales-rep") throw new Error(`only sales-rep has a second demo user (asked for ${role})`);
  return nth === 2 ? `${tenant}-${role}-2` : `${tenant}-${role}`;
}

export interface PartnerClient {
  clientId: string;
  secret: string;
  tenant: Tenant;
  /** The scopes its tokens carry. */
  scopes: readonly string[];
}

/** The partner applications (client credentials) of the realm, one per tenant. */
export const PARTNER_CLIENTS: Readonly<Record<Tenant, PartnerClient>> = Object.freeze({
  acme: { clientId: "acme-partner", secret: "acme-partner-secret", tenant: "acme", scopes: ["sales:read", "sales:write", "service:read", "service:write", "knowledge:read", "knowledge:write", "marketing:read", "marketing:write", "reporting:read", "webhooks:manage", "bulk:import", "bulk:export"] },
  globex: { clientId: "globex-partner", secret: "globex-partner-secret", tenant: "globex", scopes: ["sales:read", "service:read", "knowledge:read", "marketing:read", "reporting:read"] },
});

/** The public client people's tokens are requested with. */
export const CLI_CLIENT_ID = "relata-cli";
/** The audience (`aud`) of every token the gateway accepts. */
export const API_AUDIENCE = "relata-api";

/** The servers of the local stack that a test may stop and start again (deploy/stack.sh's components). */
export const STACK_COMPONENTS = ["postgres", "ferretdb", "nats", "keycloak", "opensearch", "zipkin", "collector"] as const;
export type StackComponent = (typeof STACK_COMPONENTS)[number];

const STACK_SCRIPT = path.resolve(__dirname, "../../../deploy/stack.sh");

/**
 * Runs `deploy/stack.sh <command> <component>` with this process's environment, so it acts on the
 * stack the test runs against (its RELATA_STATE and ports: under `make test`, the test stack).
 */
async function stackCommand(command: "up" | "down" | "crash", component: string, known: readonly string[] = STACK_COMPONENTS): Promise<void> {
  if (!known.includes(component)) throw new Error(`"${component}" is not a stack component (${known.join(", ")})`);
  await new Promise<void>((resolve, reject) => {
    execFile("bash", [STACK_SCRIPT, command, component], { env: process.env, maxBuffer: 4 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`deploy/stack.sh ${command} ${component} failed (${err.message.split("\n")[0]})\n${stderr}`));
      else resolve();
    });
  });
}

/**
 * Stops one server of the local stack (`stopComponent("opensearch")`), as `deploy/stack.sh down`
 * does: resolves when its processes are gone. For tests of what happens while it is down; start
 * it again with {@link startComponent}, or use {@link withComponentStopped}, which always does.
 */
export function stopComponent(component: StackComponent): Promise<void> {
  return stackCommand("down", component);
}

/** Starts one server of the local stack again and resolves once it is ready (OpenSearch: 30-60 s). */
export function startComponent(component: StackComponent): Promise<void> {
  return stackCommand("up", component);
}

/**
 * Kills a workload of the local stack with SIGKILL (no shutdown runs: a crash) and starts it
 * again, resolving once it is ready: for tests that nothing is lost when a process dies midway.
 */
export async function crashAndRestartWorkload(workload: string): Promise<void> {
  const workloads = readWorkloads().map((w) => w.name);
  await stackCommand("crash", workload, workloads);
  await stackCommand("up", workload, workloads);
}

/** Runs `use` while the component is stopped, and starts it again (ready) whatever `use` does. */
export async function withComponentStopped<T>(component: StackComponent, use: () => Promise<T>): Promise<T> {
  await stopComponent(component);
  try {
    return await use();
  } finally {
    await startComponent(component);
  }
}
