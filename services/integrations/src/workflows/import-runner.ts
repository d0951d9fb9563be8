import { stableEventId, type Actor, type CallOptions, type ConsumerLoop, type EventBus, type Identity, type Logger, type ReceivedEvent, type Repository } from "@relata/platform";
import { createRequest, gatewaySchemas } from "@relata/platform/resource";
import {
  BulkMatchKey,
  BulkOperation,
  BulkRowOutcome,
  type BulkWriteOptions,
  type BulkWriteResponse,
  type WriteAccountsRequest,
  type WriteContactsRequest,
  type WriteLeadsRequest,
} from "@relata/proto/sales/v1/bulk";
import { csvRecords, type CsvRow } from "../domain/import-csv";
import { resourceOf } from "../domain/sales-records";
import {
  columnFields,
  FINAL_STATES,
  JobFailure,
  rowBody,
  type ImportCounters,
  type ImportFailure,
  type ImportJobRecord,
} from "../domain/import";
import { decodeImportWork, importJobEvent, IMPORT_WORK_SUBJECTS, type ImportWork } from "../events/import";
import { WORK_STREAM } from "../events/stream";
import type { FileStore } from "../store/files";
import { storeFailures, type ImportFailureRecord, type ImportModels } from "../store/imports";

/** Sales' bulk writes (BulkService), as the runner calls them. */
export interface SalesBulkWrites {
  writeAccounts(request: WriteAccountsRequest, call: CallOptions): Promise<BulkWriteResponse>;
  writeContacts(request: WriteContactsRequest, call: CallOptions): Promise<BulkWriteResponse>;
  writeLeads(request: WriteLeadsRequest, call: CallOptions): Promise<BulkWriteResponse>;
}

export interface ImportRunnerDeps {
  bus: EventBus;
  logger: Logger;
  models: ImportModels;
  imports: Repository<ImportJobRecord>;
  files: FileStore;
  bulk: SalesBulkWrites;
}

export interface ImportRunnerOptions {
  /** The durable consumer's name (default IMPORT_DURABLE). */
  durable?: string;
  /** Rows per call to Sales (and per checkpoint). */
  batchRows?: number;
  ackWaitMs?: number;
  /** Deliveries of a job's message before the job is failed (a crash redelivers it too). */
  maxDeliver?: number;
}

export const IMPORT_BATCH_ROWS = 1000;
export const IMPORT_DURABLE = "integrations-imports";
const SALES_ATTEMPTS = 4;
const SALES_CALL_TIMEOUT_MS = 120_000;

/** The uploaded CSV of a job in the FileStore. */
export const importFileName = (jobId: string) => `import.${jobId}`;

/** The id a record created from a line of a job gets, the same on every attempt. */
export const rowRecordId = (jobId: string, line: number) => stableEventId(jobId, String(line));

/** What the runner acts as: the job's creator, for events and for Sales. */
function creatorOf(job: ImportJobRecord): { actor: Actor; identity: Identity } {
  const identity: Identity = { tenantId: job.tenantId, subject: job.creator.subject, roles: job.creator.roles, requestId: job.creator.requestId };
  return { identity, actor: { tenantId: job.tenantId, actorId: job.creator.subject, requestId: job.creator.requestId } };
}

/** The runner was asked to stop: the job's message goes back and the job resumes from its checkpoint. */
class Stopping extends Error {}

interface SalesRow {
  line: number;
  id: string;
  record: unknown;
}

/** One batch: the valid rows for Sales, the rows that failed before it, and how far it reaches. */
interface Batch {
  rows: SalesRow[];
  failures: ImportFailure[];
  processed: number;
  invalid: number;
  lastLine: number;
}

const emptyBatch = (): Batch => ({ rows: [], failures: [], processed: 0, invalid: 0, lastLine: 0 });

/** What the gateway's create schema says of a row, as failures naming the fields. */
export function rowFailures(line: number, issues: readonly { path: PropertyKey[]; message: string }[]): ImportFailure[] {
  return issues.map((issue) => {
    const field = issue.path.map(String).join(".");
    return { line, field, reason: field ? `${field}: ${issue.message}` : issue.message };
  });
}

/**
 * Builds batches of rows from a job's CSV: the header's columns through the mapping, each later
 * row through the gateway's create schema of the object (the API's own validation) into Sales'
 * create request. Rows at or before `afterLine` (done by an earlier run) are read past unchecked.
 */
