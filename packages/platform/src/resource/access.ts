import type { Role } from "../identity";
import type { AnyResource, ResourceOperation } from "./resource";

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
 * The permission names of a resource's generic operations, as the gateway's table keys them:
 * `<plural>.read` (list, get), `<plural>.write` (create and update), or `<plural>.create` and
 * `<plural>.update` when partner clients may do one and not the other, and `<plural>.delete`
 * (delete, restore).
 */
export function operationNames(r: Pick<AnyResource, "plural" | "access">): Record<ResourceOperation, string> {
  const scopes = r.access.scopes ?? {};
  const split = scopes.create !== scopes.update;
  return {
    read: `${r.plural}.read`,
    create: `${r.plural}.${split ? "create" : "write"}`,
    update: `${r.plural}.${split ? "update" : "write"}`,
    delete: `${r.plural}.delete`,
  };
}

/** The permission rows of a resource's generic operations, keyed by operationNames, in that order. */
export function permissionRows(r: Pick<AnyResource, "plural" | "access">): Record<string, PermissionRow> {
  const { read, write, scopes = {}, says = {} } = r.access;
  const names = operationNames(r);
  const scope = (s: string | undefined) => (s ? [s] : []);
  const rows: Record<string, PermissionRow> = {
    [names.read]: { roles: read, scopes: scope(scopes.read), description: says.read ?? `list and read ${r.plural}` },
  };
  if (names.create === names.update) {
    rows[names.create] = { roles: write, scopes: scope(scopes.create), description: says.write ?? `create and update ${r.plural}` };
  } else {
    rows[names.create] = { roles: write, scopes: scope(scopes.create), description: says.create ?? `create ${r.plural}` };
    rows[names.update] = { roles: write, scopes: scope(scopes.update), description: says.update ?? `update ${r.plural}` };
  }
  rows[names.delete] = {
    roles: write,
    scopes: scope(scopes.delete),
    description: says.delete ?? `delete ${r.plural} to the recycle bin and restore them`,
  };
  return rows;
}

/** The partner scopes the resources use, each once, in order of appearance. */
export function partnerScopes(resources: readonly Pick<AnyResource, "access">[]): string[] {
  const scopes = resources.flatMap((r) => Object.values(r.access.scopes ?? {})).filter((s): s is string => Boolean(s));
  return [...new Set(scopes)];
}
