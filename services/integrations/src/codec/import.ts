import { enumCodec } from "@relata/platform";
import { BulkObject, ImportMatchKey, ImportOperation, JobState, type ImportJob } from "@relata/proto/integrations/v1/import";
import type { ImportJobRecord } from "../domain/import";

export const bulkObject = enumCodec(BulkObject, "BULK_OBJECT_");
export const importOperation = enumCodec(ImportOperation, "IMPORT_OPERATION_");
export const importMatchKey = enumCodec(ImportMatchKey, "IMPORT_MATCH_KEY_");
export const jobState = enumCodec(JobState, "JOB_STATE_");

export function toImportJob(r: ImportJobRecord): ImportJob {
  return {
    id: r._id,
    tenantId: r.tenantId,
    object: bulkObject.toProto(r.object),
    operation: importOperation.toProto(r.operation),
    matchKey: r.matchKey === "" ? ImportMatchKey.IMPORT_MATCH_KEY_UNSPECIFIED : importMatchKey.toProto(r.matchKey),
    mapping: r.mapping.map((m) => ({ column: m.column, field: m.field })),
    state: jobState.toProto(r.state),
    bytesUploaded: String(r.bytesUploaded),
    rowsProcessed: String(r.rowsProcessed),
    rowsSucceeded: String(r.rowsSucceeded),
    rowsFailed: String(r.rowsFailed),
    rowsCreated: String(r.rowsCreated),
    rowsUpdated: String(r.rowsUpdated),
    error: r.error,
    createdBy: r.createdBy,
    version: String(r.version),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    startedAt: r.startedAt?.toISOString(),
    completedAt: r.completedAt?.toISOString(),
  };
}
