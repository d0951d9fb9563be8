import { csvRows } from "@relata/platform/http";
import { AppError, GrpcStatus, InvalidArgument, isGrpcError, type Actor, type CallOptions, type Logger, type PromiseClient } from "@relata/platform";
import { listRequest } from "@relata/platform/resource";
import type { BulkServiceService } from "@relata/proto/sales/v1/bulk";
import { checkFilters, exportCells, exportColumns, exportFileName, PROGRESS_EVERY_ROWS, type ExportJobRecord, type ExportObject } from "../domain/export";
import { resourceOf } from "../domain/sales-records";
import { exportEndedEvent, type ExportWork } from "../events/export";
import type { ExportJobs } from "../store/exports";
import { FILE_PART_BYTES, type FileStore } from "../store/files";

/** Sales' bulk reads an export job streams from. */
export type SalesExports = Pick<PromiseClient<typeof BulkServiceService>, "exportAccounts" | "exportContacts" | "exportLeads">;

export interface ExportRunDeps {
  jobs: ExportJobs;
  files: Pick<FileStore, "append" | "remove">;
  sales: SalesExports;
  logger: Logger;
  /** Rows between progress writes (default PROGRESS_EVERY_ROWS). */
  progressEveryRows?: number;
}

/** Deliveries of a job's message before a failure that might pass (Sales down) fails the job. */
export const EXPORT_MAX_ATTEMPTS = 5;

/** The longest a run may read from Sales (the stream's deadline). */
const RUN_DEADLINE_MS = 12 * 3600 * 1000;

/** Sales' answers that another try would not change: the job fails at once. */
const PERMANENT = new Set<number>([
  GrpcStatus.INVALID_ARGUMENT,
  GrpcStatus.NOT_FOUND,
  GrpcStatus.PERMISSION_DENIED,
  GrpcStatus.UNAUTHENTICATED,
  GrpcStatus.FAILED_PRECONDITION,
  GrpcStatus.UNIMPLEMENTED,
  GrpcStatus.OUT_OF_RANGE,
]);

/** The filters as a list query; a refused one is an InvalidArgument naming `filters.<name>`. */
export function parseFilters(object: ExportObject, filters: Record<string, string>): Record<string, unknown> {
  const checked = checkFilters(object, filters);
  if ("problem" in checked) {
    const field = `filters.${checked.problem.name}`;
    throw new InvalidArgument(field, `${field}: ${checked.problem.message}`);
  }
  return checked.query;
}

/** Another run of the job took over (this one was presumed dead): it stops without writing. */
class Superseded extends Error {}

/** Each record's chunk of Sales' export stream, whichever the object. */
function recordsOf(object: ExportObject, sales: SalesExports, request: { filters: unknown }, call: CallOptions): AsyncIterable<unknown[]> {
  const chunks =
    object === "accounts"
      ? mapChunks(sales.exportAccounts(request as Parameters<SalesExports["exportAccounts"]>[0], call), (c) => c.accounts)
      : object === "contacts"
        ? mapChunks(sales.exportContacts(request as Parameters<SalesExports["exportContacts"]>[0], call), (c) => c.contacts)
        : mapChunks(sales.exportLeads(request as Parameters<SalesExports["exportLeads"]>[0], call), (c) => c.leads);
  return chunks;
}

async function* mapChunks<C>(chunks: AsyncIterable<C>, records: (chunk: C) => unknown[]): AsyncGenerator<unknown[]> {
  for await (const chunk of chunks) yield records(chunk);
}

/**
 * Cuts a stream of text into file parts of exactly FILE_PART_BYTES (the last one shorter) and
 * appends them in order: at most one part and one chunk are held at a time.
 */
export class PartWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  offset = 0;

  constructor(
    private readonly files: Pick<FileStore, "append">,
    private readonly name: string,
  ) {}

  async write(text: string): Promise<void> {
    const data = Buffer.from(text, "utf8");
    this.pending.push(data);
    this.pendingBytes += data.byteLength;
    while (this.pendingBytes >= FILE_PART_BYTES) {
      const all = Buffer.concat(this.pending, this.pendingBytes);
      await this.appendPart(all.subarray(0, FILE_PART_BYTES));
      const rest = all.subarray(FILE_PART_BYTES);
      this.pending = rest.byteLength ? [Buffer.from(rest)] : [];
      this.pendingBytes = rest.byteLength;
    }
  }

  async end(): Promise<void> {
    if (this.pendingBytes === 0) return;
    await this.appendPart(Buffer.concat(this.pending, this.pendingBytes));
    this.pending = [];
    this.pendingBytes = 0;
  }

  private async appendPart(part: Uint8Array): Promise<void> {
    await this.files.append(this.name, this.offset, part);
    this.offset += part.byteLength;
  }
}

const errorText = (err: unknown): string => {
  if (isGrpcError(err)) return err.details || err.message;
  return err instanceof Error ? err.message : String(err);
};

