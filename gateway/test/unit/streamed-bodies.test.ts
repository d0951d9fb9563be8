import http from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "@relata/platform";
import { IdParams, inParts, route, type RouteSpec } from "@relata/platform/http";
import express from "express";
import { stateOf } from "../../src/http/context";
import { errorHandler, notFound } from "../../src/middleware/errors";
import { requestContext } from "../../src/middleware/request-context";
import { openApiDocument } from "../../src/openapi/document";
import { mountRoutes } from "../../src/routes/define";
import { longestUploadMs } from "../../src/routes/index";

/**
 * Routes that read their request body as a stream (`streamedBody`): mounted by the gateway's
 * `mountRoutes` behind the usual middleware (the JSON parser included, which must leave the
 * body alone), the handler cutting it into parts as an upload to a backend does.
 */
const LIMIT = 64 * 1024;
const received: { parts: Buffer[]; id: string }[] = [];

const uploadRoute: RouteSpec = route({
  operationId: "uploadTestData",
  method: "put",
  path: "/v1/test-uploads/:id/data",
  operation: "imports.write",
  tag: "Imports",
  summary: "Upload a CSV",
  params: IdParams,
  streamedBody: { types: ["text/csv"], maxBytes: LIMIT, description: "A CSV." },
  timeoutMs: 3_600_000,
  responses: { 200: { description: "What arrived." } },
  handler: async (ctx) => {
    const run = { parts: [] as Buffer[], id: ctx.params.id };
    received.push(run);
    for await (const part of inParts(ctx.bodyStream, 1000)) run.parts.push(Buffer.from(part));
    return { body: { bytes: run.parts.reduce((n, p) => n + p.length, 0), parts: run.parts.length } };
  },
});

let server: http.Server;
let port: number;
const logger = createLogger("streamed-bodies-test", "silent");

beforeAll(async () => {
  const app = express();
  app.use(requestContext(30_000));
  app.use((_req, res, next) => {
    const state = stateOf(res);
    state.caller = { kind: "user", subject: "u-1", tenant: "acme", roles: ["tenant-admin"], scopes: [] };
    state.identity = { tenantId: "acme", subject: "u-1", roles: ["tenant-admin"], requestId: state.requestId };
    next();
  });
  app.use("/v1", express.json({ limit: "1mb", type: ["application/json", "application/*+json"] }));
  app.use(mountRoutes([uploadRoute], { publicUrl: "http://gw.test", logger }));
  app.use(notFound);
  app.use(errorHandler(logger));
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received.length = 0;
});

/** A PUT with Node's client: the body in chunks (chunked transfer unless a length is given). */
function put(path: string, headers: Record<string, string>, chunks: Buffer[]): Promise<{ status: number; body: Record<string, unknown>; connection?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: "PUT", headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, connection: res.headers.connection }));
    });
    // The server may answer (413) and close before the whole body is sent.
    req.on("error", (err) => ((err as NodeJS.ErrnoException).code === "ECONNRESET" || (err as NodeJS.ErrnoException).code === "EPIPE" ? undefined : reject(err)));
    (async () => {
      for (const c of chunks) if (!req.write(c)) await new Promise((r) => req.once("drain", r));
      req.end();
    })().catch(() => undefined);
  });
}

const csv = (bytes: number) => Buffer.from(Array.from({ length: bytes }, (_, i) => (i % 50 === 49 ? "\n" : String.fromCharCode(97 + (i % 26)))).join(""));

describe("a streamed request body", () => {
  it("reaches the handler whole and in order, cut into parts of the size it asks for", async () => {
    const body = csv(5_500);
    const answer = await put("/v1/test-uploads/abc/data", { "content-type": "text/csv; charset=utf-8" }, [body.subarray(0, 700), body.subarray(700, 3_000), body.subarray(3_000)]);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ bytes: 5_500, parts: 6 });
    const run = received[0]!;
    expect(run.id).toBe("abc");
    expect(run.parts.slice(0, 5).every((p) => p.length === 1000)).toBe(true);
    expect(Buffer.concat(run.parts).equals(body)).toBe(true);
  });

  it("takes an empty body as no parts", async () => {
    const answer = await put("/v1/test-uploads/abc/data", { "content-type": "text/csv", "content-length": "0" }, []);
    expect(answer).toMatchObject({ status: 200, body: { bytes: 0, parts: 0 } });
  });

  it("refuses another media type with 415 naming Content-Type, before reading it", async () => {
    const answer = await put("/v1/test-uploads/abc/data", { "content-type": "application/json" }, [Buffer.from('{"a":1}')]);
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ type: expect.stringContaining("unsupported-media-type"), field: "Content-Type" });
    expect(received).toHaveLength(0);
  });

  it("refuses a declared length beyond the limit with 413 at once", async () => {
    const answer = await put("/v1/test-uploads/abc/data", { "content-type": "text/csv", "content-length": String(LIMIT + 1) }, []);
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ type: expect.stringContaining("payload-too-large"), field: "body" });
    expect(received).toHaveLength(0);
    // The body it did not read is not taken for the next request: the connection closes.
    expect(answer.connection).toBe("close");
  });

  it("answers 413 when a body without a declared length grows beyond the limit while read", async () => {
    const chunk = csv(16 * 1024);
    const answer = await put("/v1/test-uploads/abc/data", { "content-type": "text/csv" }, [chunk, chunk, chunk, chunk, chunk, chunk]);
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ field: "body" });
    expect(answer.connection).toBe("close");
    // The handler saw no more than the limit.
    expect(Buffer.concat(received[0]!.parts).length).toBeLessThanOrEqual(LIMIT);
  });
});

describe("the OpenAPI document of a streamed body", () => {
  const doc = openApiDocument([uploadRoute], { publicUrl: "https://api.example.test", issuer: "https://id.example.test/realms/relata" }) as {
    paths: Record<string, Record<string, { requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> }; responses: Record<string, { description: string }> }>>;
  };
  const operation = doc.paths["/v1/test-uploads/{id}/data"]!.put!;

  it("shows a binary body of the accepted types with its limit", () => {
    expect(operation.requestBody?.required).toBe(true);
    expect(Object.keys(operation.requestBody!.content)).toEqual(["text/csv"]);
    expect(operation.requestBody!.content["text/csv"]!.schema).toMatchObject({ type: "string", format: "binary", maxLength: LIMIT });
  });

  it("lists 413 and 415 for the body", () => {
    expect(operation.responses["413"]!.description).toContain(String(LIMIT));
    expect(operation.responses["415"]!.description).toContain("text/csv");
  });
});

describe("the HTTP server's request timeout", () => {
  it("follows the longest upload a route allows", () => {
    expect(longestUploadMs([uploadRoute])).toBe(3_600_000);
    expect(longestUploadMs([])).toBe(0);
  });
});
