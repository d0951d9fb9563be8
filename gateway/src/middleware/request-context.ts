import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import { annotateActiveSpan, metrics, type Logger } from "@relata/platform";
import { trace } from "@opentelemetry/api";
import { initState } from "../http/context";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives each request an id (the caller's X-Request-Id when it is sane, otherwise a new one,
 * echoed back), a deadline that travels into gRPC, and an abort signal that fires when the
 * client disconnects before the answer, so in-flight gRPC calls are cancelled.
 */
export function requestContext(timeoutMs: number): RequestHandler {
  return (req, res, next) => {
    const offered = req.get("x-request-id");
    const requestId = offered && REQUEST_ID.test(offered) ? offered : randomUUID();
    res.setHeader("X-Request-Id", requestId);
    // The trace id lets a caller (or an SRE holding a response) open this request's trace.
    const span = trace.getActiveSpan();
    if (span?.spanContext().traceId && span.spanContext().traceId !== "00000000000000000000000000000000") {
      res.setHeader("X-Trace-Id", span.spanContext().traceId);
    }
    annotateActiveSpan({ requestId });
    const abort = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) abort.abort();
    });
    initState(res, { requestId, deadline: new Date(Date.now() + timeoutMs), signal: abort.signal });
    next();
  };
}

/** The route template a request matched ("/v1/leads/:id"), for low-cardinality metric labels. */
function routeOf(req: Parameters<RequestHandler>[0]): string {
  const template = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof template === "string") return template;
  const path = req.originalUrl.split("?")[0]!;
  if (path === "/healthz" || path === "/readyz" || path === "/v1/openapi.json") return path;
  if (path === "/docs" || path.startsWith("/docs/")) return "/docs";
  // refused before routing (no or bad token), or no such route
  return path.startsWith("/v1/") ? "/v1/*" : "unmatched";
}

/** One log line and the HTTP metrics per request, with its outcome and duration. */
export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("close", () => {
      const state = res.locals.relata as { requestId?: string; identity?: { tenantId: string; subject: string } } | undefined;
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const route = routeOf(req);
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route }, durationMs / 1000);
      const entry = {
        requestId: state?.requestId,
        method: req.method,
        path: req.originalUrl.split("?")[0],
        status: res.statusCode,
        durationMs: Math.round(durationMs * 10) / 10,
        tenant: state?.identity?.tenantId,
        subject: state?.identity?.subject,
        aborted: !res.writableFinished || undefined,
      };
      if (req.path === "/healthz" || req.path === "/readyz") logger.debug(entry, "request");
      else logger.info(entry, "request");
    });
    next();
  };
}

/** Headers every answer carries. */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Cache-Control", "no-store");
  next();
};
