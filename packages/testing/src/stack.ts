import { ROLES, type Role } from "@relata/platform";

/**
 * Addresses of the local stack that `deploy/stack.sh` starts, and the demo identities of the
 * realm it imports (deploy/keycloak/relata-realm.json). Ports come from the same variables, with
 * the same defaults, as deploy/env.sh, including its test block: with RELATA_PORT_BLOCK=test (set
 * by `make test`) a port the environment does not set is 10000 + the last four digits of its default.
 */

export interface LocalStack {
  /** PostgreSQL, FerretDB's storage (superuser `relata`, loopback trusted). */
  postgresPort: number;
  ferretdbPort: number;
  natsPort: number;
  natsMonitorPort: number;
  keycloakPort: number;
  salesGrpcPort: number;
  gatewayPort: number;
  salesMetricsPort: number;
  gatewayMetricsPort: number;
  /** `mongodb://127.0.0.1:<port>`: append `/<database>`. */
  ferretdbUri: string;
  natsUrl: string;
  natsMonitorUrl: string;
  /** Keycloak's fixed public address (its `--hostname`): `http://localhost:<port>`. */
  keycloakUrl: string;
  /** The realm's issuer, exactly as tokens carry it in `iss`. */
  keycloakIssuer: string;
  gatewayUrl: string;
  /** `host:port` of the Sales gRPC server. */
  salesGrpcAddr: string;
  /** Prometheus `/metrics` of the Sales service and of the gateway. */
  salesMetricsUrl: string;
  gatewayMetricsUrl: string;
}

export const STACK_DEFAULT_PORTS = {
  POSTGRES_PORT: 5433,
  FERRETDB_PORT: 27017,
  NATS_PORT: 4222,
  NATS_MONITOR_PORT: 8222,
  KEYCLOAK_PORT: 8180,
  SALES_GRPC_PORT: 50051,
  GATEWAY_PORT: 8080,
  SALES_METRICS_PORT: 9464,
  GATEWAY_METRICS_PORT: 9465,
} as const;

function port(env: NodeJS.ProcessEnv, name: keyof typeof STACK_DEFAULT_PORTS): number {
  const raw = env[name];
  if (raw === undefined || raw === "") {
    const fallback = STACK_DEFAULT_PORTS[name];
    return env.RELATA_PORT_BLOCK === "test" ? 10000 + (fallback % 10000) : fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name}=${JSON.stringify(raw)} is not a TCP port`);
  }
  return value;
}

/**
 * Reads the stack's addresses from an environment. Besides the ports, GATEWAY_URL, OIDC_ISSUER
 * and NATS_URL override the derived URLs (as deploy/seed.mjs and the platform tests do).
 */
export function readLocalStack(env: NodeJS.ProcessEnv = process.env): LocalStack {
  const postgresPort = port(env, "POSTGRES_PORT");
  const ferretdbPort = port(env, "FERRETDB_PORT");
  const natsPort = port(env, "NATS_PORT");
  const natsMonitorPort = port(env, "NATS_MONITOR_PORT");
  const keycloakPort = port(env, "KEYCLOAK_PORT");
  const salesGrpcPort = port(env, "SALES_GRPC_PORT");
  const gatewayPort = port(env, "GATEWAY_PORT");
  const salesMetricsPort = port(env, "SALES_METRICS_PORT");
  const gatewayMetricsPort = port(env, "GATEWAY_METRICS_PORT");
  const keycloakUrl = `http://localhost:${keycloakPort}`;
  const trim = (url: string) => url.replace(/\/+$/, "");
  return {
    postgresPort,
    ferretdbPort,
    natsPort,
    natsMonitorPort,
    keycloakPort,
    salesGrpcPort,
    gatewayPort,
    salesMetricsPort,
    gatewayMetricsPort,
    ferretdbUri: `mongodb://127.0.0.1:${ferretdbPort}`,
    natsUrl: env.NATS_URL || `nats://127.0.0.1:${natsPort}`,
    natsMonitorUrl: `http://127.0.0.1:${natsMonitorPort}`,
    keycloakUrl,
    keycloakIssuer: trim(env.OIDC_ISSUER || `${keycloakUrl}/realms/relata`),
    gatewayUrl: trim(env.GATEWAY_URL || `http://localhost:${gatewayPort}`),
    salesGrpcAddr: `127.0.0.1:${salesGrpcPort}`,
    salesMetricsUrl: `http://127.0.0.1:${salesMetricsPort}/metrics`,
    gatewayMetricsUrl: `http://127.0.0.1:${gatewayMetricsPort}/metrics`,
  };
}

/** The local stack as this process's environment describes it (read once, at import). */
export const localStack: Readonly<LocalStack> = Object.freeze(readLocalStack());

/**
 * A port for a server a test starts itself (a Sales process, a database of its own): the stack's
 * Sales gRPC port + 100 + offset, so it lies in the stack's port block and the test runs of two
 * stacks with different blocks never meet. Offsets 0-899: give each test file its own.
 */
export function testServerPort(offset: number, stack: Pick<LocalStack, "salesGrpcPort"> = localStack): number {
  if (!Number.isInteger(offset) || offset < 0 || offset > 899) throw new Error(`test server port offset ${offset} is not in 0-899`);
  const value = stack.salesGrpcPort + 100 + offset;
  if (value > 65535) throw new Error(`test server port ${value} (Sales gRPC port ${stack.salesGrpcPort} + 100 + ${offset}) is not a TCP port`);
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
  acme: { clientId: "acme-partner", secret: "acme-partner-secret", tenant: "acme", scopes: ["sales:read", "sales:write"] },
  globex: { clientId: "globex-partner", secret: "globex-partner-secret", tenant: "globex", scopes: ["sales:read"] },
});

/** The public client people's tokens are requested with. */
export const CLI_CLIENT_ID = "relata-cli";
/** The audience (`aud`) of every token the gateway accepts. */
export const API_AUDIENCE = "relata-api";
