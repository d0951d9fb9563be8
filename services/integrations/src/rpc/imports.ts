import {
  id,
  implement,
  InvalidArgument,
  protoEnum,
  StateConflict,
  text,
  validate,
  type CallContext,
  type EventBus,
  type Logger,
  type Repository,
  type ServiceRegistration,
} from "@relata/platform";
import { ImportServiceService, type ImportJob, type ImportResultsChunk } from "@relata/proto/integrations/v1/import";
import { z } from "zod";
import { bulkObject, importMatchKey, importOperation, jobState, toImportJob } from "../codec/import";
import { definitionProblem, FINAL_STATES, NO_COUNTS, type ImportJobRecord } from "../domain/import";
import { encodeImportWork, importJobEvent, importWorkSubject } from "../events/import";
import { FILE_PART_BYTES, type FileStore } from "../store/files";
import { failuresInOrder, type ImportModels } from "../store/imports";
import { importFileName } from "../workflows/import-runner";

/** The largest upload a job takes (the gateway refuses more before it reaches us). */
export const MAX_IMPORT_BYTES = 1024 ** 3;

const Mapping = z.object({ column: text(200).refine((c) => c !== "", "is required"), field: text(100).refine((f) => f !== "", "is required") });

export const importSchemas = {
  createImportJob: z.object({
    object: protoEnum(bulkObject, { required: true }),
    operation: protoEnum(importOperation, { required: true }),
    matchKey: protoEnum(importMatchKey, { required: false }),
    mapping: z.array(Mapping).max(100, "must have at most 100 columns").default([]),
    idempotencyKey: z.string().max(255, "must be at most 255 characters").default(""),
  }),
  getImportJob: z.object({ id: id() }),
  listImportJobs: z.object({
    page: z.object({ pageSize: z.number().int().min(0).max(200).default(0), cursor: z.string().default(""), sort: z.string().default("") }).optional(),
    state: protoEnum(jobState, { required: false }),
  }),
  appendImportData: z.object({
    id: id(),
    offset: z.coerce.number().int().min(0, "must not be negative"),
    data: z.instanceof(Uint8Array).refine((d) => d.byteLength > 0, "must not be empty").refine((d) => d.byteLength <= FILE_PART_BYTES, `must be at most ${FILE_PART_BYTES} bytes`),
  }),
};

export interface ImportServiceDeps {
  bus: EventBus;
  logger: Logger;
  models: ImportModels;
  imports: Repository<ImportJobRecord>;
  files: FileStore;
}

/** Queues the job for a worker; the message id is the job's, so completing again queues nothing twice. */
async function enqueueJob(bus: EventBus, job: ImportJobRecord): Promise<void> {
  await bus.publish(importWorkSubject(job._id), encodeImportWork({ tenantId: job.tenantId, jobId: job._id }), { msgId: job._id });
}

