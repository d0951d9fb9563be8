import { csvReply, csvRows, IdParams, inParts, listReply, pageOf, route, type RouteSpec } from "@relata/platform/http";
import { JobState, type ImportResultsChunk } from "@relata/proto/integrations/v1/import";
import type { IntegrationsClients } from "../../client";
import {
  CreateImportJobInput,
  createImportJobRequest,
  ImportJobJson,
  importJobJson,
  jobStateProto,
  ListImportJobsQuery,
  MAX_IMPORT_BYTES,
  UPLOAD_PART_BYTES,
} from "../schemas/imports";

const TAG = "Imports";
/** An upload of a gigabyte over a slow link: the deadline of its calls, from its start. */
export const UPLOAD_TIMEOUT_MS = 2 * 60 * 60 * 1000;
const RESULTS_TIMEOUT_MS = 30 * 60 * 1000;

const ImportJobPage = pageOf("ImportJobPage", ImportJobJson);

/** The failed rows as CSV batches (line, field, reason). */
async function* failureRows(chunks: AsyncIterable<ImportResultsChunk>): AsyncGenerator<unknown[][]> {
  for await (const chunk of chunks) yield chunk.failures.map((f) => [Number(f.line), f.field, f.reason]);
}

export function importRoutes(integrations: IntegrationsClients): RouteSpec[] {
  // The clients are read when a request comes (the gateway's tests build the routes without them).
  return [
    route({
      operationId: "createImportJob",
      method: "post",
      path: "/v1/imports",
      operation: "imports.write",
      tag: TAG,
      summary: "Create an import job (then upload its CSV and complete the upload)",
      description:
        "The job starts open. PUT the CSV to /v1/imports/{id}/data, then POST /v1/imports/{id}/complete: the job is queued and runs in the background. " +
        "An upsert needs matchKey; a mapping field that the object's create does not take is refused naming `mapping.N.field`.",
      body: CreateImportJobInput,
      idempotencyKey: true,
      responses: { 201: { description: "The job, open for its upload.", schema: ImportJobJson, headers: ["Location", "ETag"] } },
      handler: async (ctx) => {
        const job = await integrations.imports.createImportJob(createImportJobRequest(ctx.body, ctx.idempotencyKey), ctx.call);
        return { status: 201, body: importJobJson(job), location: `/v1/imports/${job.id}`, version: job.version };
      },
    }),
    route({
      operationId: "listImportJobs",
      method: "get",
      path: "/v1/imports",
      operation: "imports.read",
      tag: TAG,
      summary: "List the tenant's import jobs, newest first",
      query: ListImportJobsQuery,
      responses: { 200: { description: "A page of jobs.", schema: ImportJobPage, headers: ["Link"] } },
      handler: async (ctx) => {
        const page = { pageSize: ctx.query.limit ?? 0, cursor: ctx.query.cursor ?? "", sort: "" };
        const answer = await integrations.imports.listImportJobs({ page, state: ctx.query.state ? jobStateProto(ctx.query.state) : JobState.JOB_STATE_UNSPECIFIED }, ctx.call);
        return listReply(ctx, answer.jobs.map(importJobJson), answer.page?.nextCursor);
      },
    }),
    route({
      operationId: "getImportJob",
      method: "get",
      path: "/v1/imports/:id",
      operation: "imports.read",
      tag: TAG,
      summary: "Read an import job: its state and progress (rows processed, succeeded, failed)",
      params: IdParams,
      responses: { 200: { description: "The job.", schema: ImportJobJson, headers: ["ETag"] } },
      handler: async (ctx) => {
        const job = await integrations.imports.getImportJob({ id: ctx.params.id }, ctx.call);
        return { body: importJobJson(job), version: job.version };
      },
    }),
    route({
      operationId: "uploadImportData",
      method: "put",
      path: "/v1/imports/:id/data",
      operation: "imports.write",
      tag: TAG,
      summary: "Upload the job's CSV (streamed, up to 1 GiB)",
      description:
        "The body is the whole CSV file (RFC 4180, UTF-8, a header line first), read as it arrives and stored in parts; only an open job takes it. " +
        "Sending the same file again after an interrupted upload continues where the stored parts end (the parts already stored are skipped).",
      params: IdParams,
      streamedBody: { types: ["text/csv"], maxBytes: MAX_IMPORT_BYTES, description: "The CSV file." },
      timeoutMs: UPLOAD_TIMEOUT_MS,
      responses: { 200: { description: "The job with the bytes uploaded.", schema: ImportJobJson, headers: ["ETag"] } },
      handler: async (ctx) => {
        let offset = 0;
        let job = undefined;
        // One part at a time: the next is read from the client only once the service took this one.
        for await (const part of inParts(ctx.bodyStream, UPLOAD_PART_BYTES)) {
          job = await integrations.imports.appendImportData({ id: ctx.params.id, offset: String(offset), data: Buffer.from(part.buffer, part.byteOffset, part.byteLength) }, ctx.call);
          offset += part.byteLength;
        }
        job ??= await integrations.imports.getImportJob({ id: ctx.params.id }, ctx.call);
        return { body: importJobJson(job), version: job.version };
      },
    }),
    route({
      operationId: "completeImportUpload",
      method: "post",
      path: "/v1/imports/:id/complete",
      operation: "imports.write",
      tag: TAG,
      summary: "Mark the upload complete: the job is queued and runs in the background",
      params: IdParams,
      responses: { 200: { description: "The queued job.", schema: ImportJobJson, headers: ["ETag"] } },
      handler: async (ctx) => {
        const job = await integrations.imports.completeImportUpload({ id: ctx.params.id }, ctx.call);
        return { body: importJobJson(job), version: job.version };
      },
    }),
    route({
      operationId: "abortImportJob",
      method: "post",
      path: "/v1/imports/:id/abort",
      operation: "imports.write",
      tag: TAG,
      summary: "Abort an import job",
      description: "A running job stops before its next batch of rows; what it wrote stays written.",
      params: IdParams,
      responses: { 200: { description: "The aborted job.", schema: ImportJobJson, headers: ["ETag"] } },
      handler: async (ctx) => {
        const job = await integrations.imports.abortImportJob({ id: ctx.params.id }, ctx.call);
        return { body: importJobJson(job), version: job.version };
      },
    }),
    route({
      operationId: "getImportResults",
      method: "get",
      path: "/v1/imports/:id/results",
      operation: "imports.read",
      tag: TAG,
      summary: "The failed rows of an import job as CSV: line, field, reason",
      description: "Every refused row in line order: its line in the uploaded file (the header is line 1), the field (empty for the row as a whole) and why.",
      params: IdParams,
      timeoutMs: RESULTS_TIMEOUT_MS,
      responses: { 200: { description: "The failed rows.", contentTypes: ["text/csv"], headers: ["Content-Disposition"] } },
      handler: async (ctx) => {
        const chunks = integrations.imports.getImportResults({ id: ctx.params.id }, ctx.call);
        return csvReply(csvRows(["line", "field", "reason"], failureRows(chunks)), `import-${ctx.params.id}-results.csv`);
      },
    }),
  ];
}
