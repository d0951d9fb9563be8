import { ROLES, type Role } from "@relata/platform";
import { permissionRows, type AnyResource } from "@relata/platform/resource";
import { account, activity, contact, lead, opportunity, SALES_READERS, SALES_WRITERS } from "@relata/sales/resources";
import type { Scope } from "../backends";
import type { Caller } from "./verifier";

/**
 * THE role-by-operation matrix. Every route names one operation from this table; nothing else
 * in the gateway decides who may do what. docs/auth.md shows the same table, rendered from this
 * one (`npm run docs:permissions`); a unit test fails when the two differ. Partner scopes are
 * declared by the backends (backends.ts).
 */
export { ROLES, type Role, type Scope };

export interface Rule {
  /** People (and service accounts) holding any of these realm or API client roles may do it. */
  roles: readonly Role[];
  /** Partner clients (client credentials) holding any of these scopes may do it. */
  scopes: readonly Scope[];
  description: string;
}

const SALES_CONFIGURERS: Role[] = ["tenant-admin", "sales-manager"];

/** The rows of a described resource's generic operations: `<plural>.read`, `.write` (or `.create` and `.update`), `.delete`. */
const rowsOf = (r: AnyResource) => permissionRows(r) as Record<`${string}.${"read" | "write" | "create" | "update" | "delete"}`, Rule>;

/** The operations of custom verbs and of what is not a described resource. */
const CUSTOM = {
  "accounts.timeline": { roles: SALES_READERS, scopes: ["sales:read"], description: "read an account's timeline" },
  "leads.convert": { roles: SALES_WRITERS, scopes: [], description: "convert a lead into account, contact and opportunity" },
  "pipeline.read": { roles: SALES_READERS, scopes: ["sales:read"], description: "read the tenant's pipeline" },
  "pipeline.write": { roles: SALES_CONFIGURERS, scopes: [], description: "configure the tenant's pipeline stages" },
  "leadAssignment.read": { roles: SALES_READERS, scopes: [], description: "read the lead assignment rule" },
  "leadAssignment.write": { roles: SALES_CONFIGURERS, scopes: [], description: "set the lead assignment rule" },
} as const satisfies Record<string, Rule>;

/**
 * An operation of the table: a custom one by name, a resource's by its pattern. A route naming a
 * resource operation the table lacks fails the permission test (every route's operation is a row).
 */
export type Operation = keyof typeof CUSTOM | keyof ReturnType<typeof rowsOf>;

const { "accounts.timeline": timeline, "leads.convert": convert, ...configuration } = CUSTOM;

/** In the order docs/auth.md lists them: each resource's rows with its custom verbs', then the configuration. */
export const PERMISSIONS: Readonly<Record<Operation, Rule>> = {
  ...rowsOf(account),
  "accounts.timeline": timeline,
  ...rowsOf(contact),
  ...rowsOf(lead),
  "leads.convert": convert,
  ...rowsOf(opportunity),
  ...rowsOf(activity),
  ...configuration,
};

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
