import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import type { Logger } from "@relata/platform";
import { HttpProblem, problemBody } from "@relata/platform/http";
import { problemFromGrpc } from "../http/problem";

export function sendProblem(req: Request, res: Response, problem: HttpProblem): void {
  const requestId = (res.locals.relata as { requestId?: string } | undefined)?.requestId ?? "";
  for (const [name, value] of Object.entries(problem.options.headers ?? {})) res.setHeader(name, value);
  res
    .status(problem.status)
    .type("application/problem+json")
    .send(JSON.stringify(problemBody(problem.kind, problem.detail, { instance: req.originalUrl.split("?")[0]!, requestId, field: problem.field, errors: problem.options.errors, dependents: problem.options.dependents })));
}

/** body-parser's error types, mapped to problems. */
function problemFromBodyParser(err: { type?: string; status?: number; limit?: number }): HttpProblem | undefined {
  switch (err.type) {
    case "entity.too.large":
      return new HttpProblem("payload-too-large", `request body exceeds the limit of ${err.limit ?? "?"} bytes`, { field: "body" });
    case "entity.parse.failed":
      return new HttpProblem("validation-error", "request body is not valid JSON", { field: "body" });
    case "encoding.unsupported":
    case "charset.unsupported":
      return new HttpProblem("unsupported-media-type", "request body encoding or charset is not supported", { field: "body" });
    case "request.aborted":
    case "request.size.invalid":
    case "stream.encoding.set":
    case "stream.not.readable":
    case "parameters.too.many":
      return new HttpProblem("validation-error", "request body could not be read", { field: "body" });
    default:
      return undefined;
  }
}

/** The last middleware: every error becomes problem details; internals are logged, never sent. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const state = res.locals.relata as { signal?: AbortSignal; requestId?: string } | undefined;
    if (state?.signal?.aborted) {
      // The client went away; its gRPC calls were cancelled and nobody reads an answer.
      logger.info({ requestId: state.requestId, path: req.path }, "client disconnected before the answer");
      return;
    }
    let problem: HttpProblem | undefined;
    if (err instanceof HttpProblem) problem = err;
    else problem = problemFromGrpc(err) ?? problemFromBodyParser(err as { type?: string });
    if (!problem) {
      logger.error({ err, requestId: state?.requestId, path: req.path }, "unhandled error");
      problem = new HttpProblem("internal", "an internal error occurred");
    } else if (problem.status >= 500) {
      logger.warn({ err: String(err), code: (err as { code?: unknown }).code, requestId: state?.requestId, path: req.path }, "request failed");
    }
    sendProblem(req, res, problem);
  };
}

/** Unknown routes. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpProblem("not-found", `no resource at ${req.method} ${req.path}`));
};

export function methodNotAllowed(allowed: string[]): RequestHandler {
  return (req, _res, next) =>
    next(
      new HttpProblem("method-not-allowed", `${req.method} is not allowed on ${req.path}`, {
        headers: { Allow: allowed.join(", ") },
      }),
    );
}
