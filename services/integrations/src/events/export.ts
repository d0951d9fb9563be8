import { buildEvent, stableEventId, type Actor, type PendingEvent } from "@relata/platform";
import { ExportJobChanged } from "@relata/proto/events/v1/integrations";
import { toExportJob } from "../codec/export";
import type { ExportJobRecord } from "../domain/export";
import { SUBJECTS } from "./stream";

/** The work queue's message of an export job: which job, for which tenant. */
export interface ExportWork {
  tenantId: string;
  jobId: string;
}

export const exportWorkSubject = (jobId: string) => `integrations-work.export.${jobId}`;
export const EXPORT_WORK_FILTER = "integrations-work.export.>";

export const encodeExportWork = (work: ExportWork): Uint8Array => Buffer.from(JSON.stringify(work));

export function decodeExportWork(data: Uint8Array): ExportWork {
  const value = JSON.parse(Buffer.from(data).toString("utf8")) as Partial<ExportWork>;
  if (typeof value.tenantId !== "string" || typeof value.jobId !== "string") throw new Error("not an export job's work message");
  return { tenantId: value.tenantId, jobId: value.jobId };
}

/**
 * integrations.export.completed | failed: the job as it ended. Its id comes from the job and
 * the outcome, so the event is one message however often the write that carries it is retried.
 */
export function exportEndedEvent(outcome: "completed" | "failed", r: ExportJobRecord, actor: Actor): PendingEvent {
  const subject = outcome === "completed" ? SUBJECTS.exportCompleted : SUBJECTS.exportFailed;
  return buildEvent(
    subject,
    r._id,
    actor,
    r.updatedAt,
    (meta) => ExportJobChanged.encode({ meta, job: toExportJob(r) }).finish(),
    stableEventId(subject, r.tenantId, r._id),
  );
}