export function batchBuilder(job: Pick<ImportJobRecord, "_id" | "object" | "mapping">, afterLine: number) {
  const resource = resourceOf(job.object);
  const schema = gatewaySchemas(resource).create;
  let fields: (string | undefined)[] | undefined;
  let batch = emptyBatch();
  return {
    /** Adds a record; true once the header was read (false for the header itself). */
    add(row: CsvRow): boolean {
      if (fields === undefined) {
        if (row.line !== 1) throw new JobFailure("the file has no header");
        fields = columnFields(row.cells, job.object, job.mapping);
        return false;
      }
      if (row.line <= afterLine) return true;
      batch.processed++;
      batch.lastLine = row.line;
      const parsed = schema.safeParse(rowBody(row.cells, fields));
      if (!parsed.success) {
        batch.invalid++;
        batch.failures.push(...rowFailures(row.line, parsed.error.issues));
        return true;
      }
      const id = rowRecordId(job._id, row.line);
      batch.rows.push({ line: row.line, id, record: createRequest(resource, parsed.data as never, id) });
      return true;
    },
    get size(): number {
      return batch.processed;
    },
    get header(): boolean {
      return fields !== undefined;
    },
    take(): Batch {
      const taken = batch;
      batch = emptyBatch();
      return taken;
    },
  };
}

function writeOptions(job: ImportJobRecord): BulkWriteOptions {
  return {
    operation: job.operation === "upsert" ? BulkOperation.BULK_OPERATION_UPSERT : BulkOperation.BULK_OPERATION_INSERT,
    matchKey: job.matchKey === "email" ? BulkMatchKey.BULK_MATCH_KEY_EMAIL : job.matchKey === "external_id" ? BulkMatchKey.BULK_MATCH_KEY_EXTERNAL_ID : BulkMatchKey.BULK_MATCH_KEY_UNSPECIFIED,
  };
}

