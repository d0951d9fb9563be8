import type { z } from "zod";
import type { CallOptions } from "../grpc/client";
import type { Identity } from "../identity";
import { IdParams } from "./schemas";

/**
 * One declarative description per REST operation. The gateway mounts the same description as
 * an Express handler (permission, validation of params, query, headers and body) and makes it
 * the operation in the OpenAPI document, so the two cannot drift apart. A service declares its
 * routes with these types in its own folder; this module loads no HTTP server.
 */
export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export interface ResponseSpec {
  description: string;
  /** The JSON body (application/json). */
  schema?: z.ZodType;
  /**
   * Media types the operation can also answer with, as a streamed body ("text/csv"): listed in
   * the OpenAPI document beside application/json. The handler picks one from Accept
   * (`preferredType`) and returns a {@link StreamedReply} for it.
   */
  contentTypes?: string[];
  headers?: ("ETag" | "Location" | "Link" | "Content-Disposition")[];
}

interface ReplyBase {
  status?: number;
  /** The record's version: sent as ETag. */
  version?: string | number;
  /** Path of the created resource ("/v1/leads/123"): sent as an absolute Location. */
  location?: string;
  headers?: Record<string, string>;
}

/** A JSON body (or none: 204). */
export interface JsonReply extends ReplyBase {
  body?: unknown;
  stream?: never;
}

/**
 * A body written as it is produced (a large export): the gateway writes the chunks in order,
 * waiting for the client to take each one (backpressure), and stops reading `stream` when the
 * client goes away. It reads the first chunk before it sends the headers: a failure until then
 * is an ordinary problem-details answer; a failure after it cuts the connection (the client sees
 * a truncated transfer) and is logged.
 */
export interface StreamedReply extends ReplyBase {
  stream: AsyncIterable<string | Uint8Array>;
  /** The Content-Type: "text/csv; charset=utf-8". */
  contentType: string;
  /** Offered as a download under this name (Content-Disposition: attachment). */
  filename?: string;
  body?: never;
}

export type Reply = JsonReply | StreamedReply;

/** Whether a reply streams its body. */
export function isStreamedReply(reply: Reply): reply is StreamedReply {
  return (reply as StreamedReply).stream !== undefined;
}

/** Who is calling, as the gateway read it from the verified token. */
export interface Caller {
  /** A person (password / authorization-code token) or a partner client (client credentials). */
  kind: "user" | "client";
  /** Token `sub` for users; the client id for partner clients. */
  subject: string;
  username?: string;
  clientId?: string;
  /** The `tenant` claim; platform admins have none. */
  tenant?: string;
  /** Realm roles plus the API client's own client roles. */
  roles: string[];
  /** OAuth scopes granted to the token (`scope` claim). */
  scopes: string[];
}

/** What a handler may read of the HTTP request (the gateway passes its Express request). */
export interface HttpRequest {
  /** The path, without the query string. */
  readonly path: string;
  readonly query: Record<string, unknown>;
  /** A request header, by case-insensitive name. */
  get(name: string): string | undefined;
}

/** What a handler may do to the HTTP response beyond its Reply (the gateway passes its Express response). */
export interface HttpResponse {
  setHeader(name: string, value: string | number | readonly string[]): unknown;
}

export interface HandlerContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Pass to every gRPC call: the caller's identity, the request's deadline, cancellation. */
  call: CallOptions;
  identity: Identity;
  caller: Caller;
  /** From If-Match: the version the caller read, "0" when it sent none or `*`. */
  expectedVersion: string;
  /** From Idempotency-Key, "" when absent. */
  idempotencyKey: string;
  req: HttpRequest;
  res: HttpResponse;
  /** Absolute URL for a path of this API. */
  url(path: string): string;
  /**
   * A route with `streamedBody`: the request body as it arrives, read only as fast as the
   * handler takes it (backpressure). Iterating past `maxBytes` throws a 413 problem. Empty for
   * every other route.
   */
  bodyStream: AsyncIterable<Uint8Array>;
}

/**
 * A request body the gateway does not buffer (an uploaded CSV of up to a gigabyte): the handler
 * reads it as a stream (`ctx.bodyStream`). Another Content-Type is refused (415), a declared
 * Content-Length above `maxBytes` at once and a body that grows beyond it while read (413). The
 * OpenAPI document shows it as a binary body of these types.
 */
export interface StreamedBodySpec {
  /** The media types accepted, without parameters ("text/csv"). */
  types: string[];
  maxBytes: number;
  description: string;
}

export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  operationId: string;
  method: HttpMethod;
  /** Express syntax: "/v1/leads/:id". */
  path: string;
  /** Its row in the gateway's permission table ("leads.read", "leads.convert"). */
  operation: string;
  tag: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The body read as a stream instead (not with `body`); see {@link StreamedBodySpec}. */
  streamedBody?: StreamedBodySpec;
  /** Whether If-Match is required (428 when missing) or only honoured. */
  ifMatch?: "required" | "optional";
  /**
   * The resource has a version 0 that is never stored (a tenant's default pipeline), so If-Match
   * "0" is a precondition for the service, not a stale tag: the handler reads If-Match itself
   * (`versionInIfMatch`); `expectedVersion` is not read from it.
   */
  unstoredVersionZero?: boolean;
  /** Whether the operation accepts Idempotency-Key. */
  idempotencyKey?: boolean;
  /**
   * The deadline of this operation's backend calls (`ctx.call.deadline`), from when its handler
   * starts, instead of the gateway's request timeout: for a streamed export, which takes as long
   * as its rows take to arrive.
   */
  timeoutMs?: number;
  responses: Record<number, ResponseSpec>;
  /**
   * Served without a bearer token (a link in an email that a person follows). Absent: a token
   * is required, as for every other route. See {@link TokenlessSpec}.
   */
  tokenless?: TokenlessSpec;
  handler: (ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<Reply>;
}

