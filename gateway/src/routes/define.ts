import type { Request, RequestHandler, Response } from "express";
import { Router } from "express";
import type { z } from "zod";
import { createLogger, TENANT_ID_PATTERN, type Logger } from "@relata/platform";
import {
  ANONYMOUS_SUBJECT,
  contentDisposition,
  etagOf,
  expectedVersionFrom,
  HttpProblem,
  idempotencyKeyFrom,
  ifNoneMatchHits,
  isStreamedReply,
  type FieldError,
  type HandlerContext,
  type Reply,
  type RouteSpec,
  type StreamedBodySpec,
  type StreamedReply,
} from "@relata/platform/http";
import { stateOf } from "../http/context";
import { PERMISSIONS } from "../auth/permissions";
import { authorize } from "../middleware/auth";
import { methodNotAllowed } from "../middleware/errors";
import { byClientAddress, rateLimit, type RateLimitOptions } from "../middleware/rate-limit";

/**
 * The mounting side of the routes the backends declare (`@relata/platform/http`): each
 * description becomes an Express handler behind its permission check, validating params,
 * query, headers and body before the handler runs.
 */

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
  /** Where a streamed answer that fails after its headers is logged (the client only sees it cut off). */
  logger?: Logger;
}

/** Resolves once the response can take more (drain), or once the connection is gone. */
function writable(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/** Sends the reply's headers (its own, ETag, Location); true when that answered 304 (If-None-Match hit). */
function sendHeaders(spec: RouteSpec, reply: Reply, req: Request, res: Response, options: MountOptions): boolean {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.version !== undefined) {
    const etag = etagOf(reply.version);
    res.setHeader("ETag", etag);
    if (spec.method === "get" && ifNoneMatchHits(req.get("if-none-match"), etag)) {
      res.status(304).end();
      return true;
    }
  }
  if (reply.location) res.setHeader("Location", options.publicUrl + reply.location);
  return false;
}

/**
 * Writes a streamed reply. The first chunk is read before anything is sent, so a failure until
 * then propagates to the error handler (problem details). After that the status is sent and
 * cannot change: a failure cuts the connection, which the client sees as a truncated transfer
 * (no final chunk), and is logged. The source is read only as fast as the client takes the
 * chunks, and no further once it goes away.
 */
async function sendStream(spec: RouteSpec, reply: StreamedReply, req: Request, res: Response, options: MountOptions, logger: Logger): Promise<void> {
  const { signal, requestId } = stateOf(res);
  const chunks = reply.stream[Symbol.asyncIterator]();
  const stop = () => chunks.return?.(undefined).catch((err: unknown) => logger.warn({ err: String(err), requestId, path: req.path }, "stream cleanup failed"));
  const head = (): boolean => {
    if (sendHeaders(spec, reply, req, res, options)) return false;
    res.status(reply.status ?? 200);
    res.setHeader("Content-Type", reply.contentType);
    if (reply.filename !== undefined) res.setHeader("Content-Disposition", contentDisposition(reply.filename));
    return true;
  };
  if (signal.aborted || req.method === "HEAD") {
    await stop();
    if (!signal.aborted && head()) res.end();
    return;
  }
  let next = await chunks.next();
  if (signal.aborted || !head()) {
    await stop();
    return;
  }
  try {
    while (!next.done) {
      if (!res.write(next.value)) await writable(res);
      if (signal.aborted) break;
      next = await chunks.next();
    }
  } catch (err) {
    logger.error({ err, requestId, path: req.path }, "streamed answer failed after its headers were sent; connection cut");
    res.destroy();
    return;
  }
  if (signal.aborted) {
    // The client went away: stop producing (cancels the backend's stream).
    await stop();
    return;
  }
  res.end();
}

const NO_BODY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

function tooLarge(limit: number): HttpProblem {
  return new HttpProblem("payload-too-large", `request body exceeds the limit of ${limit} bytes`, { field: "body" });
}

/**
 * The body of a route that streams it (`RouteSpec.streamedBody`): checked for its type and
 * declared length before anything is read, then read chunk by chunk as the handler asks
 * (Node's stream pauses the socket meanwhile), counted against the limit as it goes.
 */
function streamedBody(spec: StreamedBodySpec, req: Request): AsyncIterable<Uint8Array> {
  if (!req.is(spec.types)) {
    throw new HttpProblem("unsupported-media-type", `send the body as ${spec.types.join(" or ")}`, { field: "Content-Type" });
  }
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > spec.maxBytes) {
    // The body stays unread: the connection closes after the 413.
    req.res?.setHeader("Connection", "close");
    throw tooLarge(spec.maxBytes);
  }
  return {
    async *[Symbol.asyncIterator]() {
      let read = 0;
      // Not destroyed when the handler stops early: the answer (a 413) must still go out.
      for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        read += chunk.byteLength;
        if (read > spec.maxBytes) {
          // The rest of the body stays unread: the connection closes after the 413.
          req.res?.setHeader("Connection", "close");
          throw tooLarge(spec.maxBytes);
        }
        yield chunk;
      }
    },
  };
}

