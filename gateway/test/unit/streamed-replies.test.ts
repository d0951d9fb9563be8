import http from "node:http";
import type { AddressInfo } from "node:net";
import { ChannelCredentials, Client, Server, ServerCredentials } from "@grpc/grpc-js";
import { createLogger, implement, InvalidArgument, promiseClient, type CallContext, type ServiceDefinition } from "@relata/platform";
import { csvReply, csvRows, preferredType, route, type RouteSpec } from "@relata/platform/http";
import express, { type Express } from "express";
import request from "supertest";
import { z } from "zod";
import { stateOf } from "../../src/http/context";
import { errorHandler, notFound } from "../../src/middleware/errors";
import { requestContext } from "../../src/middleware/request-context";
import { openApiDocument } from "../../src/openapi/document";
import { mountRoutes } from "../../src/routes/define";

/**
 * Streamed answers end to end: a route whose handler reads a server-streaming RPC (a real grpc-js
 * server implemented with the kit's `implement`, called with the kit's client) and answers it as
 * CSV, mounted by the gateway's `mountRoutes`. The service is built by hand (JSON on the wire):
 * no production proto is involved.
 */
interface RowsRequest {
  count: number;
  mode?: "rows" | "before" | "mid" | "endless";
  failAfter?: number;
}
interface Row {
  n: number;
  name: string;
  tenant: string;
  padding: string;
}
const json = <T>() => ({ serialize: (v: T) => Buffer.from(JSON.stringify(v)), deserialize: (b: Buffer) => JSON.parse(b.toString()) as T });
const rowsService = {
  listRows: {
    path: "/relata.test.v1.Rows/ListRows",
    requestStream: false,
    responseStream: true,
    requestSerialize: json<RowsRequest>().serialize,
    requestDeserialize: json<RowsRequest>().deserialize,
    responseSerialize: json<Row>().serialize,
    responseDeserialize: json<Row>().deserialize,
  },
} as const satisfies ServiceDefinition;

interface Run {
  produced: number;
  aborted: boolean;
  finallyRan: Promise<void>;
}
const runs: Run[] = [];

async function* listRows(request: RowsRequest, ctx: CallContext): AsyncGenerator<Row> {
  let ran!: () => void;
  const run: Run = { produced: 0, aborted: false, finallyRan: new Promise((resolve) => (ran = resolve)) };
  runs.push(run);
  try {
    if (request.mode === "before") throw new InvalidArgument("query.columns", 'query.columns: unknown column "secret"');
    for (let n = 0; request.mode === "endless" || n < request.count; n++) {
      if (request.mode === "mid" && n === request.failAfter) throw new InvalidArgument("query.filter", "query.filter: cannot compare a date with a number");
      run.produced++;
      yield { n, name: n % 7 === 0 ? `=cell ${n}, "quoted"` : `row ${n}`, tenant: ctx.identity.tenantId, padding: request.mode === "endless" ? "x".repeat(1024) : "" };
    }
  } finally {
    run.aborted = ctx.signal.aborted;
    ran();
  }
}

const Query = z.strictObject({
  count: z.coerce.number().int().min(0).default(3),
  mode: z.enum(["rows", "before", "mid", "endless"]).optional(),
  failAfter: z.coerce.number().int().optional(),
});

let grpcServer: Server;
let channel: Client;
let app: Express;
let base: string;
let httpServer: http.Server;
const logger = createLogger("streamed-replies-test", "silent");
const logged: { obj: unknown; msg: string }[] = [];

function exportRoute(client: ReturnType<typeof promiseClient<typeof rowsService>>): RouteSpec {
  return route({
    operationId: "exportTestRows",
    method: "get",
    path: "/v1/test-rows",
    operation: "leads.read",
    tag: "Leads",
    summary: "Rows, as JSON or a CSV download",
    query: Query,
    responses: {
      200: { description: "The rows.", schema: z.object({ count: z.number() }), contentTypes: ["text/csv"], headers: ["Content-Disposition"] },
    },
    handler: async (ctx) => {
      const type = preferredType(ctx.req.get("accept"), ["application/json", "text/csv"]);
      if (type !== "text/csv") return { body: { count: ctx.query.count } };
      const rows = client.listRows(ctx.query, ctx.call);
      async function* batches() {
        for await (const r of rows) yield [[r.n, r.name, r.tenant, r.padding]];
      }
      return csvReply(csvRows(["n", "name", "tenant", "padding"], batches()), `rows ${ctx.identity.tenantId}.csv`);
    },
  });
}

