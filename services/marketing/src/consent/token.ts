/**
 * The unsubscribe link's value as anyone may read it, unverified: the gateway reads the tenant
 * from it to act on that tenant; Marketing verifies the signature (./links). This module holds
 * no secret and imports no runtime of the service.
 */

/** The API path of the links: `/v1/unsubscribe/<token>`. */
export const UNSUBSCRIBE_PATH = "/v1/unsubscribe";

/** What a link signs: tenant, person, channel, campaign (absent outside one), issued-at in seconds. */
export interface UnsubscribePayload {
  t: string;
  p: string;
  c: string;
  k?: string;
  i: number;
}

/** `<payload>.<signature>`, both base64url. */
export const UNSUBSCRIBE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,1500}\.[A-Za-z0-9_-]{1,100}$/;

/** The payload of a token, unverified; undefined when it is not one. */
export function readUnsubscribePayload(token: string): UnsubscribePayload | undefined {
  const encoded = token.split(".")[0];
  if (!encoded) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as unknown;
    if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return undefined;
    return payload as UnsubscribePayload;
  } catch {
    return undefined;
  }
}

/** The tenant a token names, unverified (the gateway's `tokenless.tenant`). */
export function unsubscribeTenant(token: string): string | undefined {
  const t = readUnsubscribePayload(token)?.t;
  return typeof t === "string" ? t : undefined;
}