function handlerFor(spec: RouteSpec, options: MountOptions): RequestHandler {
  const logger = options.logger ?? createLogger("gateway");
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
    let bodyStream: AsyncIterable<Uint8Array> = NO_BODY;
    if (spec.streamedBody) {
      bodyStream = streamedBody(spec.streamedBody, req);
    } else if (spec.body) {
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
      call: { identity: state.identity!, deadline: spec.timeoutMs !== undefined ? new Date(Date.now() + spec.timeoutMs) : state.deadline, signal: state.signal },
      identity: state.identity!,
      caller: state.caller!,
      expectedVersion,
      idempotencyKey,
      req,
      res,
      url: (path) => options.publicUrl + path,
      bodyStream,
    };
    const reply = await spec.handler(ctx);
    if (isStreamedReply(reply)) {
      await sendStream(spec, reply, req, res, options, logger);
      return;
    }
    if (state.signal.aborted) return;
    if (sendHeaders(spec, reply, req, res, options)) return;
    res.status(reply.status ?? 200);
    if (reply.body === undefined) res.end();
    else res.json(reply.body);
  };
}

function answerOtherMethods(router: Router, specs: RouteSpec[]): void {
  const methodsByPath = new Map<string, string[]>();
  for (const spec of specs) methodsByPath.set(spec.path, [...(methodsByPath.get(spec.path) ?? []), spec.method.toUpperCase()]);
  for (const [path, methods] of methodsByPath) {
    const allowed = methods.includes("GET") ? [...methods, "HEAD"] : methods;
    router.all(path, methodNotAllowed(allowed));
  }
}

/** Mounts the routes on a router: permission first, then the handler; other methods get 405. */
export function mountRoutes(specs: RouteSpec[], options: MountOptions): Router {
  const router = Router();
  for (const spec of specs) {
    if (spec.tokenless) throw new Error(`route ${spec.operationId} is served without a token: mount it with mountTokenlessRoutes`);
    router[spec.method](spec.path, authorize(spec.operation), handlerFor(spec, options));
  }
  answerOtherMethods(router, specs);
  return router;
}

/**
 * Acts as an anonymous subject with no roles on the tenant the route reads from its path (the
 * backend verifies the signed value it came from). Also the caller the handler context names.
 */
function anonymousOn(spec: RouteSpec): RequestHandler {
  const tokenless = spec.tokenless!;
  return (req, res, next) => {
    const params = spec.params ? (validate(spec.params, req.params, "path") as Record<string, string>) : {};
    const tenantId = tokenless.tenant(params);
    if (tenantId === undefined || !TENANT_ID_PATTERN.test(tenantId)) {
      throw new HttpProblem("validation-error", `${tokenless.field}: is not a valid link`, { field: tokenless.field });
    }
    const state = stateOf(res);
    state.caller = { kind: "user", subject: ANONYMOUS_SUBJECT, roles: [], scopes: [] };
    state.identity = { tenantId, subject: ANONYMOUS_SUBJECT, roles: [], requestId: state.requestId };
    next();
  };
}

/**
 * Mounts the routes served without a token (`RouteSpec.tokenless`), before authentication:
 * each limited per client address (one bucket for all of them), acting as an anonymous
 * subject on the tenant its path names, with no permission check (their rows grant no role
 * and no scope: a token adds nothing). They take no body: nothing is parsed (a one-click
 * unsubscribe posts a form body, RFC 8058, which the route ignores).
 */
export function mountTokenlessRoutes(specs: RouteSpec[], options: MountOptions & { rateLimit?: RateLimitOptions }): Router {
  const router = Router();
  const limit: RequestHandler = options.rateLimit ? rateLimit({ ...options.rateLimit, key: byClientAddress }) : (_req, _res, next) => next();
  for (const spec of specs) {
    if (!spec.tokenless) throw new Error(`route ${spec.operationId} requires a token: mount it with mountRoutes`);
    const rule = PERMISSIONS[spec.operation];
    if (!rule) throw new Error(`route operation ${spec.operation} has no row in the permission table`);
    if (rule.roles.length > 0 || rule.scopes.length > 0) throw new Error(`route ${spec.operationId} is served without a token: its row ${spec.operation} may name no role or scope`);
    if (spec.body || spec.streamedBody) throw new Error(`route ${spec.operationId} is served without a token: it takes no body`);
    router[spec.method](spec.path, limit, anonymousOn(spec), handlerFor(spec, options));
  }
  answerOtherMethods(router, specs);
  return router;
}

