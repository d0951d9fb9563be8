import { CLI_CLIENT_ID, DEMO_PASSWORD, localStack } from "./stack";

/**
 * Access tokens from the realm's token endpoint (the real Keycloak of the local stack). Tokens
 * are cached per identity until a minute before they expire, so a test suite asks Keycloak once
 * per user; concurrent requests for the same identity share one call.
 */

export interface TokenOptions {
  /** The realm issuer to ask (default: localStack.keycloakIssuer). */
  issuer?: string;
  /** Skip the cache and ask Keycloak for a new token. */
  fresh?: boolean;
}

export interface UserTokenOptions extends TokenOptions {
  /** The public client of the password grant (default relata-cli). */
  clientId?: string;
}

export interface ClientTokenOptions extends TokenOptions {
  /** Space-separated scopes to request (default: the client's default scopes). */
  scope?: string;
}

/** Keycloak refused to issue a token (or could not be reached). */
export class TokenError extends Error {
  constructor(
    message: string,
    /** The HTTP status Keycloak answered, undefined when it could not be reached. */
    readonly status?: number,
    /** Keycloak's OAuth error code (`invalid_grant`, `unauthorized_client`, ...). */
    readonly error?: string,
  ) {
    super(message);
    this.name = "TokenError";
  }
}

interface CachedToken {
  token: Promise<string>;
  /** Epoch ms after which the token is not handed out any more. */
  usableUntil: number;
}

const cache = new Map<string, CachedToken>();
/** Tokens are renewed this long before they expire (or at half their lifetime if shorter). */
const EXPIRY_MARGIN_MS = 60_000;

/** Forgets every cached token. */
export function clearTokenCache(): void {
  cache.clear();
}

/** A person's access token: password grant on the public client relata-cli. */
export function userToken(username: string, password: string = DEMO_PASSWORD, options: UserTokenOptions = {}): Promise<string> {
  const clientId = options.clientId ?? CLI_CLIENT_ID;
  const form = { grant_type: "password", client_id: clientId, username, password };
  return cached(`user\n${clientId}\n${username}\n${password}`, options, form, `the password grant of ${username} (client ${clientId})`);
}

/** A partner application's access token: client credentials grant. */
export function clientToken(clientId: string, secret: string, options: ClientTokenOptions = {}): Promise<string> {
  const form: Record<string, string> = { grant_type: "client_credentials", client_id: clientId, client_secret: secret };
  if (options.scope !== undefined) form.scope = options.scope;
  return cached(`client\n${clientId}\n${secret}\n${options.scope ?? ""}`, options, form, `the client credentials grant of ${clientId}`);
}

function cached(key: string, options: TokenOptions, form: Record<string, string>, what: string): Promise<string> {
  const issuer = (options.issuer ?? localStack.keycloakIssuer).replace(/\/+$/, "");
  const cacheKey = `${issuer}\n${key}`;
  const hit = cache.get(cacheKey);
  if (!options.fresh && hit && Date.now() < hit.usableUntil) return hit.token;

  const entry: CachedToken = { token: Promise.resolve(""), usableUntil: Number.POSITIVE_INFINITY };
  entry.token = requestToken(issuer, form, what).then(
    ({ accessToken, expiresInSec }) => {
      const lifetimeMs = expiresInSec * 1000;
      entry.usableUntil = Date.now() + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 2);
      return accessToken;
    },
    (err: unknown) => {
      if (cache.get(cacheKey) === entry) cache.delete(cacheKey);
      throw err;
    },
  );
  cache.set(cacheKey, entry);
  return entry.token;
}

async function requestToken(issuer: string, form: Record<string, string>, what: string) {
  const url = `${issuer}/protocol/openid-connect/token`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams(form),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
    throw new TokenError(`cannot reach Keycloak at ${url} for ${what}: ${reason} (is it running? deploy/stack.sh up keycloak)`);
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: reported below with the raw text
  }
  if (res.status !== 200) {
    const error = typeof body.error === "string" ? body.error : undefined;
    const description = typeof body.error_description === "string" ? body.error_description : undefined;
    const detail = error ? `${error}${description ? `: ${description}` : ""}` : text.slice(0, 300) || "(empty body)";
    throw new TokenError(`Keycloak answered ${res.status} to ${what} at ${url}: ${detail}`, res.status, error);
  }
  if (typeof body.access_token !== "string") {
    throw new TokenError(`Keycloak answered ${what} without an access_token: ${text.slice(0, 300)}`, res.status);
  }
  const expiresInSec = typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 60;
  return { accessToken: body.access_token, expiresInSec };
}

/** The claims of a JWT, decoded without verifying its signature (for assertions in tests). */
export function tokenClaims(token: string): Record<string, unknown> {
  const parts = token.split(".");
  if (parts.length !== 3) throw new Error("not a JWT: expected three dot-separated parts");
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
    if (claims === null || typeof claims !== "object" || Array.isArray(claims)) throw new Error("payload is not an object");
    return claims as Record<string, unknown>;
  } catch (err) {
    throw new Error(`not a JWT: cannot decode its payload (${err instanceof Error ? err.message : String(err)})`);
  }
}
