import { readFileSync } from "node:fs";
import path from "node:path";
import { isAllowed, PERMISSIONS, ROLES, type Operation, type Role } from "../../src/auth/permissions";
import { permissionSections, REGENERATE_COMMAND, renderPermissionDocs } from "../../src/auth/permissions-doc";
import { allRoutes } from "../../src/routes/index";
import type { BackendClients } from "../../src/backends";

const user = (role: string) => ({ kind: "user" as const, roles: [role], scopes: [] });
const client = (...scopes: string[]) => ({ kind: "client" as const, roles: [], scopes });

describe("the permission table", () => {
  test("docs/auth.md shows exactly the table the code enforces", () => {
    const doc = readFileSync(path.join(__dirname, "../../../docs/auth.md"), "utf8");
    const lines = doc.split("\n");
    const headerAt = lines.findIndex((l) => l.startsWith("| operation | platform-admin"));
    expect(headerAt).toBeGreaterThan(0);
    const header = lines[headerAt]!.split("|").slice(1, -1).map((c) => c.trim());
    const roleColumns = header.slice(1, -1);
    expect([...roleColumns].sort()).toEqual([...ROLES].sort());
    const rows = new Map<string, { roles: string[]; scopes: string[] }>();
    for (const line of lines.slice(headerAt + 2)) {
      if (!line.startsWith("| `")) break;
      const cells = line.split("|").slice(1, -1).map((c) => c.trim());
      const op = cells[0]!.replace(/`/g, "");
      const roles = roleColumns.filter((_, i) => cells[i + 1] === "✓");
      const scopes = cells.at(-1) === "·" ? [] : cells.at(-1)!.split(",").map((s) => s.trim().replace(/`/g, ""));
      rows.set(op, { roles, scopes });
    }
    expect([...rows.keys()].sort()).toEqual(Object.keys(PERMISSIONS).sort());
    for (const [op, rule] of Object.entries(PERMISSIONS)) {
      expect({ op, roles: [...rule.roles].sort() }).toEqual({ op, roles: rows.get(op)!.roles.sort() });
      expect({ op, scopes: [...rule.scopes].sort() }).toEqual({ op, scopes: rows.get(op)!.scopes.sort() });
    }
  });

  test("docs/auth.md's matrix, partner scopes and endpoints are the ones rendered from the code", () => {
    const doc = readFileSync(path.join(__dirname, "../../../docs/auth.md"), "utf8");
    const rendered = renderPermissionDocs(doc);
    if (rendered !== doc) {
      const stale = Object.keys(permissionSections()).filter((name) => !doc.includes(permissionSections()[name]!));
      throw new Error(`docs/auth.md differs from the permission table (${stale.join(", ")}); run \`${REGENERATE_COMMAND}\` and commit the result`);
    }
    expect(Object.keys(permissionSections())).toEqual(["role matrix", "partner scopes", "endpoints"]);
  });

  test("the rendering reflects a change of the table, and refuses a document without its markers", () => {
    const doc = readFileSync(path.join(__dirname, "../../../docs/auth.md"), "utf8");
    const changed = renderPermissionDocs(doc, { ...permissionSections(), "role matrix": "| operation |" });
    expect(changed).not.toBe(doc);
    expect(changed).toContain("| operation |\n<!-- END GENERATED role matrix -->");
    expect(() => renderPermissionDocs("# no markers")).toThrow(/role matrix/);
  });

  test("every route names an operation of the table, and every operation is used", () => {
    const routes = allRoutes({ sales: {} } as BackendClients);
    const used = new Set(routes.map((r) => r.operation));
    for (const r of routes) expect(Object.keys(PERMISSIONS)).toContain(r.operation);
    expect([...used].sort()).toEqual(Object.keys(PERMISSIONS).sort());
  });

  const expectations: [Role, Operation, boolean][] = [
    ["sales-rep", "leads.create", true],
    ["sales-rep", "leads.convert", true],
    ["sales-rep", "pipeline.write", false],
    ["sales-rep", "leadAssignment.write", false],
    ["sales-manager", "pipeline.write", true],
    ["sales-manager", "leadAssignment.write", true],
    ["tenant-admin", "pipeline.write", true],
    ["support-agent", "leads.create", false],
    ["support-agent", "leads.read", false],
    ["support-agent", "accounts.read", true],
    ["support-agent", "contacts.read", true],
    ["support-agent", "activities.read", true],
    ["support-agent", "activities.write", false],
    ["support-manager", "opportunities.read", false],
    ["marketer", "leads.read", true],
    ["marketer", "leads.create", false],
    ["analyst", "opportunities.read", true],
    ["analyst", "opportunities.write", false],
    ["platform-admin", "leads.read", true],
    ["platform-admin", "leads.create", false],
    ["kb-editor", "accounts.read", false],
  ];
  test.each(expectations)("%s may %s: %s", (role, op, allowed) => {
    expect(isAllowed(user(role), op)).toBe(allowed);
  });

  test("partner scopes: sales:read reads, sales:write creates leads and nothing else", () => {
    expect(isAllowed(client("sales:read"), "leads.read")).toBe(true);
    expect(isAllowed(client("sales:read"), "leads.create")).toBe(false);
    expect(isAllowed(client("sales:write"), "leads.create")).toBe(true);
    for (const op of ["leads.update", "leads.convert", "accounts.write", "opportunities.write", "pipeline.write", "leadAssignment.read"] as Operation[]) {
      expect({ op, allowed: isAllowed(client("sales:read", "sales:write"), op) }).toEqual({ op, allowed: false });
    }
  });

  test("a person's token gains nothing from scopes; unknown roles grant nothing", () => {
    expect(isAllowed({ kind: "user", roles: [], scopes: ["sales:write"] }, "leads.create")).toBe(false);
    expect(isAllowed(user("offline_access"), "leads.read")).toBe(false);
    expect(isAllowed(user("admin"), "leads.read")).toBe(false);
  });
});
