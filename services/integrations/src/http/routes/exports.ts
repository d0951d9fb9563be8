import { created, csvReply, IdParams, listReply, ok, page, route, type RouteSpec } from "@relata/platform/http";
import { JobState } from "@relata/proto/integrations/v1/import";
import type { IntegrationsClients } from "../../client";
import { bulkObject, jobState } from "../../codec/export";
import { downloadName, EXPORT_RETENTION_DAYS } from "../../domain/export";
import { ExportCreateJson, ExportJobJson, exportJobJson, ExportJobPage, ExportListQuery } from "../schemas/exports";

/** A download takes as long as its file takes to send: its own deadline rather than the gateway's request timeout. */
const DOWNLOAD_TIMEOUT_MS = 60 * 60 * 1000;

const CSV_TYPE = "text/csv";

/** Export jobs: create one, follow its progress, list them, download a completed job's CSV. */
export function exportRoutes(integrations: IntegrationsClients): RouteSpec[] {
  return [
    route({
      operationId: "createExportJob",
      method: "post",
      path: "/v1/exports",
      operation: "exports.create",
      tag: "Exports",
      summary: "Export the accounts, contacts or leads a list's filters select, as CSV, in the background",
      description:
        "The job is queued and runs in the background: follow it with GET /v1/exports/{id} (rowsExported, bytesWritten, state) and download the file once it is completed. " +
        "`filters` are the list endpoint's query parameters of the object (GET /v1/accounts, /v1/contacts, /v1/leads), by their API names and with the same rules; a bad one is a 400 naming `filters.<name>`. " +
        "The records are read with the creator's rights, every live record of the tenant the filters select (never a deleted one). " +
        `The CSV has a header row and one row per record: id, the record's API fields, version, createdAt, updatedAt; nested values as JSON text; cells a spreadsheet would run as formulas are neutralised with a leading '. The file is kept ${EXPORT_RETENTION_DAYS} days.`,
      body: ExportCreateJson,
      idempotencyKey: true,
      responses: { 201: created(ExportJobJson) },
      handler: async (ctx) => {
        const job = await integrations.exports.createExportJob(
          { object: bulkObject.toProto(ctx.body.object), filters: ctx.body.filters, idempotencyKey: ctx.idempotencyKey },
          ctx.call,
        );
        return { status: 201, body: exportJobJson(job), location: `/v1/exports/${job.id}`, version: job.version };
      },
    }),
    route({
      operationId: "listExportJobs",
      method: "get",
      path: "/v1/exports",
      operation: "exports.read",
      tag: "Exports",
      summary: "The tenant's export jobs, newest first",
      query: ExportListQuery,
      responses: { 200: page(ExportJobPage) },
      handler: async (ctx) => {
        const res = await integrations.exports.listExportJobs(
          {
            page: { pageSize: ctx.query.limit ?? 0, cursor: ctx.query.cursor ?? "", sort: "" },
            state: ctx.query.state ? jobState.toProto(ctx.query.state) : JobState.JOB_STATE_UNSPECIFIED,
          },
          ctx.call,
        );
        return listReply(ctx, res.jobs.map(exportJobJson), res.page?.nextCursor);
      },
    }),
    route({
      operationId: "getExportJob",
      method: "get",
      path: "/v1/exports/:id",
      operation: "exports.read",
      tag: "Exports",
      summary: "An export job and its progress",
      params: IdParams,
      responses: { 200: ok(ExportJobJson, "The job: state, rowsExported, bytesWritten.") },
      handler: async (ctx) => {
        const job = await integrations.exports.getExportJob({ id: ctx.params.id }, ctx.call);
        return { body: exportJobJson(job), version: job.version };
      },
    }),
    route({
      operationId: "downloadExport",
      method: "get",
      path: "/v1/exports/:id/file",
      operation: "exports.read",
      tag: "Exports",
      summary: "The CSV of a completed export job",
      description: `Streamed as it is read (text/csv, offered as the download \`<object>-<day created>.csv\`). 409 naming \`state\` while the job is not completed; 404 once the file is no longer kept (${EXPORT_RETENTION_DAYS} days after it was written).`,
      params: IdParams,
      timeoutMs: DOWNLOAD_TIMEOUT_MS,
      responses: { 200: { description: "The CSV file.", contentTypes: [CSV_TYPE], headers: ["Content-Disposition"] } },
      handler: async (ctx) => {
        const job = await integrations.exports.getExportJob({ id: ctx.params.id }, ctx.call);
        const json = exportJobJson(job);
        const chunks = integrations.exports.downloadExport({ id: job.id }, ctx.call);
        return csvReply(bytesOf(chunks), downloadName({ object: json.object, createdAt: new Date(json.createdAt ?? Date.now()) }));
      },
    }),
  ];
}

async function* bytesOf(chunks: AsyncIterable<{ data: Uint8Array }>): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) yield chunk.data;
}
