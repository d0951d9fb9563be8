import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { clearTokenCache, clientToken, tokenClaims, TokenError, userToken } from "../../src/tokens";

// A stand-in for Keycloak's token endpoint: records the grants it receives and answers with
// what the test asks for.
let server: Server;
let issuer: string;
let grants: URLSearchParams[] = [];
let answer: (form: URLSearchParams) => { status: number; body: unknown } = () => ({ status: 500, body: {} });

function jwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}.signature`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of req) body += chunk;
  return body;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const form = new URLSearchParams(await readBody(req));
    if (req.url !== "/realms/test/protocol/openid-connect/token" || req.method !== "POST") {
      res.writeHead(404).end();
      return;
    }
    grants.push(form);
    const { status, body } = answer(form);
    res.writeHead(status, { "content-type": "application/json" }).end(typeof body === "string" ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/test`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  grants = [];
  clearTokenCache();
  let n = 0;
  answer = (form) => ({
    status: 200,
    body: { access_token: jwt({ n: ++n, who: form.get("username") ?? form.get("client_id") }), expires_in: 3600, token_type: "Bearer" },
  });
});

describe("userToken", () => {
  it("uses the password grant of relata-cli and asks once per user", async () => {
    const [a, b] = await Promise.all([userToken("acme-sales-rep", undefined, { issuer }), userToken("acme-sales-rep", undefined, { issuer })]);
    const c = await userToken("acme-sales-rep", undefined, { issuer });
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(grants).toHaveLength(1);
    expect(Object.fromEntries(grants[0]!)).toEqual({
      grant_type: "password",
      client_id: "relata-cli",
      username: "acme-sales-rep",
      password: "relata-demo",
    });
    await userToken("globex-analyst", "other", { issuer });
    expect(grants).toHaveLength(2);
    expect(tokenClaims(await userToken("globex-analyst", "other", { issuer }))).toMatchObject({ who: "globex-analyst" });
  });

  it("asks again when told to, or when the token nears its expiry", async () => {
    const first = await userToken("acme-analyst", undefined, { issuer });
    expect(await userToken("acme-analyst", undefined, { issuer, fresh: true })).not.toBe(first);
    // 0.2 s of lifetime: handed out for half of it.
    answer = () => ({ status: 200, body: { access_token: jwt({ short: true, at: Date.now() }), expires_in: 0.2 } });
    const short = await userToken("acme-marketer", undefined, { issuer });
    expect(await userToken("acme-marketer", undefined, { issuer })).toBe(short);
    await new Promise((r) => setTimeout(r, 150));
    expect(await userToken("acme-marketer", undefined, { issuer })).not.toBe(short);
  });

  it("explains a refusal and does not cache it", async () => {
    answer = () => ({ status: 401, body: { error: "invalid_grant", error_description: "Invalid user credentials" } });
    const refused = userToken("acme-sales-rep", "wrong", { issuer });
    await expect(refused).rejects.toThrow(TokenError);
    await expect(refused).rejects.toMatchObject({ status: 401, error: "invalid_grant" });
    await expect(refused).rejects.toThrow(
      /Keycloak answered 401 to the password grant of acme-sales-rep \(client relata-cli\) at .*\/token: invalid_grant: Invalid user credentials/,
    );
    answer = () => ({ status: 200, body: { access_token: jwt({ ok: true }), expires_in: 60 } });
    await expect(userToken("acme-sales-rep", "wrong", { issuer })).resolves.toContain(".");
  });

  it("reports a body that is not JSON and an answer without a token", async () => {
    answer = () => ({ status: 502, body: "<html>Bad Gateway</html>" });
    await expect(userToken("x", "y", { issuer })).rejects.toThrow(/answered 502 .*<html>Bad Gateway<\/html>/);
    answer = () => ({ status: 200, body: { token_type: "Bearer" } });
    await expect(userToken("x", "y", { issuer })).rejects.toThrow(/without an access_token/);
  });

  it("says when Keycloak cannot be reached", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(userToken("acme-sales-rep", undefined, { issuer: `http://127.0.0.1:${port}/realms/relata` })).rejects.toThrow(
      /cannot reach Keycloak at http:\/\/127\.0\.0\.1:\d+\/realms\/relata\/protocol\/openid-connect\/token .*ECONNREFUSED/,
    );
  });
});

describe("clientToken", () => {
  it("uses the client credentials grant, with a scope when asked", async () => {
    await clientToken("acme-partner", "acme-partner-secret", { issuer });
    await clientToken("acme-partner", "acme-partner-secret", { issuer });
    await clientToken("acme-partner", "acme-partner-secret", { issuer, scope: "sales:read" });
    expect(grants.map((g) => Object.fromEntries(g))).toEqual([
      { grant_type: "client_credentials", client_id: "acme-partner", client_secret: "acme-partner-secret" },
      { grant_type: "client_credentials", client_id: "acme-partner", client_secret: "acme-partner-secret", scope: "sales:read" },
    ]);
  });

  it("explains a refusal", async () => {
    answer = () => ({ status: 400, body: { error: "invalid_scope", error_description: "Invalid scopes: sales:write" } });
    await expect(clientToken("globex-partner", "s", { issuer, scope: "sales:write" })).rejects.toThrow(
      /answered 400 to the client credentials grant of globex-partner .*invalid_scope: Invalid scopes: sales:write/,
    );
  });
});

describe("tokenClaims", () => {
  it("decodes the payload and refuses what is not a JWT", () => {
    expect(tokenClaims(jwt({ tenant: "acme" }))).toEqual({ tenant: "acme" });
    expect(() => tokenClaims("abc")).toThrow("not a JWT");
    expect(() => tokenClaims("a.bm90IGpzb24.c")).toThrow("cannot decode");
  });
});
