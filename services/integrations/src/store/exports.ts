import { recordFields, repository, withTenantIndexes, type PublishAfterWrite, type Repository, type Stored } from "@relata/platform";
import { Schema, type Connection, type Model } from "mongoose";
import { EXPORT_OBJECTS, JOB_STATES, type ExportJobRecord } from "../domain/export";

export const exportJobSchema = withTenantIndexes(
  new Schema<Stored<ExportJobRecord>>(
    {
      ...recordFields,
      object: { type: String, required: true, enum: EXPORT_OBJECTS },
      filters: { type: Schema.Types.Mixed, default: {} },
      state: { type: String, required: true, enum: JOB_STATES },
      rowsExported: { type: Number, default: 0 },
      bytesWritten: { type: Number, default: 0 },
      error: { type: String, default: "" },
      createdBy: { type: String, required: true },
      creatorRoles: { type: [String], default: [] },
      run: { type: Number, default: 0 },
      startedAt: { type: Date, required: false },
      completedAt: { type: Date, required: false },
    },
    { versionKey: false, minimize: false },
  ),
  // The list filtered by state, newest first.
  [{ state: 1, createdAt: -1, _id: -1 }],
);

export function exportJobModel(db: Connection): Model<Stored<ExportJobRecord>> {
  return db.model<Stored<ExportJobRecord>>("ExportJob", exportJobSchema, "export_jobs");
}

export type ExportJobs = Repository<ExportJobRecord>;

export function exportJobRepository(model: Model<Stored<ExportJobRecord>>, publish: PublishAfterWrite): ExportJobs {
  return repository(model, { what: "export job", sortable: ["createdAt", "updatedAt"], defaultSort: "-createdAt", publish });
}
