import { isAllowed, ROLES } from "../../src/auth/permissions";
import { allRoutes } from "../../src/routes/index";
import type { BackendClients } from "../../src/backends";

/** Who may read Reporting's competitor report: the sales figures' readers, and partners with reporting:read. */
const user = (role: string) => ({ kind: "user" as const, roles: [role], scopes: [] });
const client = (...scopes: string[]) => ({ kind: "client" as const, roles: [], scopes });
const allowedRoles = (op: string) => ROLES.filter((role) => isAllowed(user(role), op));

test("competitors: tenant admins, sales managers and analysts, as the sales dashboard; reporting:read reads it", () => {
  expect(allowedRoles("analytics.competitors")).toEqual(allowedRoles("analytics.sales"));
  expect([...allowedRoles("analytics.competitors")].sort()).toEqual(["analyst", "sales-manager", "tenant-admin"]);
  for (const role of ["sales-rep", "marketer", "support-manager", "platform-admin"]) expect({ role, allowed: isAllowed(user(role), "analytics.competitors") }).toEqual({ role, allowed: false });
  expect(isAllowed(client("reporting:read"), "analytics.competitors")).toBe(true);
  expect(isAllowed(client("sales:read", "sales:write"), "analytics.competitors")).toBe(false);
});

test("the route is GET /v1/analytics/competitors under the Analytics tag", () => {
  const route = allRoutes({ sales: {} } as BackendClients).find((r) => r.operation === "analytics.competitors");
  expect(route).toMatchObject({ method: "get", path: "/v1/analytics/competitors", tag: "Analytics", operationId: "getCompetitorAnalytics" });
});
