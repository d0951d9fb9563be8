import { BACKENDS, backendScopes, type BackendClients } from "../backends";
import { allRoutes } from "../routes/index";
import { PERMISSIONS, ROLES, type Operation, type Rule } from "./permissions";

/**
 * The tables of docs/auth.md that restate the permission table, rendered from it: the
 * role-by-operation matrix, the partner scopes and the endpoints of each operation. Each sits
 * between markers in the document; `npm run docs:permissions -w gateway` rewrites them, and a
 * unit test fails when the document and this rendering differ.
 */
export const REGENERATE_COMMAND = "npm run docs:permissions -w gateway";

const begin = (name: string) => `<!-- BEGIN GENERATED ${name}: rendered by \`${REGENERATE_COMMAND}\`; do not edit by hand -->`;
const end = (name: string) => `<!-- END GENERATED ${name} -->`;

const code = (s: string) => `\`${s}\``;
const operations = () => Object.entries(PERMISSIONS) as [Operation, Rule][];

/** The routes of every backend (they only capture their clients; rendering never calls them). */
function routes() {
  return allRoutes(Object.fromEntries(BACKENDS.map((b) => [b.name, {}])) as BackendClients);
}

/** The operations served without a token, with who may call them (`RouteSpec.tokenless.why`). */
function tokenlessOperations(): Map<Operation, string> {
  return new Map(routes().flatMap((r) => (r.tokenless ? [[r.operation, r.tokenless.why] as const] : [])));
}

function matrix(): string {
  const header = `| operation | ${ROLES.join(" | ")} | partner scope |`;
  const align = `|---|${ROLES.map(() => ":-:").join("|")}|---|`;
  const open = tokenlessOperations();
  const rows = operations().map(([op, rule]) => {
    // Served without a token (○): no role or scope is needed, and none adds anything; the endpoints table says who.
    if (open.has(op)) return `| ${code(op)} | ${ROLES.map(() => "○").join(" | ")} | · |`;
    const cells = ROLES.map((role) => (rule.roles.includes(role) ? "✓" : "·"));
    const scopes = rule.scopes.length ? rule.scopes.map(code).join(", ") : "·";
    return `| ${code(op)} | ${cells.join(" | ")} | ${scopes} |`;
  });
  return [header, align, ...rows].join("\n");
}

function scopes(): string {
  const rows = Object.entries(backendScopes()).map(([scope, description]) => {
    const granted = operations().filter(([, rule]) => (rule.scopes as readonly string[]).includes(scope));
    return `| ${code(scope)} | ${description} | ${granted.map(([op]) => code(op)).join(", ") || "·"} |`;
  });
  return ["| scope | allows | operations |", "|---|---|---|", ...rows].join("\n");
}

function endpoints(): string {
  const byOperation = new Map<Operation, string[]>();
  for (const r of routes()) {
    const path = r.path.replace(/:([A-Za-z]+)/g, "{$1}");
    byOperation.set(r.operation, [...(byOperation.get(r.operation) ?? []), `${r.method.toUpperCase()} ${path}`]);
  }
  const open = tokenlessOperations();
  const rows = operations().map(([op]) => {
    const endpoints = (byOperation.get(op) ?? []).map(code).join(", ") || "·";
    const why = open.get(op);
    return `| ${code(op)} | ${why === undefined ? endpoints : `${endpoints} (no token: ${why})`} |`;
  });
  return ["| operation | endpoints |", "|---|---|", ...rows].join("\n");
}

/** Every generated section, by name. */
export function permissionSections(): Record<string, string> {
  return { "role matrix": matrix(), "partner scopes": scopes(), endpoints: endpoints() };
}

/**
 * The document with every generated section replaced by its rendering. Throws when a section's
 * markers are missing, so that a section cannot silently stop being checked.
 */
export function renderPermissionDocs(document: string, sections: Record<string, string> = permissionSections()): string {
  let out = document;
  for (const [name, body] of Object.entries(sections)) {
    const from = out.indexOf(begin(name));
    const to = out.indexOf(end(name));
    if (from < 0 || to < from) throw new Error(`docs/auth.md has no section between "${begin(name)}" and "${end(name)}"`);
    out = `${out.slice(0, from)}${begin(name)}\n${body}\n${out.slice(to)}`;
  }
  return out;
}
