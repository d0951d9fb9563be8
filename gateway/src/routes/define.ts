import type { CallOptions, Identity } from "@relata/platform";
import { Router, type Request, type RequestHandler, type Response } from "express";
import type { z } from "zod";
import type { Caller } from "../auth/verifier";
import type { Operation } from "../auth/permissions";
import { etagOf, expectedVersionFrom, idempotencyKeyFrom, ifNoneMatchHits } from "../http/conditional";
import { stateOf } from "../http/context";
import { HttpProblem, type FieldError } from "../http/problem";
import { IdParams } from "../schemas/common";
import { authorize } from "../middleware/auth";
import { methodNotAllowed } from "../middleware/errors";

/**
 * One declarative description per REST operation. The same description mounts the Express
 * handler (permission, validation of params, query, headers and body) and becomes the
 * operation in the OpenAPI document, so the two cannot drift apart.
 */
export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  headers?: ("ETag" | "Location" | "Link")[];
}

export interface Reply {
  status?: number;
  body?: unknown;
  /** The record's version: sent as ETag. */
  version?: string | number;
  /** Path of the created resource ("/v1/leads/123"): sent as an absolute Location. */
  location?: string;
  headers?: Record<string, string>;
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
  req: Request;
  res: Response;
  /** Absolute URL for a path of this API. */
  url(path: string): string;
}

export interface RouteSpec<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  operationId: string;
  method: HttpMethod;
  /** Express syntax: "/v1/leads/:id". */
  path: string;
  operation: Operation;
  tag: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
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
  responses: Record<number, ResponseSpec>;
  handler: (ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<Reply>;
}

/** Typed constructor for a route (inference only). */
export function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}

/** The field a zod issue names: its path, plus the key for unknown keys; "body" for the whole body. */
export function issueField(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys" && issue.keys.length > 0) path.push(issue.keys[0]!);
  return path.join(".");
}

export function validate<S extends z.ZodType>(schema: S, input: unknown, where: "body" | "query" | "path"): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const describe = (issue: z.core.$ZodIssue): FieldError => {
    const field = issueField(issue) || "body";
    const detail =
      issue.code === "unrecognized_keys"
        ? `unknown ${where === "body" ? "field" : where === "query" ? "query parameter" : "path parameter"} "${field}"`
        : `${field}: ${issue.message}`;
    return { field, detail };
  };
  const errors = result.error.issues.map(describe);
  const first = errors[0]!;
  throw new HttpProblem("validation-error", first.detail, { field: first.field, errors });
}

function hasBody(req: Request): boolean {
  const length = req.headers["content-length"];
  return (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined;
}

export interface MountOptions {
  publicUrl: string;
}

function handlerFor(spec: RouteSpec, options: MountOptions): RequestHandler {
  return async (req, res) => {
    const state = stateOf(res);
    const params = spec.params ? validate(spec.params, req.params, "path") : {};
    const query = spec.query ? validate(spec.query, { ...(req.query as object) }, "query") : {};
    let expectedVersion = "0";
    if (spec.ifMatch && !spec.unstoredVersionZero) {
      const fromHeader = expectedVersionFrom(req.get("if-match"));
      if (fromHeader === undefined && spec.ifMatch === "required") {
        throw new HttpProblem("precondition-required", "send If-Match with the ETag of the version you read (or * to overwrite)", {
          field: "If-Match",
        });
      }
      expectedVersion = fromHeader ?? "0";
    }
    const idempotencyKey = spec.idempotencyKey ? idempotencyKeyFrom(req.get("idempotency-key")) : "";
    let body: unknown = undefined;
    if (spec.body) {
      if (hasBody(req) && !req.is(["application/json", "application/*+json"])) {
        throw new HttpProblem("unsupported-media-type", "send the body as application/json", { field: "Content-Type" });
      }
      body = validate(spec.body, hasBody(req) ? req.body : {}, "body");
    } else if (hasBody(req) && req.body !== undefined && Object.keys(req.body as object).length > 0) {
      throw new HttpProblem("validation-error", "this operation takes no body", { field: "body" });
    }
    const ctx: HandlerContext<unknown, unknown, unknown> = {
      params,
      query,
      body,
      call: { identity: state.identity!, deadline: state.deadline, signal: state.signal },
      identity: state.identity!,
      caller: state.caller!,
      expectedVersion,
      idempotencyKey,
      req,
      res,
      url: (path) => options.publicUrl + path,
    };
    const reply = await spec.handler(ctx);
    if (state.signal.aborted) return;
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    if (reply.version !== undefined) {
      const etag = etagOf(reply.version);
      res.setHeader("ETag", etag);
      if (spec.method === "get" && ifNoneMatchHits(req.get("if-none-match"), etag)) {
        res.status(304).end();
        return;
      }
    }
    if (reply.location) res.setHeader("Location", options.publicUrl + reply.location);
    res.status(reply.status ?? 200);
    if (reply.body === undefined) res.end();
    else res.json(reply.body);
  };
}

/** Mounts the routes on a router: permission first, then the handler; other methods get 405. */
export function mountRoutes(specs: RouteSpec[], options: MountOptions): Router {
  const router = Router();
  const methodsByPath = new Map<string, string[]>();
  for (const spec of specs) {
    router[spec.method](spec.path, authorize(spec.operation), handlerFor(spec, options));
    methodsByPath.set(spec.path, [...(methodsByPath.get(spec.path) ?? []), spec.method.toUpperCase()]);
  }
  for (const [path, methods] of methodsByPath) {
    const allowed = methods.includes("GET") ? [...methods, "HEAD"] : methods;
    router.all(path, methodNotAllowed(allowed));
  }
  return router;
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
  operation: Operation;
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
