import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type * as Jose from "jose" with { "resolution-mode": "import" };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jose = require("jose") as typeof Jose;

/**
 * A local stand-in for the realm's key endpoint, with RS256 keys generated per test run, so
 * verification, rotation and every rejection path can be tested without Keycloak.
 */
export interface LocalIssuer {
  issuer: string;
  jwksUrl: string;
  audience: string;
  /** A signed access token; `claims` override the Keycloak-like defaults. */
  token(claims?: Record<string, unknown>, options?: { kid?: string; expiresIn?: string | number; key?: Parameters<Jose.SignJWT["sign"]>[0] }): Promise<string>;
  /** A user token for `<tenant>-<role>` style callers. */
  userToken(roles: string[], tenant?: string, extra?: Record<string, unknown>): Promise<string>;
  /** A partner client-credentials token. */
  clientToken(clientId: string, scopes: string[], tenant: string): Promise<string>;
  /** Publishes a new signing key (and by default drops the old one), as a realm rotation does. */
  rotate(keepOld?: boolean): Promise<void>;
  /** How many times the JWKS was fetched. */
  fetches: number;
  stop(): Promise<void>;
}

interface Key {
  kid: string;
  privateKey: Jose.CryptoKey;
  jwk: Jose.JWK;
}

async function newKey(n: number): Promise<Key> {
  const { privateKey, publicKey } = await jose.generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: `test-key-${n}`, alg: "RS256", use: "sig" };
  return { kid: jwk.kid, privateKey, jwk };
}

export async function startLocalIssuer(audience = "relata-api"): Promise<LocalIssuer> {
  let keys: Key[] = [await newKey(1)];
  let generation = 1;
  const state = { fetches: 0 };
  const server: Server = createServer((req, res) => {
    if (req.url === "/realms/relata/protocol/openid-connect/certs") {
      state.fetches++;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/realms/relata`;

  const issuerApi: LocalIssuer = {
    issuer,
    jwksUrl: `${issuer}/protocol/openid-connect/certs`,
    audience,
    get fetches() {
      return state.fetches;
    },
    async token(claims = {}, options = {}) {
      const key = keys[keys.length - 1]!;
      return new jose.SignJWT({ typ: "Bearer", azp: "relata-cli", ...claims })
        .setProtectedHeader({ alg: "RS256", kid: options.kid ?? key.kid, typ: "JWT" })
        .setIssuer((claims.iss as string) ?? issuer)
        .setAudience((claims.aud as string | string[]) ?? [audience, "account"])
        .setSubject((claims.sub as string) ?? "8f0c6a52-0000-4000-8000-000000000001")
        .setIssuedAt((claims.iat as number) ?? Math.floor(Date.now() / 1000))
        .setExpirationTime(options.expiresIn ?? "5m")
        .sign(options.key ?? key.privateKey);
    },
    userToken(roles, tenant, extra = {}) {
      return issuerApi.token({
        sub: `user-${roles.join("+")}-${tenant ?? "none"}`,
        preferred_username: `${tenant ?? "x"}-${roles[0] ?? "nobody"}`,
        realm_access: { roles: [...roles, "offline_access", "default-roles-relata"] },
        ...(tenant ? { tenant } : {}),
        scope: "openid profile email",
        ...extra,
      });
    },
    clientToken(clientId, scopes, tenant) {
      return issuerApi.token({
        sub: `service-account-user-${clientId}`,
        azp: clientId,
        client_id: clientId,
        preferred_username: `service-account-${clientId}`,
        realm_access: { roles: ["offline_access", "default-roles-relata"] },
        tenant,
        scope: ["profile", "email", ...scopes].join(" "),
      });
    },
    async rotate(keepOld = false) {
      const next = await newKey(++generation);
      keys = keepOld ? [...keys, next] : [next];
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return issuerApi;
}