export function importService(deps: ImportServiceDeps): ServiceRegistration {
  const { imports, files, bus } = deps;

  async function append(request: unknown, ctx: CallContext): Promise<ImportJob> {
    const input = validate(importSchemas.appendImportData, request);
    const current = await imports.in(ctx).get(input.id);
    if (current.state !== "open") throw new StateConflict(`import job ${input.id} is ${current.state}: only an open job takes data`, "state");
    const end = input.offset + input.data.byteLength;
    if (input.offset < current.bytesUploaded) {
      // A part taken already, sent again (a retry): nothing to do.
      if (end <= current.bytesUploaded) return toImportJob(current);
      throw new StateConflict(`offset ${input.offset}: the upload is at byte ${current.bytesUploaded}; a part may not overlap what was taken`, "offset");
    }
    if (input.offset > current.bytesUploaded) throw new StateConflict(`offset ${input.offset}: the upload is at byte ${current.bytesUploaded}; send the part that starts there`, "offset");
    if (end > MAX_IMPORT_BYTES) throw new InvalidArgument("data", `an upload is at most ${MAX_IMPORT_BYTES} bytes`);
    // The part first, then the length: a crash between the two leaves a part the retry publishes
    // again (dropped as a duplicate by its id) before the length moves.
    await files.append(importFileName(input.id), input.offset, input.data);
    const updated = await imports.in(ctx).update(input.id, 0, (job) => {
      if (job.state !== "open") throw new StateConflict(`import job ${input.id} is ${job.state}: only an open job takes data`, "state");
      if (job.bytesUploaded >= end) return null;
      if (job.bytesUploaded !== input.offset) throw new StateConflict(`offset ${input.offset}: the upload is at byte ${job.bytesUploaded}`, "offset");
      return { set: { bytesUploaded: end }, events: () => [] };
    });
    return toImportJob(updated);
  }

  return implement(
    ImportServiceService,
    {
      async createImportJob(request, ctx) {
        const input = validate(importSchemas.createImportJob, request);
        const definition = { object: input.object, operation: input.operation, matchKey: input.matchKey ?? ("" as const), mapping: input.mapping };
        const problem = definitionProblem(definition);
        if (problem) throw new InvalidArgument(problem.field, problem.reason);
        const job = await imports.in(ctx).create({
          idempotencyKey: input.idempotencyKey,
          request: definition,
          build: () => ({
            ...definition,
            ...NO_COUNTS,
            state: "open",
            bytesUploaded: 0,
            checkpointLine: 0,
            error: "",
            createdBy: ctx.identity.subject,
            creator: { subject: ctx.identity.subject, roles: ctx.identity.roles, requestId: ctx.identity.requestId },
          }),
          events: () => [],
        });
        return toImportJob(job);
      },

      async getImportJob(request, ctx) {
        const input = validate(importSchemas.getImportJob, request);
        return toImportJob(await imports.in(ctx).get(input.id));
      },

      async listImportJobs(request, ctx) {
        const input = validate(importSchemas.listImportJobs, request);
        const { rows, nextCursor } = await imports.in(ctx).list(input.state ? { state: input.state } : {}, input.page);
        return { jobs: rows.map(toImportJob), page: { nextCursor } };
      },

      appendImportData: append,

      async completeImportUpload(request, ctx) {
        const input = validate(importSchemas.getImportJob, request);
        const job = await imports.in(ctx).update(input.id, 0, (current) => {
          if (current.state === "queued") return null;
          if (current.state !== "open") throw new StateConflict(`import job ${input.id} is ${current.state}: only an open job can be completed`, "state");
          if (current.bytesUploaded === 0) throw new StateConflict(`import job ${input.id} has no data: upload the CSV first`, "state");
          return { set: { state: "queued" }, events: () => [] };
        });
        // Again on a queued job (a retry after the publish failed): the same message id, taken once.
        if (job.state === "queued") await enqueueJob(bus, job);
        return toImportJob(job);
      },

      async abortImportJob(request, ctx) {
        const input = validate(importSchemas.getImportJob, request);
        const job = await imports.in(ctx).update(input.id, 0, (current) => {
          if (current.state === "aborted") return null;
          if (FINAL_STATES.includes(current.state)) throw new StateConflict(`import job ${input.id} is ${current.state}: it can no longer be aborted`, "state");
          return { set: { state: "aborted", completedAt: new Date() }, events: (next, actor) => [importJobEvent("aborted", next, actor)] };
        });
        // A running job stops at its next batch and removes the file itself.
        if (job.startedAt === undefined) await files.remove(importFileName(job._id));
        return toImportJob(job);
      },

      async *getImportResults(request, ctx): AsyncGenerator<ImportResultsChunk> {
        const input = validate(importSchemas.getImportJob, request);
        const job = await imports.in(ctx).get(input.id);
        for await (const rows of failuresInOrder(deps.models, job.tenantId, job._id)) {
          yield { failures: rows.map((r) => ({ line: String(r.line), field: r.field, reason: r.reason })) };
        }
      },
    },
    deps.logger,
  );
}
