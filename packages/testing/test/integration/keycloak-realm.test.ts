import {
  API_AUDIENCE,
  clientToken,
  DEMO_PASSWORD,
  demoUsername,
  localStack,
  PARTNER_CLIENTS,
  PLATFORM_ADMIN,
  ROLES,
  TENANTS,
  tokenClaims,
  TokenError,
  userToken,
  type TenantRole,
} from "../../src";

// The realm deploy/keycloak/relata-realm.json, imported by the Keycloak that `make test`
// starts (deploy/stack.sh): the claims the gateway relies on, for people and partner apps.

const audiences = (claims: Record<string, unknown>) => [claims.aud].flat();
const realmRoles = (claims: Record<string, unknown>) => (claims.realm_access as { roles?: string[] } | undefined)?.roles;

function header(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()) as Record<string, unknown>;
}

describe("the relata realm", () => {
  it("gives a sales rep an RS256 token for relata-api with tenant, roles and username", async () => {
    const token = await userToken(demoUsername("acme", "sales-rep"));
    const claims = tokenClaims(token);
    expect(header(token).alg).toBe("RS256");
    expect(claims.iss).toBe(localStack.keycloakIssuer);
    expect(audiences(claims)).toContain(API_AUDIENCE);
    expect(claims).toMatchObject({ typ: "Bearer", azp: "relata-cli", tenant: "acme", preferred_username: "acme-sales-rep" });
    expect(realmRoles(claims)).toEqual(["sales-rep"]);
    expect(typeof claims.sub).toBe("string");
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
  });

  it("has one user per tenant and role, and a second sales rep", async () => {
    const users: Array<[string, string, TenantRole]> = [];
    for (const tenant of TENANTS) {
      for (const role of ROLES) {
        if (role !== "platform-admin") users.push([demoUsername(tenant, role), tenant, role]);
      }
      users.push([demoUsername(tenant, "sales-rep", 2), tenant, "sales-rep"]);
    }
    for (const [username, tenant, role] of users) {
      const claims = tokenClaims(await userToken(username, DEMO_PASSWORD));
      expect({ username, tenant: claims.tenant, roles: realmRoles(claims), email: claims.email }).toEqual({
        username,
        tenant,
        roles: [role],
        email: `${username}@${tenant}.example`,
      });
    }
  });

  it("gives the platform admin its role and no tenant", async () => {
    const claims = tokenClaims(await userToken(PLATFORM_ADMIN));
    expect(realmRoles(claims)).toEqual(["platform-admin"]);
    expect(claims.tenant).toBeUndefined();
    expect(audiences(claims)).toContain(API_AUDIENCE);
  });

  it("gives partner apps their scopes and tenant, and no roles of people", async () => {
    for (const partner of Object.values(PARTNER_CLIENTS)) {
      const token = await clientToken(partner.clientId, partner.secret);
      const claims = tokenClaims(token);
      expect(header(token).alg).toBe("RS256");
      expect(claims.iss).toBe(localStack.keycloakIssuer);
      expect(audiences(claims)).toContain(API_AUDIENCE);
      expect(claims).toMatchObject({ tenant: partner.tenant, client_id: partner.clientId, azp: partner.clientId });
      expect(String(claims.scope).split(" ").sort()).toEqual([...partner.scopes].sort());
      expect(claims.realm_access).toBeUndefined();
      expect(claims.resource_access).toBeUndefined();
    }
  });

  it("refuses a scope a partner does not have, a wrong secret and a wrong password", async () => {
    await expect(clientToken("globex-partner", "globex-partner-secret", { scope: "sales:write" })).rejects.toMatchObject({
      status: 400,
      error: "invalid_scope",
    });
    await expect(clientToken("acme-partner", "not-the-secret")).rejects.toMatchObject({ status: 401, error: "unauthorized_client" });
    const wrong = userToken("acme-sales-rep", "not-the-password");
    await expect(wrong).rejects.toThrow(TokenError);
    await expect(wrong).rejects.toMatchObject({ status: 401, error: "invalid_grant" });
  });

  it("does not let the API client obtain tokens itself", async () => {
    await expect(clientToken("relata-api", "anything")).rejects.toThrow(TokenError);
  });
});
