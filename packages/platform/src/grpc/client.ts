import { ChannelCredentials, Client, Metadata, status as GrpcStatus, type ServiceError } from "@grpc/grpc-js";
import { identityToMetadata, type Identity } from "../identity";
import type { RequestOf, ResponseOf, ServiceDefinition } from "./service";

export interface CallOptions {
  identity: Identity;
  /** Absolute deadline; defaults to now + the client's default timeout. */
  deadline?: Date;
  signal?: AbortSignal;
  /** Extra metadata (trace context is added by the telemetry layer). */
  metadata?: Metadata;
}

export type PromiseClient<D extends ServiceDefinition> = {
  [K in keyof D]: (request: RequestOf<D[K]>, options: CallOptions) => Promise<ResponseOf<D[K]>>;
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

/**
 * A typed, promise-returning client for a generated service definition. Every call carries
 * the caller's identity and a deadline, and is cancelled when `signal` aborts.
 */
export function promiseClient<D extends ServiceDefinition>(
  definition: D,
  channel: Client,
  options: ChannelOptions,
): PromiseClient<D> {
  const client = {} as Record<string, (request: unknown, call: CallOptions) => Promise<unknown>>;
  for (const [key, method] of Object.entries(definition)) {
    client[key] = (request, call) =>
      new Promise((resolve, reject) => {
        const metadata = identityToMetadata(call.identity, call.metadata?.clone() ?? new Metadata());
        const deadline = call.deadline ?? new Date(Date.now() + options.defaultTimeoutMs);
        const pending = channel.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          request,
          metadata,
          { deadline },
          (err: ServiceError | null, response?: unknown) => (err ? reject(err) : resolve(response)),
        );
        call.signal?.addEventListener("abort", () => pending.cancel(), { once: true });
      });
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