/** Answers how far away its backend calls' deadline is. */
const deadlineRoute = route({
  operationId: "testDeadline",
  method: "get",
  path: "/v1/test-deadline",
  operation: "leads.read",
  tag: "Leads",
  summary: "The deadline of the backend calls",
  timeoutMs: 600_000,
  responses: { 200: { description: "How far away the deadline is." } },
  handler: async (ctx) => ({ body: { remainingMs: ctx.call.deadline!.getTime() - Date.now() } }),
});

beforeAll(async () => {
  grpcServer = new Server();
  const registration = implement(rowsService, { listRows }, createLogger("rows", "silent"));
  grpcServer.addService(registration.definition, registration.implementation);
  const port = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  channel = new Client(`127.0.0.1:${port}`, ChannelCredentials.createInsecure());
  const client = promiseClient(rowsService, channel, { defaultTimeoutMs: 30_000 });

  jest.spyOn(logger, "error").mockImplementation(((obj: unknown, msg: string) => {
    logged.push({ obj, msg });
  }) as never);
  app = express();
  app.use(requestContext(30_000));
  // Stands in for authentication: a tenant admin of acme.
  app.use((_req, res, next) => {
    const state = stateOf(res);
    state.caller = { kind: "user", subject: "u-1", tenant: "acme", roles: ["tenant-admin"], scopes: [] };
    state.identity = { tenantId: "acme", subject: "u-1", roles: ["tenant-admin"], requestId: state.requestId };
    next();
  });
  app.use(mountRoutes([exportRoute(client), deadlineRoute], { publicUrl: "http://gw.test", logger }));
  app.use(notFound);
  app.use(errorHandler(logger));
  httpServer = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => httpServer.once("listening", resolve));
  base = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => httpServer.close(resolve));
  channel.close();
  await new Promise<void>((resolve) => grpcServer.tryShutdown(() => resolve()));
});
beforeEach(() => {
  runs.length = 0;
  logged.length = 0;
});

/** A GET read with Node's own client: what arrived, and whether the transfer was cut off. */
function rawGet(path: string, onResponse?: (res: http.IncomingMessage, req: http.ClientRequest) => void): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { headers: { Accept: "text/csv" } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      const done = (truncated: boolean) => resolve({ status: res.statusCode!, headers: res.headers, text, truncated });
      res.on("end", () => done(false));
      res.on("aborted", () => done(true));
      res.on("error", () => done(true));
      onResponse?.(res, req);
    });
    req.on("error", reject);
  });
}

