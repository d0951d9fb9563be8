import { dependentsOf, fieldOf, GrpcStatus, isGrpcError } from "@relata/platform";
import { HttpProblem, PROBLEM_KINDS, type ProblemKind } from "@relata/platform/http";

/**
 * The gateway's side of problem details: a gRPC error from a backend becomes the problem the
 * client sees. The kinds themselves, and HttpProblem, are the kit's (`@relata/platform/http`).
 */

/**
 * Names a field the way the REST API spells it: services report proto names ("last_name",
 * "amount.currency", "related_to.type"); the API uses camelCase, and a few proto fields are
 * carried by headers or query parameters instead of the body.
 */
const FIELD_RENAMES: Record<string, string> = {
  expected_version: "If-Match",
  expectedVersion: "If-Match",
  version: "If-Match",
  idempotency_key: "Idempotency-Key",
  idempotencyKey: "Idempotency-Key",
  page_size: "limit",
  pageSize: "limit",
  "page.page_size": "limit",
  "page.pageSize": "limit",
  "page.cursor": "cursor",
  "page.sort": "sort",
};

export function apiFieldName(field: string | undefined): string | undefined {
  if (!field) return undefined;
  const renamed = FIELD_RENAMES[field];
  if (renamed) return renamed;
  return field
    .split(".")
    .map((part) => part.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()))
    .join(".");
}

const GRPC_TO_KIND: Partial<Record<GrpcStatus, ProblemKind>> = {
  [GrpcStatus.INVALID_ARGUMENT]: "validation-error",
  [GrpcStatus.OUT_OF_RANGE]: "validation-error",
  [GrpcStatus.NOT_FOUND]: "not-found",
  [GrpcStatus.FAILED_PRECONDITION]: "precondition-failed",
  [GrpcStatus.ABORTED]: "conflict",
  [GrpcStatus.ALREADY_EXISTS]: "conflict",
  [GrpcStatus.UNAUTHENTICATED]: "unauthenticated",
  [GrpcStatus.PERMISSION_DENIED]: "forbidden",
  [GrpcStatus.DEADLINE_EXCEEDED]: "timeout",
  [GrpcStatus.UNAVAILABLE]: "unavailable",
};

/** Statuses whose details come from our own services' domain errors and are safe to show. */
const DETAIL_IS_PUBLIC = new Set<GrpcStatus>([
  GrpcStatus.INVALID_ARGUMENT,
  GrpcStatus.OUT_OF_RANGE,
  GrpcStatus.NOT_FOUND,
  GrpcStatus.FAILED_PRECONDITION,
  GrpcStatus.ABORTED,
  GrpcStatus.ALREADY_EXISTS,
  GrpcStatus.PERMISSION_DENIED,
]);

/**
 * Maps a gRPC error from a service to a problem; anything unexpected becomes a 500 with no
 * internals. UNAVAILABLE (a service that is down or cannot reach its database, or a channel
 * that cannot connect at all) is a 503 with Retry-After.
 */
export function problemFromGrpc(err: unknown): HttpProblem | undefined {
  if (!isGrpcError(err)) return undefined;
  const kind = GRPC_TO_KIND[err.code as GrpcStatus] ?? "internal";
  let detail: string;
  if (DETAIL_IS_PUBLIC.has(err.code as GrpcStatus)) detail = err.details || PROBLEM_KINDS[kind].title;
  else if (kind === "timeout") detail = "the request did not complete within its deadline";
  else if (kind === "unavailable") detail = "a backing service is unavailable; retry later";
  else if (kind === "unauthenticated") detail = "the service did not accept the caller's identity";
  else detail = "an internal error occurred";
  const field = DETAIL_IS_PUBLIC.has(err.code as GrpcStatus) ? apiFieldName(fieldOf(err)) : undefined;
  const dependents = kind === "conflict" ? dependentsOf(err) : undefined;
  return new HttpProblem(kind, detail, { field, dependents });
}
