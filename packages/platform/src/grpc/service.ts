import { status as GrpcStatus } from "@grpc/grpc-js";
import type {
  handleServerStreamingCall,
  handleUnaryCall,
  sendUnaryData,
  ServerUnaryCall,
  ServerWritableStream,
  UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { toGrpcError, AppError, DependencyUnavailable, outageOf } from "../errors";
import { identityFromMetadata, type Identity } from "../identity";
import type { Logger } from "../logger";
import { annotateActiveSpan } from "../telemetry/context";
import { metrics } from "../telemetry/metrics";

/** The shape of one method of a ts-proto `outputServices=grpc-js` service definition (`XServiceService`). */
interface MethodDefinitionBase<Req, Res> {
  path: string;
  /** Client streaming is not supported by the kit. */
  requestStream: false;
  requestSerialize: (value: Req) => Buffer;
  requestDeserialize: (value: Buffer) => Req;
  responseSerialize: (value: Res) => Buffer;
  responseDeserialize: (value: Buffer) => Res;
}
export interface UnaryMethodDefinition<Req, Res> extends MethodDefinitionBase<Req, Res> {
  responseStream: false;
}
/** `rpc X(Req) returns (stream Res)`: one request, any number of responses. */
export interface ServerStreamingMethodDefinition<Req, Res> extends MethodDefinitionBase<Req, Res> {
  responseStream: true;
}
export type MethodDefinition<Req, Res> = UnaryMethodDefinition<Req, Res> | ServerStreamingMethodDefinition<Req, Res>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ServiceDefinition = Record<string, MethodDefinition<any, any>>;
// `any` (not `unknown`) in the other position: the definitions' serializers take their type as
// a parameter, so under strictFunctionTypes `unknown` would never match and every request and
// response type would collapse to `never`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RequestOf<M> = M extends MethodDefinitionBase<infer Req, any> ? Req : never;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ResponseOf<M> = M extends MethodDefinitionBase<any, infer Res> ? Res : never;
/** Whether a method answers with a stream of messages. */
export type IsServerStreaming<M> = M extends { responseStream: true } ? true : false;

/** What a handler knows about its call besides the request. */
export interface CallContext {
  identity: Identity;
  /** Aborted when the caller cancels or its deadline passes. */
  signal: AbortSignal;
  deadline?: Date;
  logger: Logger;
}

/** Answers one unary call. */
export type UnaryHandler<Req, Res> = (request: Req, ctx: CallContext) => Promise<Res>;
/**
 * Answers one server-streaming call with the messages it yields, in order: usually an
 * `async function*`. When the caller cancels (or its deadline passes) `ctx.signal` aborts and
 * the generator is returned at its next `yield` (its `finally` runs); a long `await` inside it
 * should pass `ctx.signal` on so it stops too. A throw ends the stream with the error's status.
 */
export type ServerStreamingHandler<Req, Res> = (request: Req, ctx: CallContext) => AsyncIterable<Res>;

/** One handler per method of the definition: a promise for a unary method, an async iterable for a streaming one. */
export type ServiceHandlers<D extends ServiceDefinition> = {
  [K in keyof D]: IsServerStreaming<D[K]> extends true
    ? ServerStreamingHandler<RequestOf<D[K]>, ResponseOf<D[K]>>
    : UnaryHandler<RequestOf<D[K]>, ResponseOf<D[K]>>;
};
/** The handlers of a service; the name predates streaming methods (see {@link ServiceHandlers}). */
export type UnaryHandlers<D extends ServiceDefinition> = ServiceHandlers<D>;

export interface ServiceRegistration {
  /** Fully qualified service name, for the health service ("relata.<name>.v1.<Thing>Service"). */
  name: string;
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

/** The call's context; throws Unauthenticated when the metadata carries no valid identity. */
function callContext(
  call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>,
  path: string,
  abort: AbortController,
  logger: Logger,
): CallContext {
  const identity = identityFromMetadata(call.metadata);
  const request = call.request as { id?: unknown };
  annotateActiveSpan({
    tenant: identity.tenantId,
    requestId: identity.requestId,
    entityId: typeof request?.id === "string" ? request.id : undefined,
  });
  const deadline = call.getDeadline();
  return {
    identity,
    signal: abort.signal,
    deadline: deadline instanceof Date ? deadline : Number.isFinite(deadline) ? new Date(deadline) : undefined,
    logger: logger.child({ rpc: path, tenant: identity.tenantId, requestId: identity.requestId }),
  };
}

/**
 * Logs a failed call as it deserves and gives its gRPC status. An outage is not a bug: it is
 * answered UNAVAILABLE (the caller retries) and logged once per call as a warning; anything else
 * unexpected is an error.
 */
function failure(err: unknown, path: string, logger: Logger): ReturnType<typeof toGrpcError> {
  const dependency = err instanceof AppError ? undefined : outageOf(err);
  if (dependency) logger.warn({ err: String(err), dependency }, "dependency unavailable");
  else if (!(err instanceof AppError)) logger.error({ err }, "unhandled error in handler");
  const grpcError = toGrpcError(err);
  metrics.rpcRequests.inc({ method: path, code: GrpcStatus[grpcError.code] ?? String(grpcError.code) });
  return grpcError;
}

function unaryCall(path: string, handler: UnaryHandler<unknown, unknown>, logger: Logger): handleUnaryCall<unknown, unknown> {
  return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    const abort = new AbortController();
    call.on("cancelled", () => abort.abort());
    let ctx: CallContext;
    try {
      ctx = callContext(call, path, abort, logger);
    } catch (err) {
      callback(toGrpcError(err));
      return;
    }
    const timer = metrics.rpcDuration.startTimer({ method: path });
    handler(call.request, ctx).then(
      (response) => {
        timer();
        metrics.rpcRequests.inc({ method: path, code: "OK" });
        const created = response as { id?: unknown };
        if (typeof created?.id === "string") annotateActiveSpan({ entityId: created.id });
        callback(null, response);
      },
      (err: unknown) => {
        timer();
        callback(failure(err, path, ctx.logger));
      },
    );
  };
}

/** Resolves once the stream can take more (drain), or once it is gone (cancelled, closed). */
function writable(call: ServerWritableStream<unknown, unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off("drain", done);
      call.off("close", done);
      call.off("cancelled", done);
      resolve();
    };
    call.on("drain", done);
    call.on("close", done);
    call.on("cancelled", done);
  });
}

