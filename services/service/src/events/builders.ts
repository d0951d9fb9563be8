import { buildEvent, type Actor, type PendingEvent } from "@relata/platform";
import { CaseChanged } from "@relata/proto/events/v1/service";
import { toCase } from "../codec/mappers";
import type { CaseRecord } from "../domain/types";
import { RESOURCE_SUBJECTS, SUBJECTS } from "./stream";

/**
 * Builders of the pending events a write enqueues in its own document, in the kit's envelope;
 * the payload is the record's snapshot after the change (never the outbox fields).
 */

/** What a case reports: its create is "opened"; lifecycle and assignment have their own subjects. */
export const CASE_SUBJECTS = {
  opened: SUBJECTS.caseOpened,
  updated: RESOURCE_SUBJECTS.case.updated,
  deleted: RESOURCE_SUBJECTS.case.deleted,
  restored: RESOURCE_SUBJECTS.case.restored,
  assigned: SUBJECTS.caseAssigned,
  status_changed: SUBJECTS.caseStatusChanged,
  resolved: SUBJECTS.caseResolved,
  closed: SUBJECTS.caseClosed,
  reopened: SUBJECTS.caseReopened,
} as const;

export type CaseChangeKind = keyof typeof CASE_SUBJECTS;

export function caseEvent(kind: CaseChangeKind, r: CaseRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(CASE_SUBJECTS[kind], r._id, actor, at, (meta) => CaseChanged.encode({ meta, case: toCase(r) }).finish());
}