function isPermanent(err: unknown): boolean {
  if (err instanceof AppError) return PERMANENT.has(err.code);
  return isGrpcError(err) && PERMANENT.has(err.code);
}

/**
 * Runs one delivery of an export job's message. A finished job is left as it is (the message
 * came again); a queued one starts; one in progress was interrupted (its process died) and
 * starts again from the beginning with a new run, after the interrupted run's parts are removed.
 * A failure Sales will keep giving fails the job; one that may pass (Sales unreachable) is
 * thrown for redelivery until the last attempt, which fails the job. An abort (shutdown) is
 * thrown: the message comes back and the job runs again elsewhere.
 */
export async function runExportJob(deps: ExportRunDeps, work: ExportWork, attempt: number, signal?: AbortSignal): Promise<void> {
  const system: Actor = { tenantId: work.tenantId, actorId: "integrations", requestId: `export-${work.jobId}` };
  const found = await deps.jobs.in(system).find(work.jobId);
  if (!found || found.state === "completed" || found.state === "failed") return;
  const actor: Actor = { tenantId: work.tenantId, actorId: found.createdBy, requestId: `export-${work.jobId}` };
  const jobs = deps.jobs.in(actor);

  const job = await jobs.update(work.jobId, 0, (current) => {
    if (current.state === "completed" || current.state === "failed") return null;
    return {
      set: { state: "in_progress", run: current.run + 1, rowsExported: 0, bytesWritten: 0, error: "", startedAt: new Date() },
      events: () => [],
    };
  });
  if (job.state !== "in_progress") return;
  const run = job.run;
  // An interrupted run's parts: gone before this run writes, so nobody downloads a mix.
  for (let earlier = 1; earlier < run; earlier++) await deps.files.remove(exportFileName(job._id, earlier));

  const fileName = exportFileName(job._id, run);
  try {
    const { rows, bytes } = await writeExport(deps, job, fileName, signal);
    await jobs.update(job._id, 0, (current) => {
      if (current.run !== run || current.state !== "in_progress") return null;
      return {
        set: { state: "completed", rowsExported: rows, bytesWritten: bytes, completedAt: new Date() },
        events: (next, by) => [exportEndedEvent("completed", next, by)],
      };
    });
  } catch (err) {
    if (err instanceof Superseded) return;
    if (signal?.aborted) throw err;
    if (!isPermanent(err) && attempt < EXPORT_MAX_ATTEMPTS) {
      deps.logger.warn({ err: errorText(err), jobId: job._id, attempt }, "export interrupted; it runs again");
      throw err;
    }
    deps.logger.error({ err: errorText(err), jobId: job._id, attempt }, "export failed");
    await deps.files.remove(fileName);
    await jobs.update(job._id, 0, (current) => {
      if (current.run !== run || current.state !== "in_progress") return null;
      return {
        set: { state: "failed", error: errorText(err).slice(0, 1000), completedAt: new Date() },
        events: (next, by) => [exportEndedEvent("failed", next, by)],
      };
    });
  }
}

/** Streams the job's records from Sales into its file; the rows and bytes written. */
async function writeExport(deps: ExportRunDeps, job: ExportJobRecord, fileName: string, signal?: AbortSignal): Promise<{ rows: number; bytes: number }> {
  const resource = resourceOf(job.object);
  const filters = listRequest(resource, parseFilters(job.object, job.filters));
  const call: CallOptions = {
    identity: { tenantId: job.tenantId, subject: job.createdBy, roles: job.creatorRoles, requestId: `export-${job._id}` },
    deadline: new Date(Date.now() + RUN_DEADLINE_MS),
    ...(signal ? { signal } : {}),
  };
  const columns = exportColumns(job.object);
  const every = deps.progressEveryRows ?? PROGRESS_EVERY_ROWS;
  const writer = new PartWriter(deps.files, fileName);
  const jobs = deps.jobs.in({ tenantId: job.tenantId, actorId: job.createdBy, requestId: `export-${job._id}` });
  let rows = 0;
  let reported = 0;

  async function* batches(): AsyncGenerator<unknown[][]> {
    for await (const records of recordsOf(job.object, deps.sales, { filters }, call)) {
      yield records.map((record) => exportCells(job.object, record, columns));
      rows += records.length;
    }
  }

  for await (const text of csvRows(columns, batches())) {
    await writer.write(text);
    if (rows - reported >= every) {
      reported = rows;
      const at = { rows, bytes: writer.offset };
      const current = await jobs.update(job._id, 0, (c) => (c.run !== job.run || c.state !== "in_progress" ? null : { set: { rowsExported: at.rows, bytesWritten: at.bytes }, events: () => [] }));
      if (current.run !== job.run || current.state !== "in_progress") throw new Superseded();
    }
  }
  await writer.end();
  return { rows, bytes: writer.offset };
}
