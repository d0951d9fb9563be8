import { csvReply, csvRows, preferredType, route, type RouteSpec } from "@relata/platform/http";
import type { QueryChunk } from "@relata/proto/reporting/v1/query";
import type { ReportingClients } from "../../client";
import { CatalogueJson, catalogueJson, queryMessage, QueryJson, QueryResultJson, rowValues } from "../schemas/query";

const JSON_TYPE = "application/json";
const CSV_TYPE = "text/csv";

/** An export takes as long as its rows take to arrive: its own deadline rather than the gateway's request timeout. */
export const EXPORT_TIMEOUT_MS = 30 * 60 * 1000;

/** Today in the time zone, YYYY-MM-DD (the export's file name). */
function today(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

/**
 * The chunks of an export as CSV batches. The first chunk (with the columns) is read before the
 * reply is made, so a query the service refuses is a problem answer, not a cut-off download.
 */
async function csvExport(chunks: AsyncIterable<QueryChunk>): Promise<AsyncIterable<string>> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  const columns = first.done ? [] : first.value.columns;
  async function* batches(): AsyncGenerator<unknown[][]> {
    try {
      if (first.done) return;
      yield first.value.rows.map((r) => rowValues(r, columns));
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value.rows.map((r) => rowValues(r, columns));
    } finally {
      // The client went away: stop the stream (cancels the call).
      await iterator.return?.();
    }
  }
  return csvRows(
    columns.map((c) => c.name),
    batches(),
  );
}

export function queryRoutes(reporting: ReportingClients): RouteSpec[] {
  return [
    route({
      operationId: "getAnalyticsCatalogue",
      method: "get",
      path: "/v1/analytics/catalogue",
      operation: "analytics.catalogue",
      tag: "Analytics",
      summary: "The catalogue of ad-hoc queries: the facts the caller may query, their dimensions, measures and times",
      description:
        "Lists only the facts the caller's roles may read: opportunities and leads for sales managers, responses for marketers, cases for support managers, articleViews and searches for support managers and knowledge editors; analysts, tenant admins and partner clients with reporting:read read every fact.",
      responses: { 200: { description: "The catalogue.", schema: CatalogueJson } },
      handler: async (ctx) => ({ body: catalogueJson(await reporting.query.getCatalogue({}, ctx.call)) }),
    }),
    route({
      operationId: "runAnalyticsQuery",
      method: "post",
      path: "/v1/analytics/query",
      operation: "analytics.query",
      tag: "Analytics",
      summary: "Run an ad-hoc query over a fact of the catalogue; with Accept: text/csv, export every row as CSV",
      description:
        "Measures (count, sum, avg, min, max) grouped by a time bucket in `timeZone` and dimensions, filtered, ordered by the bucket then the dimensions. Names not in the catalogue are a 400 naming the field (`measures.1.field`, `dimensions.0`, `filters.0.values.0`); a fact the caller's roles may not read is a 403 naming `fact`. " +
        "As JSON, at most `limit` rows (default 1000, at most 10,000) and `truncated` when more matched. With `Accept: text/csv` every row is streamed as a CSV download (`<fact>-<date>.csv`, no row limit; cells a spreadsheet would run as formulas are neutralised).",
      body: QueryJson,
      timeoutMs: EXPORT_TIMEOUT_MS,
      responses: {
        200: { description: "The rows.", schema: QueryResultJson, contentTypes: [CSV_TYPE], headers: ["Content-Disposition"] },
      },
      handler: async (ctx) => {
        const query = queryMessage(ctx.body);
        if (preferredType(ctx.req.get("accept"), [JSON_TYPE, CSV_TYPE]) === CSV_TYPE) {
          const stream = await csvExport(reporting.query.exportQuery({ query }, ctx.call));
          return csvReply(stream, `${query.fact}-${today(query.timeZone || "UTC")}.csv`);
        }
        const result = await reporting.query.runQuery({ query }, ctx.call);
        return { body: { columns: result.columns, rows: result.rows.map((r) => rowValues(r, result.columns)), truncated: result.truncated } };
      },
    }),
  ];
}
