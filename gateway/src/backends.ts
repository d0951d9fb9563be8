import type { Client } from "@grpc/grpc-js";
import { checkHealth, openChannel, promiseClients, type PromiseClients } from "@relata/platform";
import { DOMAIN_BACKENDS } from "@relata/backends";
import { integrationsBackend } from "@relata/integrations/gateway";
import { z } from "zod";
import type { ReadinessCheck } from "./routes/health";

/**
 * The backends the gateway hosts: the domain services (`@relata/backends`, where a new service
 * joins) and Integrations. Each entry is a BackendSpec of `@relata/platform/http` (its REST face,
 * resources, scopes and permission rows). The composition root, the config, the routes, the
 * permission table, the readiness checks and the OpenAPI document all read this list.
 */
export const BACKENDS = [...DOMAIN_BACKENDS, integrationsBackend] as const;

type AnyBackend = (typeof BACKENDS)[number];
export type BackendName = AnyBackend["name"];
/** Each backend's clients, by backend name (promise clients of its services). */
export type BackendClients = { [B in AnyBackend as B["name"]]: PromiseClients<B["services"]> };
/** Every partner scope some backend defines. */
export type Scope = keyof AnyBackend["scopes"] & string;

/** The variable a backend's address is read from: its name in capitals, then `_GRPC_ADDR`. */
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
  return Object.fromEntries(BACKENDS.map((b) => [b.name, promiseClients(b.services, channelOf(b.name), { defaultTimeoutMs })])) as BackendClients;
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
