import type { Client } from "@grpc/grpc-js";
import { checkHealth, openChannel, promiseClients, type PromiseClients } from "@relata/platform";
import type { AnyResource } from "@relata/platform/resource";
import { salesServices } from "@relata/sales/client";
import { SALES_RESOURCES } from "@relata/sales/resources";
import { z } from "zod";
import type { RouteSpec } from "./routes/define";
import type { ReadinessCheck } from "./routes/health";
import { accountRoutes } from "./routes/accounts";
import { activityRoutes } from "./routes/activities";
import { contactRoutes } from "./routes/contacts";
import { leadAssignmentRoutes } from "./routes/lead-assignment";
import { leadRoutes } from "./routes/leads";
import { opportunityRoutes } from "./routes/opportunities";
import { pipelineRoutes } from "./routes/pipeline";

/**
 * Everything the gateway knows about one gRPC backend. The composition root, the config, the
 * routes, the readiness checks and the OpenAPI document all read this list; a new service is one
 * more entry (and its route files).
 */
export interface Backend<Name extends string = string, Clients = unknown> {
  /** Lower-case: the readiness check's name, and its address variable is `<NAME>_GRPC_ADDR`. */
  name: Name;
  /** Promise clients of every service the backend serves, over its one channel. */
  clients: (channel: Client, defaultTimeoutMs: number) => Clients;
  /** Its REST operations. */
  routes: (clients: Clients) => RouteSpec[];
  /** The OpenAPI tags its operations use, in the order the docs page lists them. */
  tags: readonly string[];
  /** The partner scopes it defines, with what each allows (OpenAPI and docs/auth.md). */
  scopes: Readonly<Record<string, string>>;
  /** Its described CRUD resources (routes, permissions, the conformance suite). */
  resources: readonly AnyResource[];
}

/** Keeps an entry's exact name and scope names in its type, so the permission table is checked against them. */
function backend<const Name extends string, Clients, const Scopes extends Record<string, string>>(
  spec: Omit<Backend<Name, Clients>, "scopes"> & { scopes: Scopes },
): Omit<Backend<Name, Clients>, "scopes"> & { scopes: Scopes } {
  return spec;
}

/** Promise clients of every Sales service, sharing one channel. */
export type SalesClients = PromiseClients<typeof salesServices>;

export const BACKENDS = [
  backend({
    name: "sales",
    clients: (channel, defaultTimeoutMs): SalesClients => promiseClients(salesServices, channel, { defaultTimeoutMs }),
    routes: (sales) => [
      ...accountRoutes(sales),
      ...contactRoutes(sales),
      ...leadRoutes(sales),
      ...leadAssignmentRoutes(sales),
      ...opportunityRoutes(sales),
      ...pipelineRoutes(sales),
      ...activityRoutes(sales),
    ],
    tags: ["Accounts", "Contacts", "Leads", "Opportunities", "Pipeline", "Activities"],
    scopes: { "sales:read": "read Sales records", "sales:write": "create leads" },
    resources: SALES_RESOURCES,
  }),
] as const;

type AnyBackend = (typeof BACKENDS)[number];
export type BackendName = AnyBackend["name"];
/** Each backend's clients, by backend name (`{ sales: SalesClients }`). */
export type BackendClients = { [B in AnyBackend as B["name"]]: ReturnType<B["clients"]> };
/** Every partner scope some backend defines. */
export type Scope = keyof AnyBackend["scopes"] & string;

/** The variable a backend's address is read from: sales → SALES_GRPC_ADDR. */
export type AddressVariable = `${Uppercase<BackendName>}_GRPC_ADDR`;
export const addressVariable = (name: BackendName): AddressVariable => `${name.toUpperCase() as Uppercase<BackendName>}_GRPC_ADDR`;

/** `host:port`, or a gRPC target such as `dns:///host:port` or `unix:/path`. */
const grpcAddress = z.string().regex(/^(?:[^\s:/]+:\d{1,5}|\[[0-9a-fA-F:]+\]:\d{1,5}|(?:dns|unix|ipv4|ipv6):\S+)$/, "must be host:port (or a gRPC target such as dns:///host:port)");

/** The config schema of every backend's address, for the gateway's start-up validation. */
export const backendAddressEnv = Object.fromEntries(BACKENDS.map((b) => [addressVariable(b.name), grpcAddress])) as Record<AddressVariable, typeof grpcAddress>;

/** Every partner scope, with its description. */
export function backendScopes(): Record<Scope, string> {
  return Object.assign({}, ...BACKENDS.map((b) => b.scopes)) as Record<Scope, string>;
}

export interface ConnectedBackends {
  clients: BackendClients;
  /** One check per backend: its gRPC health service answers SERVING. */
  readiness: ReadinessCheck[];
  /** Closes every channel (at shutdown, once no request is in flight). */
  close(): void;
}

/** Every backend's clients, each over the channel `channelOf` gives for its name. */
export function backendClients(channelOf: (name: BackendName) => Client, defaultTimeoutMs: number): BackendClients {
  return Object.fromEntries(BACKENDS.map((b) => [b.name, b.clients(channelOf(b.name), defaultTimeoutMs)])) as BackendClients;
}

/** Readiness of a backend: its gRPC health service answers SERVING for the whole server. */
export function backendReadiness(name: BackendName, channel: Client): ReadinessCheck {
  return { name, check: async () => (await checkHealth(channel)) === "SERVING" };
}

/** Opens one channel per backend, at the addresses the config read. */
export function connectBackends(addresses: Record<BackendName, string>, defaultTimeoutMs: number): ConnectedBackends {
  const channels = new Map(BACKENDS.map((b) => [b.name, openChannel(addresses[b.name])]));
  const channelOf = (name: BackendName) => channels.get(name)!;
  return {
    clients: backendClients(channelOf, defaultTimeoutMs),
    readiness: BACKENDS.map((b) => backendReadiness(b.name, channelOf(b.name))),
    close: () => {
      for (const channel of channels.values()) channel.close();
    },
  };
}
