import { dependentsOf, isGrpcError, fieldOf, GrpcStatus, type DependentCount } from "@relata/platform";

/**
 * RFC 9457 problem details. Every error the gateway answers is one of these kinds; the `type`
 * URIs are stable and documented in docs/api.md.
 */
export const PROBLEM_BASE = "https://relata.dev/problems/";

export const PROBLEM_KINDS = {
  "validation-error": { status: 400, title: "Request is not valid" },
  unauthenticated: { status: 401, title: "Authentication required" },
  forbidden: { status: 403, title: "Not allowed" },
  "not-found": { status: 404, title: "Not found" },
  "method-not-allowed": { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "Conflict with the current state" },
  "precondition-failed": { status: 412, title: "Record has changed" },
  "payload-too-large": { status: 413, title: "Request body too large" },
  "unsupported-media-type": { status: 415, title: "Unsupported media type" },
  "precondition-required": { status: 428, title: "If-Match required" },
  "rate-limited": { status: 429, title: "Too many requests" },
  internal: { status: 500, title: "Internal error" },
  unavailable: { status: 503, title: "Service unavailable" },
  timeout: { status: 504, title: "Deadline exceeded" },
} as const;

export type ProblemKind = keyof typeof PROBLEM_KINDS;

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  field?: string;
  /** Every input that failed, when validation found more than one problem. */
  errors?: FieldError[];
  /** A delete refused because other records depend on the record: which, and how many. */
  dependents?: DependentCount[];
  requestId: string;
}

export interface FieldError {
  field: string;
  detail: string;
}

/**
 * Seconds a client is asked to wait before retrying when a dependency is down (503): long enough
 * for a restarting database or service to come back, short enough that nobody gives up.
 */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 3;

/** An error that the error middleware turns into problem details. */
export class HttpProblem extends Error {
  readonly status: number;
  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly options: { field?: string; errors?: FieldError[]; dependents?: DependentCount[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = "HttpProblem";
    this.status = PROBLEM_KINDS[kind].status;
    // Every 503 tells clients when to retry: an outage is temporary, and nothing was done.
    if (kind === "unavailable" && !options.headers?.["Retry-After"]) {
      this.options = { ...options, headers: { ...options.headers, "Retry-After": String(UNAVAILABLE_RETRY_AFTER_SECONDS) } };
    }
  }
  get field(): string | undefined {
    return this.options.field;
  }
}

export function problemBody(
  kind: ProblemKind,
  detail: string,
  ctx: { instance: string; requestId: string; field?: string; errors?: FieldError[]; dependents?: DependentCount[] },
): ProblemBody {
  const { status, title } = PROBLEM_KINDS[kind];
  const body: ProblemBody = { type: PROBLEM_BASE + kind, title, status, detail, instance: ctx.instance, requestId: ctx.requestId };
  if (ctx.field) body.field = ctx.field;
  if (ctx.errors && ctx.errors.length > 1) body.errors = ctx.errors;
  if (ctx.dependents?.length) body.dependents = ctx.dependents;
  return body;
}

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