function transient(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  // UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED
  return code === 14 || code === 4 || code === 8 || code === 10;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ImportRunner {
  private loop?: ConsumerLoop<ImportWork>;
  private stopping = false;
  private readonly batchRows: number;
  private readonly maxDeliver: number;

  constructor(
    private readonly deps: ImportRunnerDeps,
    private readonly options: ImportRunnerOptions = {},
  ) {
    this.batchRows = options.batchRows ?? IMPORT_BATCH_ROWS;
    this.maxDeliver = options.maxDeliver ?? 20;
  }

  async start(): Promise<void> {
    const ackWaitMs = this.options.ackWaitMs ?? 60_000;
    this.loop = await this.deps.bus.consume<ImportWork>({
      stream: WORK_STREAM.name,
      durable: this.options.durable ?? IMPORT_DURABLE,
      filterSubjects: [IMPORT_WORK_SUBJECTS],
      decode: (data) => decodeImportWork(data),
      handle: (received) => this.handle(received),
      ackWaitMs,
      workingIntervalMs: Math.max(1_000, Math.floor(ackWaitMs / 3)),
      prefetch: 1,
      maxDeliver: this.maxDeliver,
      retryDelayMs: (attempt) => Math.min(30_000, 1_000 * 2 ** (attempt - 1)),
    });
  }

  /** Stops between batches: a job in progress is left at its checkpoint for the next run. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop?.stop();
  }

  private async handle(received: ReceivedEvent<ImportWork>): Promise<void> {
    const { tenantId, jobId } = received.event;
    const system: Actor = { tenantId, actorId: "system:importer", requestId: "" };
    const found = await this.deps.imports.in(system).find(jobId);
    if (!found) return;
    if (found.state !== "queued" && found.state !== "in_progress") {
      // Ended while its process was gone (an abort): its file may still be there.
      if (FINAL_STATES.includes(found.state)) await this.deps.files.remove(importFileName(jobId));
      return;
    }
    const { actor } = creatorOf(found);
    const claimed = await this.deps.imports.in(actor).update(jobId, 0, (current) =>
      current.state === "queued" ? { set: { state: "in_progress", startedAt: current.startedAt ?? new Date() }, events: () => [] } : null,
    );
    if (claimed.state !== "in_progress") return;
    try {
      await this.run(claimed);
    } catch (err) {
      if (err instanceof Stopping) throw err;
      const jobLevel = err instanceof JobFailure || (err as { code?: unknown }).code?.toString().startsWith("CSV_");
      if (!jobLevel && received.deliveryCount < this.maxDeliver) {
        this.deps.logger.warn({ jobId, tenantId, err: String(err), delivery: received.deliveryCount }, "import interrupted; it resumes from its checkpoint");
        throw err;
      }
      const reason = err instanceof Error ? err.message : String(err);
      await this.fail(claimed, jobLevel ? reason : `the import stopped after ${received.deliveryCount} attempts: ${reason}`);
    }
  }

  private async fail(job: ImportJobRecord, error: string): Promise<void> {
    const { actor } = creatorOf(job);
    await this.deps.imports.in(actor).update(job._id, 0, (current) =>
      current.state === "in_progress"
        ? { set: { state: "failed", error: error.slice(0, 1000), completedAt: new Date() }, events: (next, a) => [importJobEvent("failed", next, a)] }
        : null,
    );
    await this.deps.files.remove(importFileName(job._id));
  }

  /** Reads the job's file from the start, writes the rows after its checkpoint in batches, and ends it. */
  private async run(job: ImportJobRecord): Promise<void> {
    const { actor, identity } = creatorOf(job);
    const counts: ImportCounters = {
      rowsProcessed: job.rowsProcessed,
      rowsSucceeded: job.rowsSucceeded,
      rowsFailed: job.rowsFailed,
      rowsCreated: job.rowsCreated,
      rowsUpdated: job.rowsUpdated,
    };
    const builder = batchBuilder(job, job.checkpointLine);
    const options = writeOptions(job);
    // The batch being written while the next one is parsed: at most two batches in memory.
    let writing: Promise<boolean> | undefined;
    const flush = async (batch: Batch): Promise<boolean> => {
      const previous = writing;
      if (previous && !(await previous)) return false;
      if (this.stopping) throw new Stopping("stopping");
      writing = this.write(job, identity, actor, options, batch, counts);
      // Awaited at the next flush; a failure meanwhile must not count as unhandled.
      writing.catch(() => undefined);
      return true;
    };
    for await (const row of csvRecords(this.deps.files.read(importFileName(job._id)))) {
      if (builder.add(row) && builder.size >= this.batchRows) {
        if (!(await flush(builder.take()))) return this.aborted(job);
      }
    }
    if (!builder.header) throw new JobFailure("the file is empty: it needs a header");
    if (!(await flush(builder.take()))) return this.aborted(job);
    if (writing && !(await writing)) return this.aborted(job);
    await this.deps.imports.in(actor).update(job._id, 0, (current) =>
      current.state === "in_progress"
        ? { set: { state: "completed", completedAt: new Date() }, events: (next, a) => [importJobEvent("completed", next, a)] }
        : null,
    );
    await this.deps.files.remove(importFileName(job._id));
  }

  private async aborted(job: ImportJobRecord): Promise<void> {
    await this.deps.files.remove(importFileName(job._id));
  }

  /**
   * Writes one batch: its valid rows to Sales, its failures (the schema's and Sales' per-row
   * errors) to the job's results, then the checkpoint: the counters as absolute values and the
   * batch's last line, only while the job is still in progress. False when it was aborted.
   */
  private async write(job: ImportJobRecord, identity: Identity, actor: Actor, options: BulkWriteOptions, batch: Batch, counts: ImportCounters): Promise<boolean> {
    const failures = [...batch.failures];
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    let rejected = 0;
    if (batch.rows.length > 0) {
      const response = await this.callSales(job, identity, options, batch.rows);
      const byLine = new Map(response.results.map((r) => [Number(r.line), r]));
      for (const row of batch.rows) {
        const result = byLine.get(row.line);
        switch (result?.outcome) {
          case BulkRowOutcome.BULK_ROW_OUTCOME_CREATED:
            created++;
            break;
          case BulkRowOutcome.BULK_ROW_OUTCOME_UPDATED:
            updated++;
            break;
          case BulkRowOutcome.BULK_ROW_OUTCOME_UNCHANGED:
            unchanged++;
            break;
          default: {
            rejected++;
            const errors = result?.errors.length ? result.errors : [{ field: "", reason: result ? "rejected by Sales" : "Sales gave no result for the row" }];
            for (const e of errors) failures.push({ line: row.line, field: e.field, reason: e.field && !e.reason.startsWith(e.field) ? `${e.field}: ${e.reason}` : e.reason });
          }
        }
      }
    }
    const records: ImportFailureRecord[] = failures.map((f, i) => ({
      _id: stableEventId(job._id, String(f.line), f.field, String(i)),
      tenantId: job.tenantId,
      jobId: job._id,
      ...f,
      reason: f.reason.slice(0, 500),
    }));
    await storeFailures(this.deps.models, records);
    counts.rowsProcessed += batch.processed;
    counts.rowsFailed += batch.invalid + rejected;
    counts.rowsSucceeded += created + updated + unchanged;
    counts.rowsCreated += created;
    counts.rowsUpdated += updated;
    const snapshot = { ...counts };
    const checkpointed = await this.deps.imports.in(actor).update(job._id, 0, (current) =>
      current.state === "in_progress" ? { set: { ...snapshot, checkpointLine: Math.max(current.checkpointLine, batch.lastLine) }, events: () => [] } : null,
    );
    return checkpointed.state === "in_progress";
  }

  private async callSales(job: ImportJobRecord, identity: Identity, options: BulkWriteOptions, batch: SalesRow[]): Promise<BulkWriteResponse> {
    const rows = batch.map((r) => ({ line: String(r.line), id: r.id, record: r.record }));
    for (let attempt = 1; ; attempt++) {
      const call: CallOptions = { identity, deadline: new Date(Date.now() + SALES_CALL_TIMEOUT_MS) };
      try {
        switch (job.object) {
          case "accounts":
            return await this.deps.bulk.writeAccounts({ options, rows: rows as WriteAccountsRequest["rows"] }, call);
          case "contacts":
            return await this.deps.bulk.writeContacts({ options, rows: rows as WriteContactsRequest["rows"] }, call);
          case "leads":
            return await this.deps.bulk.writeLeads({ options, rows: rows as WriteLeadsRequest["rows"] }, call);
        }
      } catch (err) {
        if (attempt >= SALES_ATTEMPTS || !transient(err) || this.stopping) throw err;
        await pause(500 * 2 ** attempt);
      }
    }
  }
}
