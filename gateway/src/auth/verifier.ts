import { TENANT_ID_PATTERN } from "@relata/platform";
import type { Caller } from "@relata/platform/http";
import type * as Jose from "jose" with { "resolution-mode": "import" };

// jose 6 is published as ES modules only; Node 24 loads it with require() (require(esm)),
// which TypeScript's node16 module mode does not model yet, hence the typed require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createRemoteJWKSet, errors: joseErrors, jwtVerify } = require("jose") as typeof Jose;
type JWTPayload = Jose.JWTPayload;

/** Who is calling: the kit declares it, since route handlers read it. */
export type { Caller };

/**
 * Token verification with `jose` against the realm's JWKS (see docs/auth.md for why not
 * keycloak-connect): RS256 only, exact issuer, audience, expiry with a small clock tolerance,
 * and keys refetched when a token names a key id the cached set does not have (rotation).
 */
export interface VerifierOptions {
  issuer: string;
  audience: string;
  jwksUrl: string;
  /** Seconds of clock skew tolerated on exp/nbf/iat. */
  clockToleranceSec?: number;
  /** Minimum time between two JWKS refetches triggered by unknown key ids. */
  cooldownMs?: number;
  /** How long a fetched JWKS is trusted before it is refetched anyway. */
  cacheMaxAgeMs?: number;
  timeoutMs?: number;
}

/** The token was not accepted: a 401 with `WWW-Authenticate: Bearer error="invalid_token"`. */
export class InvalidToken extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidToken";
  }
}

/** The keys could not be fetched: not the caller's fault (503). */
export class KeysUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeysUnavailable";
  }
}

export interface TokenVerifier {
  verify(token: string): Promise<Caller>;
  /** Whether the JWKS endpoint answers with a key set now (for readiness). */
  keysReachable(timeoutMs?: number): Promise<boolean>;
}

const ALGORITHMS = ["RS256"];

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
    timeoutDuration: options.timeoutMs ?? 3_000,
  });

  async function verify(token: string): Promise<Caller> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ALGORITHMS,
        clockTolerance: options.clockToleranceSec ?? 5,
        requiredClaims: ["exp", "iat", "sub"],
      }));
    } catch (err) {
      throw translate(err);
    }
    // Keycloak marks access tokens typ "Bearer"; ID and refresh tokens must not pass as one.
    if (payload.typ !== undefined && payload.typ !== "Bearer") throw new InvalidToken("not an access token");
    return callerFrom(payload, options.audience);
  }

  async function keysReachable(timeoutMs = 2_000): Promise<boolean> {
    try {
      const res = await fetch(options.jwksUrl, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) return false;
      const body = (await res.json()) as { keys?: unknown[] };
      return Array.isArray(body.keys) && body.keys.length > 0;
    } catch {
      return false;
    }
  }

  return { verify, keysReachable };
}

function translate(err: unknown): Error {
  if (err instanceof joseErrors.JWTExpired) return new InvalidToken("token expired");
  if (err instanceof joseErrors.JWTClaimValidationFailed) return new InvalidToken(`token claim "${err.claim}" not accepted`);
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return new InvalidToken("token signing algorithm not accepted");
  if (err instanceof joseErrors.JWKSNoMatchingKey) return new InvalidToken("token signed by an unknown key");
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return new InvalidToken("token signature invalid");
  if (err instanceof joseErrors.JWKSTimeout) return new KeysUnavailable("identity provider keys timed out");
  if (err instanceof joseErrors.JWKSInvalid) return new KeysUnavailable("identity provider returned an invalid key set");
  if (err instanceof joseErrors.JOSEError) return new InvalidToken("token not accepted");
  // fetch failures (connection refused, DNS) surface as plain errors
  return new KeysUnavailable("identity provider keys could not be fetched");
}


function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** Reads the caller out of a verified Keycloak access token. */
export function callerFrom(payload: JWTPayload, audience: string): Caller {
  const realmRoles = strings((payload.realm_access as { roles?: unknown } | undefined)?.roles);
  const resourceAccess = (payload.resource_access ?? {}) as Record<string, { roles?: unknown } | undefined>;
  const clientRoles = strings(resourceAccess[audience]?.roles);
  const roles = [...new Set([...realmRoles, ...clientRoles])];
  const scopes = typeof payload.scope === "string" ? payload.scope.split(" ").filter(Boolean) : [];
  const username = typeof payload.preferred_username === "string" ? payload.preferred_username : undefined;
  const clientIdClaim = typeof payload.client_id === "string" ? payload.client_id : undefined;
  const azp = typeof payload.azp === "string" ? payload.azp : undefined;
  // Keycloak service-account (client credentials) tokens carry `client_id` and a
  // `service-account-<client>` username; tokens of people carry neither.
  const isClient = clientIdClaim !== undefined || (username?.startsWith("service-account-") ?? false);
  let tenant: string | undefined;
  if (payload.tenant !== undefined) {
    if (typeof payload.tenant !== "string" || !TENANT_ID_PATTERN.test(payload.tenant)) throw new InvalidToken("token tenant claim is malformed");
    tenant = payload.tenant;
  }
  const clientId = isClient ? (clientIdClaim ?? azp ?? username?.replace(/^service-account-/, "")) : undefined;
  return {
    kind: isClient ? "client" : "user",
    subject: isClient ? clientId! : payload.sub!,
    username,
    clientId,
    tenant,
    roles,
    scopes,
  };
}
