import { implement, NotFound, pendingEvent, protoEnum, StateConflict, text, validate, type ServiceRegistration } from "@relata/platform";
import { ExportServiceService, type FileChunk } from "@relata/proto/integrations/v1/export";
import { z } from "zod";
import { bulkObject, jobState, toExportJob } from "../codec/export";
import { exportFileName, type ExportJobRecord } from "../domain/export";
import { encodeExportWork, exportWorkSubject } from "../events/export";
import type { ExportJobs } from "../store/exports";
import type { FileStore } from "../store/files";
import { parseFilters } from "../workflows/export";
import type { IntegrationsDeps } from "./context";

const CreateInput = z.object({
  object: protoEnum(bulkObject, { required: true }),
  filters: z.record(z.string(), z.string().max(1024)).default({}),
  idempotencyKey: text(200),
});

const IdInput = z.object({ id: z.string().trim().min(1, "is required").max(64) });

const ListInput = z.object({
  page: z.object({ pageSize: z.number().optional(), cursor: z.string().optional(), sort: z.string().optional() }).optional(),
  state: protoEnum(jobState, { required: false }),
});

/**
 * Export jobs: create (queued, with its work message in the same write, sent by the outbox
 * relay), read and list the tenant's jobs, and stream a completed job's file.
 */
export function exportService(deps: Pick<IntegrationsDeps, "logger" | "files"> & { exportJobs: ExportJobs }): ServiceRegistration {
  const { exportJobs, files, logger } = deps;
  return implement(
    ExportServiceService,
    {
      async createExportJob(request, ctx) {
        const input = validate(CreateInput, request);
        const filters = Object.fromEntries(Object.entries(input.filters).map(([k, v]) => [k, v.trim()]));
        parseFilters(input.object, filters);
        const job = await exportJobs.in(ctx).create({
          idempotencyKey: input.idempotencyKey,
          request: { object: input.object, filters },
          build: () => ({
            object: input.object,
            filters,
            state: "queued",
            rowsExported: 0,
            bytesWritten: 0,
            error: "",
            createdBy: ctx.identity.subject,
            creatorRoles: [...ctx.identity.roles],
            run: 0,
          }),
          // The work message travels in the job's own write: no job without its message.
          events: (r) => [pendingEvent(exportWorkSubject(r._id), encodeExportWork({ tenantId: r.tenantId, jobId: r._id }), { id: r._id, headers: { "relata-tenant": r.tenantId } })],
        });
        return toExportJob(job);
      },
      async getExportJob(request, ctx) {
        const { id } = validate(IdInput, request);
        return toExportJob(await exportJobs.in(ctx).get(id));
      },
      async listExportJobs(request, ctx) {
        const { page, state } = validate(ListInput, request);
        const result = await exportJobs.in(ctx).list(state ? { state } : {}, page);
        return { jobs: result.rows.map(toExportJob), page: { nextCursor: result.nextCursor } };
      },
      async *downloadExport(request, ctx): AsyncGenerator<FileChunk> {
        const { id } = validate(IdInput, request);
        const job = await exportJobs.in(ctx).get(id);
        yield* fileOf(job, files, logger);
      },
    },
    logger,
  );
}

async function* fileOf(job: ExportJobRecord, files: Pick<FileStore, "read">, logger: IntegrationsDeps["logger"]): AsyncGenerator<FileChunk> {
  if (job.state !== "completed") throw new StateConflict(`export job ${job._id} is ${job.state}: its file is there once it is completed`, "state");
  let bytes = 0;
  for await (const data of files.read(exportFileName(job._id, job.run))) {
    bytes += data.byteLength;
    yield { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
  }
  // The stream's max age removed it (kept 7 days), or it was never written.
  if (bytes === 0 && job.bytesWritten > 0) {
    logger.info({ jobId: job._id }, "export file no longer kept");
    throw new NotFound("export file", job._id, `the file of export job ${job._id} is no longer kept (files are kept 7 days)`);
  }
}