/**
 * How a route served without a token is scoped. The gateway mounts it before authentication,
 * rate-limits it per client address, and calls the handler as an anonymous subject with no
 * roles acting on the tenant `tenant` names; the backend must prove the request by itself
 * (a signed value in the path, whose signed tenant it checks against the identity's). The
 * route's permission row lists no role and no scope: no token grants more than the link does.
 */
export interface TokenlessSpec {
  /**
   * The tenant the request acts on, read (not verified) from the validated path parameters;
   * undefined when they name none (the gateway answers 400 naming `field`).
   */
  tenant: (params: Record<string, string>) => string | undefined;
  /** The path parameter the tenant is read from, named by that 400. */
  field: string;
  /** Who may call it and why no token is needed: the OpenAPI description and docs/auth.md say it. */
  why: string;
}

/** The subject a tokenless route's handler acts as. */
export const ANONYMOUS_SUBJECT = "anonymous";

/** Typed constructor for a route (inference only). */
export function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}

/** A page of a list: `{data, nextCursor}` and a Link header to the next page. */
export function listReply(ctx: HandlerContext<unknown, unknown, unknown>, data: unknown[], nextCursor: string | undefined): Reply {
  const body = { data, nextCursor: nextCursor ? nextCursor : null };
  if (!nextCursor) return { body };
  const next = new URL(ctx.url(ctx.req.path));
  for (const [key, value] of Object.entries(ctx.req.query)) if (key !== "cursor" && typeof value === "string") next.searchParams.set(key, value);
  next.searchParams.set("cursor", nextCursor);
  return { body, headers: { Link: `<${next.toString()}>; rel="next"` } };
}

/** PATCH semantics for an optional text field: absent → unchanged, null → cleared (""). */
export function clearable(value: string | null | undefined): string | undefined {
  return value === null ? "" : value;
}

/** What DeleteX and RestoreX take, and the record they answer with. */
export interface RecycleBinCalls<R extends { version: string }> {
  delete(request: { id: string; expectedVersion: string }, call: CallOptions): Promise<R>;
  restore(request: { id: string; expectedVersion: string }, call: CallOptions): Promise<R>;
}

export interface RecycleBinRoutesSpec<R extends { version: string }> {
  /** The collection's path ("/v1/accounts") and the record's name ("Account", "account"). */
  path: string;
  name: string;
  what: string;
  tag: string;
  operation: string;
  /** The record's JSON schema, and the mapping to it. */
  schema: z.ZodType;
  toJson: (record: R) => unknown;
  /** What refuses a delete (409), for the description ("while contacts ... depend on it"). */
  refusedWhen?: string;
  /** A rule of the resource's own about deleting it. */
  note?: string;
  calls: RecycleBinCalls<R>;
}

/**
 * `DELETE {path}/{id}` (to the recycle bin; If-Match required; 204) and
 * `POST {path}/{id}/restore` (within 30 days; If-Match honoured; 200 with the record), the same
 * two operations for every resource.
 */
export function recycleBinRoutes<R extends { version: string }>(spec: RecycleBinRoutesSpec<R>): RouteSpec[] {
  const refused = spec.refusedWhen ? ` Refused (409, \`dependents\` naming them) ${spec.refusedWhen}.` : "";
  return [
    route({
      operationId: `delete${spec.name}`,
      method: "delete",
      path: `${spec.path}/:id`,
      operation: spec.operation,
      tag: spec.tag,
      summary: `Delete ${/^[aeiou]/.test(spec.what) ? "an" : "a"} ${spec.what} (to the recycle bin)`,
      description:
        `The ${spec.what} is gone from reads and lists (404) and can be restored for 30 days, then it is purged.` +
        refused +
        (spec.note ? ` ${spec.note}` : ""),
      params: IdParams,
      ifMatch: "required",
      responses: { 204: { description: `Deleted; the ETag is the deleted ${spec.what}'s version, for a restore.`, headers: ["ETag"] } },
      handler: async (ctx) => {
        const deleted = await spec.calls.delete({ id: ctx.params.id, expectedVersion: ctx.expectedVersion }, ctx.call);
        return { status: 204, version: deleted.version };
      },
    }),
    route({
      operationId: `restore${spec.name}`,
      method: "post",
      path: `${spec.path}/:id/restore`,
      operation: spec.operation,
      tag: spec.tag,
      summary: `Restore a deleted ${spec.what}`,
      description:
        `Brings the ${spec.what} back from the recycle bin with the same id and a new version; 404 after 30 days. ` +
        `Refused (409) while a record it refers to is itself deleted: restore that first. A ${spec.what} that is not deleted is answered as it is.`,
      params: IdParams,
      ifMatch: "optional",
      responses: { 200: { description: `The restored ${spec.what}.`, schema: spec.schema, headers: ["ETag"] } },
      handler: async (ctx) => {
        const restored = await spec.calls.restore({ id: ctx.params.id, expectedVersion: ctx.expectedVersion }, ctx.call);
        return { body: spec.toJson(restored), version: restored.version };
      },
    }),
  ];
}
