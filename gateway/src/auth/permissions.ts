import { ROLES, type Role } from "@relata/platform";
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

const SALES_READERS: Role[] = ["platform-admin", "tenant-admin", "sales-rep", "sales-manager", "marketer", "analyst"];
const SUPPORT: Role[] = ["support-agent", "support-manager"];
const SALES_WRITERS: Role[] = ["tenant-admin", "sales-rep", "sales-manager"];
const SALES_CONFIGURERS: Role[] = ["tenant-admin", "sales-manager"];

export const PERMISSIONS = {
  "accounts.read": { roles: [...SALES_READERS, ...SUPPORT], scopes: ["sales:read"], description: "list and read accounts" },
  "accounts.write": { roles: SALES_WRITERS, scopes: [], description: "create and update accounts" },
  "accounts.delete": { roles: SALES_WRITERS, scopes: [], description: "delete accounts to the recycle bin and restore them" },
  "accounts.timeline": { roles: SALES_READERS, scopes: ["sales:read"], description: "read an account's timeline" },
  "contacts.read": { roles: [...SALES_READERS, ...SUPPORT], scopes: ["sales:read"], description: "list and read contacts" },
  "contacts.write": { roles: SALES_WRITERS, scopes: [], description: "create and update contacts" },
  "contacts.delete": { roles: SALES_WRITERS, scopes: [], description: "delete contacts to the recycle bin and restore them" },
  "leads.read": { roles: SALES_READERS, scopes: ["sales:read"], description: "list and read leads" },
  "leads.create": { roles: SALES_WRITERS, scopes: ["sales:write"], description: "create leads" },
  "leads.update": { roles: SALES_WRITERS, scopes: [], description: "update, qualify and assign leads" },
  "leads.convert": { roles: SALES_WRITERS, scopes: [], description: "convert a lead into account, contact and opportunity" },
  "leads.delete": { roles: SALES_WRITERS, scopes: [], description: "delete leads to the recycle bin and restore them" },
  "opportunities.read": { roles: SALES_READERS, scopes: ["sales:read"], description: "list and read opportunities" },
  "opportunities.write": { roles: SALES_WRITERS, scopes: [], description: "create and update opportunities, change their stage" },
  "opportunities.delete": { roles: SALES_WRITERS, scopes: [], description: "delete opportunities to the recycle bin and restore them" },
  "activities.read": { roles: [...SALES_READERS, ...SUPPORT], scopes: ["sales:read"], description: "list and read activities" },
  "activities.write": { roles: SALES_WRITERS, scopes: [], description: "create and update activities" },
  "activities.delete": { roles: SALES_WRITERS, scopes: [], description: "delete activities to the recycle bin and restore them" },
  "pipeline.read": { roles: SALES_READERS, scopes: ["sales:read"], description: "read the tenant's pipeline" },
  "pipeline.write": { roles: SALES_CONFIGURERS, scopes: [], description: "configure the tenant's pipeline stages" },
  "leadAssignment.read": { roles: SALES_READERS, scopes: [], description: "read the lead assignment rule" },
  "leadAssignment.write": { roles: SALES_CONFIGURERS, scopes: [], description: "set the lead assignment rule" },
} as const satisfies Record<string, Rule>;

export type Operation = keyof typeof PERMISSIONS;

/** Whether the caller may perform the operation: a matching role, or (partner clients) a matching scope. */
export function isAllowed(caller: Pick<Caller, "kind" | "roles" | "scopes">, operation: Operation): boolean {
  const rule: Rule = PERMISSIONS[operation];
  if (caller.roles.some((r) => (rule.roles as readonly string[]).includes(r))) return true;
  return caller.kind === "client" && caller.scopes.some((s) => (rule.scopes as readonly string[]).includes(s));
}

/** The Relata roles a caller holds (Keycloak adds default roles such as offline_access). */
export function relataRoles(roles: readonly string[]): Role[] {
  return roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r));
}
