import type { DependentCount } from "../errors";

/**
 * RFC 9457 problem details. Every error the gateway answers is one of these kinds; the `type`
 * URIs are stable and documented in docs/api.md. A route's handler throws HttpProblem; the
 * gateway maps gRPC errors to these kinds (its error handler).
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
