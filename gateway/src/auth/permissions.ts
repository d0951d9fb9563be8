import { ROLES, type Role } from "@relata/platform";
import { permissionRows } from "@relata/platform/resource";
import { BACKENDS, type Scope } from "../backends";
import type { Caller } from "./verifier";

/**
 * THE role-by-operation matrix. Every route names one operation from this table; nothing else
 * in the gateway decides who may do what. It is built from the backends: each described
 * resource's generic rows and each backend's own rows (custom verbs, configuration).
 * docs/auth.md shows the same table, rendered from this one (`npm run docs:permissions`); a unit
 * test fails when the two differ. Partner scopes are declared by the backends too.
 */
export { ROLES, type Role, type Scope };

export interface Rule {
  /** People (and service accounts) holding any of these realm or API client roles may do it. */
  roles: readonly Role[];
  /** Partner clients (client credentials) holding any of these scopes may do it. */
  scopes: readonly Scope[];
  description: string;
}

/** An operation of the table: a resource's generic one (`leads.read`) or a backend's own (`leads.convert`). */
export type Operation = string;

type AnyBackend = (typeof BACKENDS)[number];

/**
 * A backend's rows in the order docs/auth.md lists them: each resource's generic rows followed
 * by the backend's rows named after it (`<plural>.<verb>`), then its other rows.
 */
function rowsOf(backend: AnyBackend): Record<Operation, Rule> {
  const own = Object.entries(backend.permissions) as [Operation, Rule][];
  const rows: Record<Operation, Rule> = {};
  for (const r of backend.resources) {
    for (const [op, rule] of Object.entries(permissionRows(r))) rows[op] = rule as Rule;
    for (const [op, rule] of own) if (op.startsWith(`${r.plural}.`)) rows[op] = rule;
  }
  for (const [op, rule] of own) rows[op] ??= rule;
  return rows;
}

function permissionTable(): Record<Operation, Rule> {
  const table: Record<Operation, Rule> = {};
  for (const backend of BACKENDS) {
    const generic = new Set(backend.resources.flatMap((r) => Object.keys(permissionRows(r))));
    for (const op of Object.keys(backend.permissions)) {
      if (generic.has(op)) throw new Error(`${backend.name}: permission row ${op} is a resource's generic operation`);
    }
    for (const [op, rule] of Object.entries(rowsOf(backend))) {
      if (op in table) throw new Error(`${backend.name}: permission row ${op} is another backend's`);
      table[op] = rule;
    }
  }
  return table;
}

/** Every backend's rows, in the order of BACKENDS. */
export const PERMISSIONS: Readonly<Record<Operation, Rule>> = permissionTable();

/** Whether the caller may perform the operation: a matching role, or (partner clients) a matching scope. */
export function isAllowed(caller: Pick<Caller, "kind" | "roles" | "scopes">, operation: Operation): boolean {
  const rule: Rule | undefined = PERMISSIONS[operation];
  if (!rule) return false;
  if (caller.roles.some((r) => (rule.roles as readonly string[]).includes(r))) return true;
  return caller.kind === "client" && caller.scopes.some((s) => (rule.scopes as readonly string[]).includes(s));
}

/** The Relata roles a caller holds (Keycloak adds default roles such as offline_access). */
export function relataRoles(roles: readonly string[]): Role[] {
  return roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r));
}
