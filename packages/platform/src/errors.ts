import { Metadata, status as GrpcStatus } from "@grpc/grpc-js";

/**
 * Errors a domain rule or handler raises. Each maps to one gRPC status, and the gateway maps
 * that to one HTTP status and RFC 9457 problem type; `field` names the input that failed.
 */
export class AppError extends Error {
  constructor(
    readonly code: GrpcStatus,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidArgument extends AppError {
  constructor(field: string, message: string) {
    super(GrpcStatus.INVALID_ARGUMENT, message, field);
  }
}

export class NotFound extends AppError {
  constructor(what: string, id: string, detail = `${what} ${id} not found`) {
    super(GrpcStatus.NOT_FOUND, detail);
  }
}

/** The record changed since the caller read it (a stale version / ETag). */
export class VersionConflict extends AppError {
  constructor(what: string, id: string) {
    super(GrpcStatus.FAILED_PRECONDITION, `${what} ${id} has changed since version read`, "version");
  }
}

/** The request is valid but the record's state does not allow it (e.g. qualifying a converted lead). */
export class StateConflict extends AppError {
  constructor(message: string, field?: string) {
    super(GrpcStatus.ABORTED, message, field);
  }
}

/** Records that depend on another, by kind: `{ what: "contact", count: 2 }`. */
export interface DependentCount {
  what: string;
  count: number;
}

/** A delete refused because live records still depend on the record (409, naming them). */
export class HasDependents extends StateConflict {
  constructor(
    what: string,
    id: string,
    readonly dependents: DependentCount[],
  ) {
    const named = dependents.map((d) => `${d.what} (${d.count})`).join(", ");
    super(`${what} ${id} cannot be deleted while other records depend on it: ${named}; delete or move them first`, "id");
  }
}

export class AlreadyExists extends AppError {
  constructor(message: string, field?: string) {
    super(GrpcStatus.ALREADY_EXISTS, message, field);
  }
}

/** The caller's roles do not let it read or do this (403 at the gateway, naming the field that asked for it). */
export class PermissionDenied extends AppError {
  constructor(message: string, field?: string) {
    super(GrpcStatus.PERMISSION_DENIED, message, field);
  }
}

export class Unauthenticated extends AppError {
  constructor(message: string) {
    super(GrpcStatus.UNAUTHENTICATED, message);
  }
}

/**
 * A dependency (the database, the message bus) cannot be reached right now. Clients should
 * retry: the gateway answers 503 with Retry-After.
 */
export class DependencyUnavailable extends AppError {
  constructor(readonly dependency: string) {
    super(GrpcStatus.UNAVAILABLE, `the ${dependency} is unavailable; retry later`);
  }
}

/** Trailer that carries the failing field across gRPC to the gateway's problem details. */
export const FIELD_TRAILER = "relata-field";

/** Trailer that carries a refused delete's dependents (JSON DependentCount[]) to the gateway. */
export const DEPENDENTS_TRAILER = "relata-dependents";

export interface GrpcErrorPayload {
  code: GrpcStatus;
  details: string;
  metadata: Metadata;
}

/**
 * MongoDB driver and mongoose errors that mean "the database cannot be reached now", as opposed
 * to "the database refused this operation". Matched by name: the driver's classes are not all
 * exported (MongoPoolClearedError), and a second copy of the driver would defeat instanceof.
 */
const DATABASE_OUTAGE_ERRORS = new Set([
  "MongoNetworkError",
  "MongoNetworkTimeoutError",
  "MongoServerSelectionError",
  "MongooseServerSelectionError",
  "MongoPoolClearedError",
  "PoolClearedOnNetworkError",
  "MongoPoolClosedError",
  "MongoNotConnectedError",
  "MongoTopologyClosedError",
  "MongoServerClosedError",
  "MongoWaitQueueTimeoutError",
]);

/**
 * Socket errors of Node itself. The driver does not always wrap them: a write on a connection the
 * database just dropped can surface as a bare `write ECONNRESET`. Handlers reach nothing but
 * their database over sockets (events leave through the outbox), so one in a handler means the
 * database connection broke.
 */
const SOCKET_ERROR_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

/** NATS client errors that mean the connection to the bus is gone (not a refused publish). */
const BUS_OUTAGE_ERRORS = new Set(["ClosedConnectionError", "DrainingConnectionError", "ConnectionError"]);

/**
 * The dependency whose outage caused this error ("database", "message bus"), or undefined when
 * the error is anything else. Follows `cause`, since wrappers keep the driver's error there.
 */
export function outageOf(err: unknown): string | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (DATABASE_OUTAGE_ERRORS.has(e.name)) return "database";
    // Network-class driver errors carry the name of their subclass; the class chain tells.
    if (isMongoNetworkError(e)) return "database";
    // mongoose queues operations while disconnected and fails them after bufferTimeoutMS.
    if (e.name === "MongooseError" && /buffering timed out/.test(e.message)) return "database";
    const { code, syscall } = e as { code?: unknown; syscall?: unknown };
    if (typeof code === "string" && typeof syscall === "string" && SOCKET_ERROR_CODES.has(code)) return "database";
    if (BUS_OUTAGE_ERRORS.has(e.name)) return "message bus";
  }
  return undefined;
}

function isMongoNetworkError(err: Error): boolean {
  for (let proto = Object.getPrototypeOf(err) as object | null; proto; proto = Object.getPrototypeOf(proto) as object | null) {
    if ((proto as { constructor?: { name?: string } }).constructor?.name === "MongoNetworkError") return true;
  }
  return false;
}

export function toGrpcError(err: unknown): GrpcErrorPayload {
  const metadata = new Metadata();
  if (err instanceof AppError) {
    if (err.field) metadata.set(FIELD_TRAILER, err.field);
    if (err instanceof HasDependents) metadata.set(DEPENDENTS_TRAILER, JSON.stringify(err.dependents));
    return { code: err.code, details: err.message, metadata };
  }
  const dependency = outageOf(err);
  if (dependency) return toGrpcError(new DependencyUnavailable(dependency));
  return { code: GrpcStatus.INTERNAL, details: "internal error", metadata };
}

/** The field named by a gRPC error from a Relata service, if any. */
export function fieldOf(err: { metadata?: Metadata }): string | undefined {
  const value = err.metadata?.get(FIELD_TRAILER)[0];
  return typeof value === "string" ? value : undefined;
}

/** The dependents named by a refused delete from a Relata service, if any. */
export function dependentsOf(err: { metadata?: Metadata }): DependentCount[] | undefined {
  const value = err.metadata?.get(DEPENDENTS_TRAILER)[0];
  if (typeof value !== "string") return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    if (!Array.isArray(parsed)) return undefined;
    return parsed
      .filter((d): d is DependentCount => typeof d?.what === "string" && Number.isInteger(d?.count))
      .map((d) => ({ what: d.what, count: d.count }));
  } catch {
    return undefined;
  }
}
