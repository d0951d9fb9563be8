import { createHmac, generateKeyPairSync } from "node:crypto";
import { createTokenVerifier, InvalidToken, KeysUnavailable, type TokenVerifier } from "../../src/auth/verifier";
import { resolveTenant } from "../../src/middleware/auth";
import { HttpProblem } from "@relata/platform/http";
import { startLocalIssuer, type LocalIssuer } from "../support/tokens";

let issuer: LocalIssuer;
let verifier: TokenVerifier;

beforeAll(async () => {
  issuer = await startLocalIssuer();
  verifier = createTokenVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUrl: issuer.jwksUrl, cooldownMs: 0 });
});
afterAll(() => issuer.stop());

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function rejection(token: string): Promise<string> {
  try {
    await verifier.verify(token);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidToken);
    return (err as Error).message;
  }
  throw new Error("token was accepted");
}

describe("token verification (jose, RS256, realm JWKS)", () => {
  test("a user token gives the caller: subject, tenant, realm roles and the API's client roles", async () => {
    const token = await issuer.userToken(["sales-rep"], "acme", { resource_access: { "relata-api": { roles: ["sales-manager"] }, account: { roles: ["manage-account"] } } });
    const caller = await verifier.verify(token);
    expect(caller).toMatchObject({ kind: "user", subject: "user-sales-rep-acme", tenant: "acme", username: "acme-sales-rep" });
    expect(caller.roles).toEqual(expect.arrayContaining(["sales-rep", "sales-manager"]));
    expect(caller.roles).not.toContain("manage-account");
  });

  test("a client-credentials token is a partner client with its scopes", async () => {
    const caller = await verifier.verify(await issuer.clientToken("acme-partner", ["sales:read", "sales:write"], "acme"));
    expect(caller).toMatchObject({ kind: "client", subject: "acme-partner", clientId: "acme-partner", tenant: "acme" });
    expect(caller.scopes).toEqual(expect.arrayContaining(["sales:read", "sales:write"]));
  });

  test("wrong issuer is refused", async () => {
    expect(await rejection(await issuer.token({ iss: "http://127.0.0.1:1/realms/other" }))).toMatch(/iss/);
  });

  test("an issuer that differs only by host spelling is refused (localhost vs 127.0.0.1)", async () => {
    expect(await rejection(await issuer.token({ iss: issuer.issuer.replace("127.0.0.1", "localhost") }))).toMatch(/iss/);
  });

  test("wrong audience is refused", async () => {
    expect(await rejection(await issuer.token({ aud: ["account", "other-api"] }))).toMatch(/aud/);
  });

  test("an expired token is refused (beyond the small clock tolerance)", async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    expect(await rejection(await issuer.token({ iat: past }, { expiresIn: past + 60 }))).toBe("token expired");
  });

  test("a token expired by less than the clock tolerance still passes", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(verifier.verify(await issuer.token({ iat: now - 60 }, { expiresIn: now - 2 }))).resolves.toBeDefined();
  });

  test("HS256 is refused, even when signed with something the attacker knows", async () => {
    const header = b64({ alg: "HS256", typ: "JWT", kid: "test-key-1" });
    const now = Math.floor(Date.now() / 1000);
    const payload = b64({ iss: issuer.issuer, aud: "relata-api", sub: "x", iat: now, exp: now + 300, tenant: "acme", realm_access: { roles: ["tenant-admin"] } });
    const signature = createHmac("sha256", "secret").update(`${header}.${payload}`).digest("base64url");
    expect(await rejection(`${header}.${payload}.${signature}`)).toMatch(/algorithm/);
  });

  test("alg none is refused", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = `${b64({ alg: "none", typ: "JWT" })}.${b64({ iss: issuer.issuer, aud: "relata-api", sub: "x", iat: now, exp: now + 300 })}.`;
    await rejection(token);
  });

  test("a token signed by a key the realm does not publish is refused", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    expect(await rejection(await issuer.token({}, { kid: "test-key-1", key: privateKey }))).toMatch(/signature/);
  });

  test("a tampered payload is refused", async () => {
    const [h, , s] = (await issuer.userToken(["sales-rep"], "acme")).split(".");
    const now = Math.floor(Date.now() / 1000);
    const forged = b64({ iss: issuer.issuer, aud: "relata-api", sub: "x", iat: now, exp: now + 300, tenant: "globex", realm_access: { roles: ["tenant-admin"] } });
    expect(await rejection(`${h}.${forged}.${s}`)).toMatch(/signature/);
  });

  test("an ID token (typ ID) does not pass as an access token", async () => {
    expect(await rejection(await issuer.token({ typ: "ID" }))).toMatch(/access token/);
  });

  test("a malformed tenant claim is refused", async () => {
    expect(await rejection(await issuer.token({ tenant: "../globex" }))).toMatch(/tenant/);
  });

  test("key rotation: a token signed with a newly published key is verified after a refetch of the JWKS", async () => {
    await verifier.verify(await issuer.userToken(["sales-rep"], "acme"));
    const before = issuer.fetches;
    await issuer.rotate();
    const caller = await verifier.verify(await issuer.userToken(["sales-rep"], "acme"));
    expect(caller.tenant).toBe("acme");
    expect(issuer.fetches).toBe(before + 1);
  });

  test("key rotation: tokens of a retired key are refused once the realm drops it", async () => {
    const old = await issuer.userToken(["sales-rep"], "acme");
    await issuer.rotate();
    await verifier.verify(await issuer.userToken(["sales-rep"], "acme")); // refetch: old key gone
    expect(await rejection(old)).toMatch(/unknown key/);
  });

  test("an unreachable JWKS is the gateway's problem (503), not the caller's (401)", async () => {
    const offline = createTokenVerifier({ issuer: issuer.issuer, audience: "relata-api", jwksUrl: "http://127.0.0.1:9/certs", timeoutMs: 500 });
    await expect(offline.verify(await issuer.userToken(["sales-rep"], "acme"))).rejects.toBeInstanceOf(KeysUnavailable);
    await expect(offline.keysReachable(500)).resolves.toBe(false);
    await expect(verifier.keysReachable()).resolves.toBe(true);
  });
});

describe("tenant resolution", () => {
  const user = (roles: string[], tenant?: string) => ({ kind: "user" as const, subject: "u", roles, scopes: [], tenant });
  const fails = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err as HttpProblem;
    }
    throw new Error("did not fail");
  };

  test("the tenant comes from the token", () => {
    expect(resolveTenant(user(["sales-rep"], "acme"), undefined)).toBe("acme");
    expect(resolveTenant(user(["sales-rep"], "acme"), "acme")).toBe("acme");
  });
  test("naming another tenant is forbidden for everyone but platform admins", () => {
    const err = fails(() => resolveTenant(user(["tenant-admin"], "acme"), "globex"));
    expect(err.status).toBe(403);
    expect(err.field).toBe("X-Relata-Tenant");
  });
  test("a platform admin acts on the tenant named in X-Relata-Tenant, and must name one", () => {
    expect(resolveTenant(user(["platform-admin"]), "globex")).toBe("globex");
    expect(fails(() => resolveTenant(user(["platform-admin"]), undefined)).status).toBe(400);
  });
  test("a token without tenant is forbidden; a malformed header is a 400", () => {
    expect(fails(() => resolveTenant(user(["sales-rep"]), undefined)).status).toBe(403);
    expect(fails(() => resolveTenant(user(["sales-rep"], "acme"), "ACME!")).status).toBe(400);
  });
});
