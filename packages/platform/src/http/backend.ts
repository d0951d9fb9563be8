import type { ServiceDefinition } from "../grpc/service";
import type { PromiseClients } from "../grpc/client";
import type { PermissionRow } from "../resource/access";
import type { AnyResource } from "../resource/resource";
import type { PublicEvent } from "./public-events";
import type { RouteSpec } from "./route";

/**
 * Everything the gateway needs to host one gRPC backend's REST face. Each service exports its
 * entry (`@relata/<service>/gateway`) and the gateway lists the entries; the gateway opens the
 * channel, builds the clients, mounts the routes and builds the permission table and the
 * OpenAPI document from them.
 */
export interface BackendSpec<
  Name extends string = string,
  Services extends Record<string, ServiceDefinition> = Record<string, ServiceDefinition>,
  Scopes extends Record<string, string> = Record<string, string>,
> {
  /** Lower-case: the readiness check's name, and its address variable is `<NAME>_GRPC_ADDR`. */
  name: Name;
  /** Every gRPC service the backend serves, by a short name; the gateway makes promise clients of them over one channel. */
  services: Services;
  /** Its REST operations. */
  routes: (clients: PromiseClients<Services>) => RouteSpec[];
  /** The OpenAPI tags its operations use, in the order the docs page lists them. */
  tags: readonly string[];
  /** The partner scopes it defines, with what each allows (OpenAPI and docs/auth.md). */
  scopes: Scopes;
  /** Its described CRUD resources (routes, permissions, the conformance suite). */
  resources: readonly AnyResource[];
  /**
   * The permission rows of its operations that are not a described resource's generic ones
   * (custom verbs, configuration). A row whose name starts with a resource's plural
   * ("leads.convert") is listed with that resource's rows; the others after them.
   */
  permissions: Readonly<Record<string, PermissionRow & { scopes: readonly (keyof Scopes & string)[] }>>;
  /** The events partners' webhooks may subscribe to (its `src/public-events.ts`); Integrations' catalogue gathers them. */
  events: readonly PublicEvent[];
}

/** Keeps an entry's exact name, services and scope names in its type, so the gateway's tables are checked against them. */
export function defineBackend<const Name extends string, Services extends Record<string, ServiceDefinition>, const Scopes extends Record<string, string>>(
  spec: BackendSpec<Name, Services, Scopes>,
): BackendSpec<Name, Services, Scopes> {
  return spec;
}