/** Waits until `value()` stops changing (the producer is parked), within a bound. */
async function settled(value: () => number): Promise<number> {
  let last = -1;
  for (let i = 0; i < 100 && value() !== last; i++) {
    last = value();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return value();
}

test("10,000 rows stream from the RPC to a CSV download, in order, with the caller's tenant", async () => {
  const res = await request(app).get("/v1/test-rows?count=10000").set("Accept", "text/csv").buffer(true).parse((r, cb) => {
    let text = "";
    r.setEncoding("utf8");
    r.on("data", (c: string) => (text += c));
    r.on("end", () => cb(null, text));
  });
  expect(res.status).toBe(200);
  expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
  expect(res.headers["content-disposition"]).toBe('attachment; filename="rows acme.csv"');
  expect(res.headers["transfer-encoding"]).toBe("chunked");
  const lines = (res.body as string).split("\r\n");
  expect(lines[0]).toBe("n,name,tenant,padding");
  expect(lines).toHaveLength(10_002); // header, 10,000 rows, and the empty string after the last CRLF
  expect(lines[1]).toBe(`0,"'=cell 0, ""quoted""",acme,`);
  expect(lines[2]).toBe("1,row 1,acme,");
  expect(lines.slice(1, -1).every((line, i) => line.startsWith(`${i},`))).toBe(true);
});

test("the same operation answers JSON when the caller asks for it", async () => {
  const res = await request(app).get("/v1/test-rows?count=5").set("Accept", "application/json").expect(200);
  expect(res.body).toEqual({ count: 5 });
  expect(runs).toHaveLength(0);
});

test("a stream that fails before its first chunk is an ordinary problem naming the field", async () => {
  const res = await request(app).get("/v1/test-rows?mode=before").set("Accept", "text/csv").expect(400);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(res.headers["content-disposition"]).toBeUndefined();
  expect(res.body).toMatchObject({ status: 400, field: "query.columns", detail: 'query.columns: unknown column "secret"' });
});

test("a stream that fails after its headers cuts the connection (a truncated transfer) and is logged", async () => {
  // 10,000 rows (~200 KB) first: more than the CSV writer's first chunk, so the headers are out.
  const { status, text, truncated } = await rawGet("/v1/test-rows?count=20000&mode=mid&failAfter=10000");
  expect(status).toBe(200);
  expect(truncated).toBe(true);
  expect(text.startsWith("n,name,tenant,padding\r\n")).toBe(true);
  expect(text).toContain("\r\n100,row 100,acme,\r\n");
  expect(text).not.toContain("\r\n10000,");
  expect(logged).toEqual([expect.objectContaining({ msg: "streamed answer failed after its headers were sent; connection cut" })]);
});

test("a client that goes away cancels the RPC: the service's generator stops and its finally runs", async () => {
  let received = 0;
  const result = await rawGet("/v1/test-rows?mode=endless", (res, req) => {
    res.on("data", (chunk: string) => {
      received += chunk.length;
      if (received > 100_000) req.destroy();
    });
  });
  expect(result.truncated).toBe(true);
  await runs[0]!.finallyRan;
  expect(runs[0]!.aborted).toBe(true);
});

test("a client that stops reading holds the service back (backpressure through the gateway)", async () => {
  let paused!: (req: http.ClientRequest) => void;
  const pausedReq = new Promise<http.ClientRequest>((resolve) => (paused = resolve));
  void rawGet("/v1/test-rows?mode=endless", (res, req) => {
    res.pause();
    paused(req);
  }).catch(() => undefined);
  const req = await pausedReq;
  const parked = await settled(() => runs[0]?.produced ?? 0);
  expect(parked).toBeGreaterThan(0);
  // ~1 KiB rows: socket buffers, HTTP/2 windows and stream buffers hold a few MiB, not 100.
  expect(parked).toBeLessThan(100_000);
  req.destroy();
  await runs[0]!.finallyRan;
  expect(runs[0]!.aborted).toBe(true);
});

test("HEAD answers the headers without starting the stream", async () => {
  const res = await request(app).head("/v1/test-rows?count=10").set("Accept", "text/csv").expect(200);
  expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
  expect(res.headers["content-disposition"]).toBe('attachment; filename="rows acme.csv"');
  expect(runs).toHaveLength(0);
});

test("a route's own timeout sets its backend calls' deadline instead of the gateway's request timeout", async () => {
  const res = await request(app).get("/v1/test-deadline").expect(200);
  // The app's request timeout is 30 s; the route asks for 10 minutes.
  expect(res.body.remainingMs).toBeGreaterThan(60_000);
  expect(res.body.remainingMs).toBeLessThanOrEqual(600_000);
});

test("OpenAPI lists the extra content type beside JSON, and the Content-Disposition header", () => {
  const client = promiseClient(rowsService, channel, { defaultTimeoutMs: 1_000 });
  const doc = openApiDocument([exportRoute(client)], { publicUrl: "http://gw.test", issuer: "http://issuer.test" }) as {
    paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }>; headers?: Record<string, unknown> }> }>>;
  };
  const ok = doc.paths["/v1/test-rows"]!.get!.responses["200"]!;
  expect(Object.keys(ok.content!)).toEqual(["application/json", "text/csv"]);
  expect(ok.content!["text/csv"]!.schema).toMatchObject({ type: "string" });
  expect(ok.content!["application/json"]!.schema).toMatchObject({ type: "object" });
  expect(Object.keys(ok.headers!)).toEqual(["Content-Disposition"]);
});
