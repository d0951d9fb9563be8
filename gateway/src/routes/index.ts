import { BACKENDS, type BackendClients } from "../backends";
import type { RouteSpec } from "@relata/platform/http";

/** Every REST operation of /v1: each backend's routes, in the order gateway/src/backends.ts lists them. */
export function allRoutes(clients: BackendClients): RouteSpec[] {
  // Each entry's routes take that entry's clients; TypeScript cannot pair them across the union.
  return BACKENDS.flatMap((b) => (b.routes as (c: unknown) => RouteSpec[])(clients[b.name]));
}

/** The longest time a route that streams its request body allows (0 when none does): the HTTP server's request timeout must not cut it. */
export function longestUploadMs(routes: RouteSpec[]): number {
  return Math.max(0, ...routes.filter((r) => r.streamedBody).map((r) => r.timeoutMs ?? 0));
}
