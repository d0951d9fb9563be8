import { status as GrpcStatus } from "@grpc/grpc-js";
import type { handleUnaryCall, sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from "@grpc/grpc-js";
import { toGrpcError, AppError, DependencyUnavailable, outageOf } from "../errors";
import { identityFromMetadata, type Identity } from "../identity";
import type { Logger } from "../logger";
import { annotateActiveSpan } from "../telemetry/context";
import { metrics } from "../telemetry/metrics";

/** The shape of a ts-proto `outputServices=grpc-js` service definition (`XServiceService`). */
export interface UnaryMethodDefinition<Req, Res> {
  path: string;
  requestStream: false;
  responseStream: false;
  requestSerialize: (value: Req) => Buffer;
  requestDeserialize: (value: Buffer) => Req;
  responseSerialize: (value: Res) => Buffer;
  responseDeserialize: (value: Buffer) => Res;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ServiceDefinition = Record<string, UnaryMethodDefinition<any, any>>;
// `any` (not `unknown`) in the other position: the definitions' serializers take their type as
// a parameter, so under strictFunctionTypes `unknown` would never match and every request and
// response type would collapse to `never`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RequestOf<M> = M extends UnaryMethodDefinition<infer Req, any> ? Req : never;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ResponseOf<M> = M extends UnaryMethodDefinition<any, infer Res> ? Res : never;

/** What a handler knows about its call besides the request. */
export interface CallContext {
  identity: Identity;
  /** Aborted when the caller cancels or its deadline passes. */
  signal: AbortSignal;
  deadline?: Date;
  logger: Logger;
}

export type UnaryHandlers<D extends ServiceDefinition> = {
  [K in keyof D]: (request: RequestOf<D[K]>, ctx: CallContext) => Promise<ResponseOf<D[K]>>;
};

export interface ServiceRegistration {
  /** Fully qualified service name, for the health service ("relata.<name>.v1.<Thing>Service"). */
  name: string;
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

/**
 * Turns promise-returning handlers into a grpc-js implementation: reads the caller's identity
 * from metadata (every call must carry a tenant), maps AppErrors to gRPC statuses with the
 * failing field in trailers, answers UNAVAILABLE when a dependency is down (database or bus
 * connection errors), and logs unexpected errors once.
 */
export function implement<D extends ServiceDefinition>(
  definition: D,
  handlers: UnaryHandlers<D>,
  logger: Logger,
): ServiceRegistration {
  const implementation: UntypedServiceImplementation = {};
  let name = "";
  for (const key of Object.keys(definition) as (keyof D & string)[]) {
    const method = definition[key];
    name = method.path.split("/")[1] ?? name;
    const handler = handlers[key];
    const wrapped: handleUnaryCall<unknown, unknown> = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      const abort = new AbortController();
      call.on("cancelled", () => abort.abort());
      let identity: Identity;
      try {
        identity = identityFromMetadata(call.metadata);
      } catch (err) {
        callback(toGrpcError(err));
        return;
      }
      const request = call.request as { id?: unknown };
      annotateActiveSpan({
        tenant: identity.tenantId,
        requestId: identity.requestId,
        entityId: typeof request?.id === "string" ? request.id : undefined,
      });
      const deadline = call.getDeadline();
      const ctx: CallContext = {
        identity,
        signal: abort.signal,
        deadline: deadline instanceof Date ? deadline : Number.isFinite(deadline) ? new Date(deadline) : undefined,
        logger: logger.child({ rpc: method.path, tenant: identity.tenantId, requestId: identity.requestId }),
      };
      const timer = metrics.rpcDuration.startTimer({ method: method.path });
      handler(call.request as RequestOf<D[typeof key]>, ctx).then(
        (response) => {
          timer();
          metrics.rpcRequests.inc({ method: method.path, code: "OK" });
          const created = response as { id?: unknown };
          if (typeof created?.id === "string") annotateActiveSpan({ entityId: created.id });
          callback(null, response);
        },
        (err: unknown) => {
          timer();
          // An outage is not a bug: it is answered UNAVAILABLE (the caller retries) and logged once
          // per call as a warning; anything else unexpected is an error.
          const dependency = err instanceof AppError ? undefined : outageOf(err);
          if (dependency) ctx.logger.warn({ err: String(err), dependency }, "dependency unavailable");
          else if (!(err instanceof AppError)) ctx.logger.error({ err }, "unhandled error in handler");
          const grpcError = toGrpcError(err);
          metrics.rpcRequests.inc({ method: method.path, code: GrpcStatus[grpcError.code] ?? String(grpcError.code) });
          callback(grpcError);
        },
      );
    };
    implementation[key] = wrapped;
  }
  return { name, definition, implementation };
}

/**
 * Refuses every call of a service at once with UNAVAILABLE while `down()` names a dependency
 * that is known to be unreachable. Without it a call made during a database outage waits for
 * the driver's server selection, longer than most callers' deadlines, and ends as a timeout;
 * with it the caller learns at once that it should retry later.
 */
export function failFastWhileDown(registration: ServiceRegistration, down: () => string | undefined): ServiceRegistration {
  const implementation: UntypedServiceImplementation = {};
  for (const [key, handler] of Object.entries(registration.implementation)) {
    const method = registration.definition[key];
    const unary = handler as handleUnaryCall<unknown, unknown>;
    const guarded: handleUnaryCall<unknown, unknown> = (call, callback) => {
      const dependency = down();
      if (dependency === undefined) {
        unary(call, callback);
        return;
      }
      metrics.rpcRequests.inc({ method: method?.path ?? key, code: GrpcStatus[GrpcStatus.UNAVAILABLE] });
      callback(toGrpcError(new DependencyUnavailable(dependency)));
    };
    implementation[key] = guarded;
  }
  return { ...registration, implementation };
}
