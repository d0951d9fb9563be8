import { annotateActiveSpan, TENANT_ID_PATTERN } from "@relata/platform";
import type { RequestHandler } from "express";
import { InvalidToken, KeysUnavailable, type Caller, type TokenVerifier } from "../auth/verifier";
import { isAllowed, PERMISSIONS, relataRoles, type Operation } from "../auth/permissions";
import { stateOf } from "../http/context";
import { HttpProblem } from "@relata/platform/http";

export const TENANT_HEADER = "X-Relata-Tenant";
const REALM = 'Bearer realm="relata"';

function unauthenticated(detail: string, error?: string): HttpProblem {
  const challenge = error ? `${REALM}, error="${error}", error_description="${detail.replace(/"/g, "'")}"` : REALM;
  return new HttpProblem("unauthenticated", detail, { headers: { "WWW-Authenticate": challenge } });
}

/**
 * Verifies the bearer token and fixes the tenant the request acts on. The tenant comes from
 * the token's `tenant` claim only; a platform admin (no tenant) names one with
 * X-Relata-Tenant, and anyone else naming a different tenant there is refused.
 */
export function authenticate(verifier: TokenVerifier): RequestHandler {
  return async (req, res, next) => {
    const header = req.get("authorization");
    if (!header) throw unauthenticated("a bearer token is required");
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
    if (!match) throw unauthenticated("the Authorization header must be 'Bearer <token>'", "invalid_request");
    let caller: Caller;
    try {
      caller = await verifier.verify(match[1]!);
    } catch (err) {
      if (err instanceof InvalidToken) throw unauthenticated(err.message, "invalid_token");
      if (err instanceof KeysUnavailable) throw new HttpProblem("unavailable", "tokens cannot be verified right now; retry later");
      throw err;
    }
    const state = stateOf(res);
    state.caller = caller;
    const tenantId = resolveTenant(caller, req.get(TENANT_HEADER));
    const roles = relataRoles(caller.roles);
    state.identity = {
      tenantId,
      subject: caller.subject,
      // Services see the caller's Relata roles; a partner client's scopes travel as "scope:<name>".
      roles: caller.kind === "client" ? [...roles, ...caller.scopes.filter((s) => s.includes(":")).map((s) => `scope:${s}`)] : roles,
      requestId: state.requestId,
    };
    annotateActiveSpan({ tenant: tenantId, requestId: state.requestId });
    next();
  };
}

export function resolveTenant(caller: Caller, requested: string | undefined): string {
  if (requested !== undefined && !TENANT_ID_PATTERN.test(requested)) {
    throw new HttpProblem("validation-error", `${TENANT_HEADER} is not a valid tenant id`, { field: TENANT_HEADER });
  }
  if (caller.roles.includes("platform-admin")) {
    const tenant = requested ?? caller.tenant;
    if (!tenant) throw new HttpProblem("validation-error", `a platform admin names the tenant to act on with ${TENANT_HEADER}`, { field: TENANT_HEADER });
    return tenant;
  }
  if (!caller.tenant) throw new HttpProblem("forbidden", "the token carries no tenant");
  if (requested !== undefined && requested !== caller.tenant) {
    throw new HttpProblem("forbidden", `${TENANT_HEADER} names a tenant other than the caller's`, { field: TENANT_HEADER });
  }
  return caller.tenant;
}

/** Checks the operation against the one permission table. */
export function authorize(operation: Operation): RequestHandler {
  // A route naming an operation the table lacks is a mistake of its backend: refuse it at start-up.
  if (!PERMISSIONS[operation]) throw new Error(`route operation ${operation} has no row in the permission table`);
  return (_req, res, next) => {
    const { caller } = stateOf(res);
    if (!caller) throw new Error("authorize() used before authenticate()");
    if (!isAllowed(caller, operation)) {
      const rule = PERMISSIONS[operation];
      const headers: Record<string, string> =
        caller.kind === "client" && rule.scopes.length > 0
          ? { "WWW-Authenticate": `${REALM}, error="insufficient_scope", scope="${rule.scopes.join(" ")}"` }
          : {};
      throw new HttpProblem("forbidden", `the caller may not ${rule.description}`, { headers });
    }
    next();
  };
}
