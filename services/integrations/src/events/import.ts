import { buildEvent, type Actor, type PendingEvent } from "@relata/platform";
import { ImportJobChanged } from "@relata/proto/events/v1/integrations";
import { toImportJob } from "../codec/import";
import type { ImportJobRecord } from "../domain/import";
import { SUBJECTS } from "./stream";

export type ImportOutcome = "completed" | "failed" | "aborted";

const OUTCOME_SUBJECTS: Record<ImportOutcome, string> = {
  completed: SUBJECTS.importCompleted,
  failed: SUBJECTS.importFailed,
  aborted: SUBJECTS.importAborted,
};

/** How a job ended, with its snapshot (counters, error): partners subscribe webhooks to it. */
export function importJobEvent(outcome: ImportOutcome, r: ImportJobRecord, actor: Actor): PendingEvent {
  return buildEvent(OUTCOME_SUBJECTS[outcome], r._id, actor, r.updatedAt, (meta) => ImportJobChanged.encode({ meta, job: toImportJob(r) }).finish());
}

/** Where a job waits for a worker: one subject per job on the work queue. */
export const importWorkSubject = (jobId: string) => `integrations-work.import.${jobId}`;
export const IMPORT_WORK_SUBJECTS = "integrations-work.import.>";

/** The work message: which job of which tenant. */
export interface ImportWork {
  tenantId: string;
  jobId: string;
}

export function encodeImportWork(work: ImportWork): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(work));
}

export function decodeImportWork(data: Uint8Array): ImportWork {
  const parsed = JSON.parse(new TextDecoder().decode(data)) as Partial<ImportWork>;
  if (typeof parsed.tenantId !== "string" || typeof parsed.jobId !== "string") throw new Error("not an import work message");
  return { tenantId: parsed.tenantId, jobId: parsed.jobId };
}
