import { recordFields, repository, withTenantIndexes, type PublishAfterWrite, type Repository, type Stored } from "@relata/platform";
import { Schema, type Connection, type Model } from "mongoose";
import type { ImportFailure, ImportJobRecord } from "../domain/import";

const count = { type: Number, required: true, default: 0 };

export const importJobSchema = withTenantIndexes(
  new Schema<Stored<ImportJobRecord>>(
    {
      ...recordFields,
      object: { type: String, required: true },
      operation: { type: String, required: true },
      matchKey: { type: String, default: "" },
      mapping: { type: [new Schema({ column: String, field: String }, { _id: false })], default: [] },
      state: { type: String, required: true },
      bytesUploaded: count,
      checkpointLine: count,
      rowsProcessed: count,
      rowsSucceeded: count,
      rowsFailed: count,
      rowsCreated: count,
      rowsUpdated: count,
      error: { type: String, default: "" },
      createdBy: { type: String, required: true },
      creator: { subject: String, roles: [String], requestId: String },
      startedAt: { type: Date, required: false },
      completedAt: { type: Date, required: false },
    },
    { versionKey: false },
  ),
  // A list filtered by state, newest first.
  [{ state: 1, createdAt: -1, _id: -1 }],
);

/** A failed row of a job: its id follows from job, line and field, so a batch stored again after a crash adds nothing. */
export interface ImportFailureRecord extends ImportFailure {
  _id: string;
  tenantId: string;
  jobId: string;
}

export const importFailureSchema = new Schema<ImportFailureRecord>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    jobId: { type: String, required: true },
    line: { type: Number, required: true },
    field: { type: String, default: "" },
    reason: { type: String, required: true },
  },
  { versionKey: false },
);
// The results file reads a job's failures in line order.
importFailureSchema.index({ tenantId: 1, jobId: 1, line: 1, _id: 1 });

export interface ImportModels {
  importJobs: Model<Stored<ImportJobRecord>>;
  importFailures: Model<ImportFailureRecord>;
}

export function createImportModels(db: Connection): ImportModels {
  return {
    importJobs: db.model<Stored<ImportJobRecord>>("ImportJob", importJobSchema, "import_jobs"),
    importFailures: db.model<ImportFailureRecord>("ImportFailure", importFailureSchema, "import_failures"),
  };
}

export function importJobRepository(models: ImportModels, publish: PublishAfterWrite): Repository<ImportJobRecord> {
  return repository<ImportJobRecord>(models.importJobs, { what: "import job", publish, sortable: ["createdAt", "updatedAt"], defaultSort: "-createdAt" });
}

/** Stores failures once each (their ids are deterministic): a duplicate from an earlier attempt is skipped. */
export async function storeFailures(models: ImportModels, failures: ImportFailureRecord[]): Promise<void> {
  if (failures.length === 0) return;
  try {
    // The raw driver: the rows are built here, mongoose's casting per document would cost more than the insert.
    await models.importFailures.collection.insertMany(failures as never[], { ordered: false });
  } catch (err) {
    type WriteError = { code?: number };
    const raw = (err as { writeErrors?: WriteError[] | WriteError }).writeErrors;
    const errors = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    if (errors.length === 0 || !errors.every((e) => e.code === 11000)) throw err;
  }
}

/** A job's failures in line order, a page at a time (by line, then id). */
export async function* failuresInOrder(models: ImportModels, tenantId: string, jobId: string, pageSize = 1000): AsyncGenerator<ImportFailureRecord[]> {
  let after: { line: number; id: string } | undefined;
  for (;;) {
    const position = after ? { $or: [{ line: { $gt: after.line } }, { line: after.line, _id: { $gt: after.id } }] } : {};
    const rows = await models.importFailures
      .find({ tenantId, jobId, ...position })
      .sort({ line: 1, _id: 1 })
      .limit(pageSize)
      .lean<ImportFailureRecord[]>();
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = { line: last.line, id: last._id };
  }
}
