import { InvalidArgument } from "@relata/platform";
import { isStreamedReply, type HandlerContext, type Reply, type RouteSpec } from "@relata/platform/http";
import type { QueryChunk, QueryResult, RunQueryRequest } from "@relata/proto/reporting/v1/query";
import type { ReportingClients } from "../../src/client";
import { queryRoutes } from "../../src/http/routes/query";
import { QueryJson } from "../../src/http/schemas/query";

/** POST /v1/analytics/query's content negotiation, over a stand-in for the Query service. */
const columns = [
  { name: "ownerId", type: "string" },
  { name: "count", type: "integer" },
  { name: "sum(amount)", type: "decimal" },
];
const calls: { method: string; request: RunQueryRequest }[] = [];
let exportFails = false;

const fakeClients = {
  query: {
    runQuery: async (request: RunQueryRequest): Promise<QueryResult> => {
      calls.push({ method: "runQuery", request });
      return { columns, rows: [{ cells: ["rep-1", "2", "10.50"], nullCells: [] }, { cells: ["", "1", ""], nullCells: [0, 2] }], truncated: false };
    },
    exportQuery: (request: RunQueryRequest): AsyncIterable<QueryChunk> => {
      calls.push({ method: "exportQuery", request });
      return (async function* () {
        if (exportFails) throw new InvalidArgument("dimensions.0", "dimensions.0: opportunities has no dimension");
        yield { columns, rows: [{ cells: ["=HYPERLINK(\"x\")", "2", "-10.50"], nullCells: [] }] };
        yield { columns: [], rows: [{ cells: ["", "1", ""], nullCells: [0, 2] }] };
      })();
    },
  },
} as unknown as ReportingClients;

const queryRoute = queryRoutes(fakeClients).find((r) => r.operationId === "runAnalyticsQuery")!;
const body = { fact: "opportunities", measures: [{ function: "count" }, { function: "sum", field: "amount" }], dimensions: ["ownerId"], timeZone: "Europe/Warsaw" };

function run(route: RouteSpec, accept: string | undefined): Promise<Reply> {
  const ctx = {
    body: QueryJson.parse(body),
    params: {},
    query: {},
    call: {},
    req: { path: "/v1/analytics/query", query: {}, get: (name: string) => (name.toLowerCase() === "accept" ? accept : undefined) },
  } as unknown as HandlerContext<unknown, unknown, unknown>;
  return route.handler(ctx);
}

async function text(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  let out = "";
  for await (const chunk of stream) out += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
  return out;
}

beforeEach(() => {
  calls.length = 0;
  exportFails = false;
});

test("JSON by default: typed cells (numbers for counts, exact strings for money, null for none)", async () => {
  for (const accept of [undefined, "application/json", "*/*", "application/json, text/csv;q=0.5"]) {
    const reply = await run(queryRoute, accept);
    expect(isStreamedReply(reply)).toBe(false);
    expect((reply as { body: unknown }).body).toEqual({ columns, rows: [["rep-1", 2, "10.50"], [null, 1, null]], truncated: false });
  }
  expect(calls.map((c) => c.method)).toEqual(["runQuery", "runQuery", "runQuery", "runQuery"]);
  expect(calls[0]!.request.query).toEqual({
    fact: "opportunities",
    measures: [{ function: "count", field: "" }, { function: "sum", field: "amount" }],
    dimensions: ["ownerId"],
    bucket: undefined,
    filters: [],
    timeZone: "Europe/Warsaw",
    limit: 0,
  });
});

test("Accept: text/csv streams every chunk of ExportQuery as a CSV download named after the fact and the day", async () => {
  const reply = await run(queryRoute, "text/csv");
  if (!isStreamedReply(reply)) throw new Error("expected a streamed reply");
  expect(reply.contentType).toBe("text/csv; charset=utf-8");
  expect(reply.filename).toMatch(/^opportunities-\d{4}-\d{2}-\d{2}\.csv$/);
  expect(await text(reply.stream)).toBe('ownerId,count,sum(amount)\r\n"\'=HYPERLINK(""x"")",2,-10.50\r\n,1,\r\n');
  expect(calls.map((c) => c.method)).toEqual(["exportQuery"]);
});

test("an export the service refuses at once is an error before any byte (a problem answer, not a cut-off file)", async () => {
  exportFails = true;
  await expect(run(queryRoute, "text/csv")).rejects.toMatchObject({ field: "dimensions.0" });
});

test("the OpenAPI of the route offers CSV beside JSON", () => {
  expect(queryRoute.responses[200]!.contentTypes).toEqual(["text/csv"]);
  expect(queryRoute.timeoutMs).toBeGreaterThan(60_000);
});
