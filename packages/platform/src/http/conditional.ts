import { HttpProblem } from "./problem";

/**
 * If-Match as the API accepts it: one strong entity tag as served in ETag ("3"; "0" is the
 * default pipeline's, which was never stored) or `*`. Versions are int64 in the services, which
 * read at most 15 digits.
 */
export const IF_MATCH = /^(\*|"(0|[1-9][0-9]{0,14})")$/;
/** Idempotency-Key as documented: 1 to 200 visible ASCII characters (a quoted string is also read). */
export const IDEMPOTENCY_KEY = /^[\x21\x23-\x7E]{1,200}$/;

/** A record's version as a strong entity tag. */
export function etagOf(version: string | number): string {
  return `"${version}"`;
}

/**
 * The version an If-Match names: undefined when it is absent or `*` (any current version), else
 * the strong tag's version (`"7"` → "7", `"0"` → "0"). Weak tags never match (RFC 9110 strong
 * comparison), a list of several tags is refused.
 */
export function versionInIfMatch(ifMatch: string | undefined): string | undefined {
  if (ifMatch === undefined) return undefined;
  const value = ifMatch.trim();
  if (value === "*") return undefined;
  if (/^W\//.test(value)) throw new HttpProblem("precondition-failed", "If-Match needs a strong entity tag; weak tags never match", { field: "If-Match" });
  if (!IF_MATCH.test(value)) {
    throw new HttpProblem("validation-error", 'If-Match must be one entity tag as served in ETag, such as "3", or *', { field: "If-Match" });
  }
  return value.slice(1, -1);
}

/**
 * Reads a record's If-Match into the version the service checks (`expected_version`, where 0
 * skips the check): `"7"` → "7"; `*` (any current version) → "0"; absent → undefined. Records
 * are stored from version 1, so `"0"` matches none: 412 here, before the service would read
 * it as "no check".
 */
export function expectedVersionFrom(ifMatch: string | undefined): string | undefined {
  if (ifMatch === undefined) return undefined;
  const version = versionInIfMatch(ifMatch);
  if (version === undefined) return "0";
  if (version === "0") throw new HttpProblem("precondition-failed", 'no record has version "0": versions start at 1', { field: "If-Match" });
  return version;
}

/** Whether an If-None-Match header matches the current tag (a GET then answers 304). */
export function ifNoneMatchHits(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

/** Reads Idempotency-Key (plain token or a quoted string): "" when absent. */
export function idempotencyKeyFrom(value: string | undefined): string {
  if (value === undefined) return "";
  const key = value.trim().replace(/^"(.*)"$/, "$1");
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new HttpProblem("validation-error", "Idempotency-Key must be 1 to 200 visible ASCII characters", { field: "Idempotency-Key" });
  }
  return key;
}
