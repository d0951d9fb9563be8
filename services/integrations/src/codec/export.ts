import { enumCodec } from "@relata/platform/resource";
import type { ExportJob } from "@relata/proto/integrations/v1/export";
import { BulkObject, JobState } from "@relata/proto/integrations/v1/import";
import type { ExportJobRecord, ExportObject, ExportState } from "../domain/export";

export const bulkObject = enumCodec(BulkObject, "BULK_OBJECT_");
export const jobState = enumCodec(JobState, "JOB_STATE_");

/** The export states as the proto names them (an export is never open nor aborted). */
export const exportStateToProto = (state: ExportState): JobState => jobState.toProto(state);
export const exportObjectToProto = (object: ExportObject): BulkObject => bulkObject.toProto(object);

const isoTimestamp = (date: Date | undefined): string | undefined => (date ? new Date(date).toISOString() : undefined);

export function toExportJob(r: ExportJobRecord): ExportJob {
  return {
    id: r._id,
    tenantId: r.tenantId,
    object: exportObjectToProto(r.object),
    filters: { ...r.filters },
    state: exportStateToProto(r.state),
    rowsExported: String(r.rowsExported),
    bytesWritten: String(r.bytesWritten),
    error: r.error,
    createdBy: r.createdBy,
    version: String(r.version),
    createdAt: isoTimestamp(r.createdAt),
    updatedAt: isoTimestamp(r.updatedAt),
    startedAt: isoTimestamp(r.startedAt),
    completedAt: isoTimestamp(r.completedAt),
  };
}
