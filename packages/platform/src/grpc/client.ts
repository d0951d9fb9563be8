import { ChannelCredentials, Client, Metadata, status as GrpcStatus, type ServiceError } from "@grpc/grpc-js";
import { identityToMetadata, type Identity } from "../identity";
import type { IsServerStreaming, MethodDefinition, RequestOf, ResponseOf, ServiceDefinition } from "./service";

export interface CallOptions {
  identity: Identity;
  /**
   * Absolute deadline; defaults to now + the client's default timeout. For a streaming call it
   * bounds the whole stream: a long export passes a later one.
   */
  deadline?: Date;
  signal?: AbortSignal;
  /** Extra metadata (trace context is added by the telemetry layer). */
  metadata?: Metadata;
}

/**
 * A typed client for a service definition: a unary method returns a promise of its response; a
 * server-streaming method returns an async iterable of its messages (see {@link serverStream}).
 */
export type PromiseClient<D extends ServiceDefinition> = {
  [K in keyof D]: IsServerStreaming<D[K]> extends true
    ? (request: RequestOf<D[K]>, options: CallOptions) => AsyncIterable<ResponseOf<D[K]>>
    : (request: RequestOf<D[K]>, options: CallOptions) => Promise<ResponseOf<D[K]>>;
};

export interface ChannelOptions {
  /** Deadline applied to calls that bring none. */
  defaultTimeoutMs: number;
  credentials?: ChannelCredentials;
}

/** One channel per address, shared by every service client that talks to it. */
export function openChannel(address: string, options: Pick<ChannelOptions, "credentials"> = {}): Client {
  return new Client(address, options.credentials ?? ChannelCredentials.createInsecure(), {
    "grpc.keepalive_time_ms": 30_000,
    "grpc.enable_retries": 1,
  });
}

function callMetadata(call: CallOptions): Metadata {
  return identityToMetadata(call.identity, call.metadata?.clone() ?? new Metadata());
}

function unaryCall(method: MethodDefinition<unknown, unknown>, channel: Client, options: ChannelOptions, request: unknown, call: CallOptions): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const deadline = call.deadline ?? new Date(Date.now() + options.defaultTimeoutMs);
    const pending = channel.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      callMetadata(call),
      { deadline },
      (err: ServiceError | null, response?: unknown) => (err ? reject(err) : resolve(response)),
    );
    call.signal?.addEventListener("abort", () => pending.cancel(), { once: true });
  });
}

/**
 * Calls a server-streaming method: its messages, in order, as they arrive, read only as fast as
 * the consumer iterates (HTTP/2 flow control slows the server down). The call starts when
 * iteration starts; it is cancelled when the consumer stops early (break, return, throw) or
 * `signal` aborts. A failed call throws its ServiceError (status, details, trailers) from the
 * iteration, after the messages that came before it.
 */
export function serverStream<Req, Res>(
  method: MethodDefinition<Req, Res>,
  channel: Client,
  options: ChannelOptions,
  request: Req,
  call: CallOptions,
): AsyncIterable<Res> {
  return {
    async *[Symbol.asyncIterator]() {
      call.signal?.throwIfAborted();
      const deadline = call.deadline ?? new Date(Date.now() + options.defaultTimeoutMs);
      const stream = channel.makeServerStreamRequest(method.path, method.requestSerialize, method.responseDeserialize, request, callMetadata(call), { deadline });
      // Errors reach the consumer through the iteration; this listener keeps the CANCELLED that
      // follows an early stop from being an unhandled "error" event.
      stream.on("error", () => undefined);
      const cancel = () => stream.cancel();
      call.signal?.addEventListener("abort", cancel, { once: true });
      let complete = false;
      try {
        for await (const message of stream) yield message as Res;
        complete = true;
      } finally {
        call.signal?.removeEventListener("abort", cancel);
        if (!complete) stream.cancel();
      }
    },
  };
}

/**
 * A typed client for a generated service definition. Every call carries the caller's identity
 * and a deadline, and is cancelled when `signal` aborts. Unary methods return promises;
 * server-streaming methods return async iterables ({@link serverStream}).
 */
export function promiseClient<D extends ServiceDefinition>(
  definition: D,
  channel: Client,
  options: ChannelOptions,
): PromiseClient<D> {
  const client = {} as Record<string, (request: unknown, call: CallOptions) => unknown>;
  for (const [key, method] of Object.entries(definition) as [string, MethodDefinition<unknown, unknown>][]) {
    client[key] = method.responseStream
      ? (request, call) => serverStream(method, channel, options, request, call)
      : (request, call) => unaryCall(method, channel, options, request, call);
  }
  return client as PromiseClient<D>;
}

/** Promise clients for several services of one server, sharing its channel. */
export type PromiseClients<M extends Record<string, ServiceDefinition>> = { [K in keyof M]: PromiseClient<M[K]> };

export function promiseClients<M extends Record<string, ServiceDefinition>>(
  definitions: M,
  channel: Client,
  options: ChannelOptions,
): PromiseClients<M> {
  const clients = {} as Record<string, unknown>;
  for (const [name, definition] of Object.entries(definitions)) clients[name] = promiseClient(definition, channel, options);
  return clients as PromiseClients<M>;
}

export function isGrpcError(err: unknown): err is ServiceError {
  return typeof err === "object" && err !== null && "code" in err && "metadata" in err;
}

export { GrpcStatus };
