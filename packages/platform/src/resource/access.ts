import type { Role } from "../identity";
import type { AnyResource } from "./resource";

/** The events every resource publishes, on `<resource name>.<event>` ("sales.account.created"). */
export const RESOURCE_EVENTS = ["created", "updated", "deleted", "restored"] as const;
export type ResourceEvent = (typeof RESOURCE_EVENTS)[number];

export function eventSubjects(r: Pick<AnyResource, "name">): Record<ResourceEvent, string> {
  return Object.fromEntries(RESOURCE_EVENTS.map((event) => [event, `${r.name}.${event}`])) as Record<ResourceEvent, string>;
}

/** A row of the gateway's permission table: who may perform an operation. */
export interface PermissionRow {
  /** People (and service accounts) holding any of these roles may do it. */
  roles: readonly Role[];
  /** Partner clients (client credentials) holding any of these scopes may do it. */
  scopes: readonly string[];
  description: string;
}

/**
 * The permission rows of a resource's generic operations, keyed as the gateway names them:
 * `<plural>.read` (list, get) and `<plural>.write` (create, update).
 */
export function permissionRows(r: Pick<AnyResource, "plural" | "access">): Record<string, PermissionRow> {
  const scope = (s: string | undefined) => (s ? [s] : []);
  return {
    [`${r.plural}.read`]: { roles: r.access.read, scopes: scope(r.access.scopes?.read), description: `list and read ${r.plural}` },
    [`${r.plural}.write`]: { roles: r.access.write, scopes: scope(r.access.scopes?.write), description: `create and update ${r.plural}` },
  };
}

/** The partner scopes the resources use, each once, in order of appearance. */
export function partnerScopes(resources: readonly Pick<AnyResource, "access">[]): string[] {
  const scopes = resources.flatMap((r) => [r.access.scopes?.read, r.access.scopes?.write]).filter((s): s is string => Boolean(s));
  return [...new Set(scopes)];
}
