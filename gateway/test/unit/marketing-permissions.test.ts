import { isAllowed, ROLES } from "../../src/auth/permissions";

/**
 * Who may use Marketing's consent, list and results operations: each row's roles and partner
 * scopes, checked against every role (the gateway's one permission table decides).
 */
const user = (role: string) => ({ kind: "user" as const, roles: [role], scopes: [] });
const client = (...scopes: string[]) => ({ kind: "client" as const, roles: [], scopes });
const allowedRoles = (op: string) => ROLES.filter((role) => isAllowed(user(role), op));

test("consent: marketers record, read and make links; marketing:write records and makes links, marketing:read reads", () => {
  for (const op of ["consents.read", "consents.write", "consents.links"]) expect(allowedRoles(op)).toEqual(["tenant-admin", "marketer"]);
  expect(isAllowed(client("marketing:read"), "consents.read")).toBe(true);
  expect(isAllowed(client("marketing:read"), "consents.write")).toBe(false);
  expect(isAllowed(client("marketing:write"), "consents.write")).toBe(true);
  expect(isAllowed(client("marketing:write"), "consents.links")).toBe(true);
  expect(isAllowed(client("marketing:write"), "consents.read")).toBe(false);
  expect(isAllowed(client("sales:read", "sales:write"), "consents.read")).toBe(false);
});

test("the unsubscribe link's row grants nothing to a token: it is served without one", () => {
  expect(allowedRoles("unsubscribe.use")).toEqual([]);
  expect(isAllowed(client("marketing:read", "marketing:write"), "unsubscribe.use")).toBe(false);
});

test("marketing lists: marketers write them and their members; marketing:read reads them", () => {
  for (const op of ["marketing-lists.read", "marketing-lists.write", "marketing-lists.delete", "marketing-lists.members"]) expect(allowedRoles(op)).toEqual(["tenant-admin", "marketer"]);
  expect(isAllowed(client("marketing:read"), "marketing-lists.read")).toBe(true);
  for (const op of ["marketing-lists.write", "marketing-lists.delete", "marketing-lists.members"]) expect(isAllowed(client("marketing:read", "marketing:write"), op)).toBe(false);
});

test("results: marketers and sales managers, and marketing:read", () => {
  expect(allowedRoles("campaigns.results")).toEqual(["tenant-admin", "sales-manager", "marketer"]);
  expect(isAllowed(client("marketing:read"), "campaigns.results")).toBe(true);
  expect(isAllowed(client("marketing:write"), "campaigns.results")).toBe(false);
});