function serverStreamingCall(path: string, handler: ServerStreamingHandler<unknown, unknown>, logger: Logger): handleServerStreamingCall<unknown, unknown> {
  return (call: ServerWritableStream<unknown, unknown>) => {
    const abort = new AbortController();
    // grpc-js emits "cancelled" when the caller cancels, when the deadline passes, and when the
    // stream closes after its status: only the first two find the generator still running.
    call.on("cancelled", () => abort.abort());
    let ctx: CallContext;
    try {
      ctx = callContext(call, path, abort, logger);
    } catch (err) {
      call.emit("error", toGrpcError(err));
      return;
    }
    const timer = metrics.rpcDuration.startTimer({ method: path });
    const stopped = () => abort.signal.aborted;
    void (async () => {
      let messages: AsyncIterator<unknown> | undefined;
      try {
        messages = handler(call.request, ctx)[Symbol.asyncIterator]();
        for (;;) {
          const next = await messages.next();
          if (next.done || stopped()) break;
          // Backpressure: a slow reader fills grpc-js's buffer; wait for it before producing more.
          if (!call.write(next.value)) await writable(call);
          if (stopped()) break;
        }
      } catch (err) {
        timer();
        if (stopped()) {
          // Nobody reads the status any more; the generator failed while being cancelled.
          metrics.rpcRequests.inc({ method: path, code: "CANCELLED" });
          ctx.logger.debug({ err: String(err) }, "stream failed after the caller cancelled");
          return;
        }
        call.emit("error", failure(err, path, ctx.logger));
        return;
      }
      timer();
      if (stopped()) {
        // Runs the generator's finally blocks (closes its cursors) at the yield it is parked on.
        await messages.return?.(undefined).catch((err: unknown) => ctx.logger.warn({ err }, "stream cleanup failed after cancellation"));
        metrics.rpcRequests.inc({ method: path, code: "CANCELLED" });
        return;
      }
      metrics.rpcRequests.inc({ method: path, code: "OK" });
      call.end();
    })();
  };
}

/**
 * Turns handlers into a grpc-js implementation: a promise-returning handler for a unary method,
 * an async generator for a server-streaming one. Reads the caller's identity from metadata
 * (every call must carry a tenant), maps AppErrors to gRPC statuses with the failing field in
 * trailers (also when a stream fails midway), answers UNAVAILABLE when a dependency is down
 * (database or bus connection errors), and logs unexpected errors once. A stream waits for the
 * caller to read (backpressure) and stops its generator when the caller cancels.
 */
export function implement<D extends ServiceDefinition>(
  definition: D,
  handlers: ServiceHandlers<D>,
  logger: Logger,
): ServiceRegistration {
  const implementation: UntypedServiceImplementation = {};
  let name = "";
  for (const key of Object.keys(definition) as (keyof D & string)[]) {
    const method = definition[key];
    name = method.path.split("/")[1] ?? name;
    if (method.requestStream) throw new Error(`${method.path}: client-streaming methods are not supported`);
    implementation[key] = method.responseStream
      ? serverStreamingCall(method.path, handlers[key] as ServerStreamingHandler<unknown, unknown>, logger)
      : unaryCall(method.path, handlers[key] as UnaryHandler<unknown, unknown>, logger);
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
    const refuse = (dependency: string) => {
      metrics.rpcRequests.inc({ method: method?.path ?? key, code: GrpcStatus[GrpcStatus.UNAVAILABLE] });
      return toGrpcError(new DependencyUnavailable(dependency));
    };
    if (method?.responseStream) {
      const streaming = handler as handleServerStreamingCall<unknown, unknown>;
      const guarded: handleServerStreamingCall<unknown, unknown> = (call) => {
        const dependency = down();
        if (dependency === undefined) streaming(call);
        else call.emit("error", refuse(dependency));
      };
      implementation[key] = guarded;
      continue;
    }
    const unary = handler as handleUnaryCall<unknown, unknown>;
    const guarded: handleUnaryCall<unknown, unknown> = (call, callback) => {
      const dependency = down();
      if (dependency === undefined) unary(call, callback);
      else callback(refuse(dependency));
    };
    implementation[key] = guarded;
  }
  return { ...registration, implementation };
}
