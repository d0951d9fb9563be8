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
  constructor(what: string, id: string) {
    super(GrpcStatus.NOT_FOUND, `${what} ${id} not found`);
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

export class AlreadyExists extends AppError {
  constructor(message: string, field?: string) {
    super(GrpcStatus.ALREADY_EXISTS, message, field);
  }
}

export class Unauthenticated extends AppError {
  constructor(message: string) {
    super(GrpcStatus.UNAUTHENTICATED, message);
  }
}

export class PermissionDenied extends AppError {
  constructor(message: string) {
    super(GrpcStatus.PERMISSION_DENIED, message);
  }
}

/** Trailer that carries the failing field across gRPC to the gateway's problem details. */
export const FIELD_TRAILER = "relata-field";

export interface GrpcErrorPayload {
  code: GrpcStatus;
  details: string;
  metadata: Metadata;
}

export function toGrpcError(err: unknown): GrpcErrorPayload {
  const metadata = new Metadata();
  if (err instanceof AppError) {
    if (err.field) metadata.set(FIELD_TRAILER, err.field);
    return { code: err.code, details: err.message, metadata };
  }
  return { code: GrpcStatus.INTERNAL, details: "internal error", metadata };
}

/** The field named by a gRPC error from a Relata service, if any. */
export function fieldOf(err: { metadata?: Metadata }): string | undefined {
  const value = err.metadata?.get(FIELD_TRAILER)[0];
  return typeof value === "string" ? value : undefined;
}
