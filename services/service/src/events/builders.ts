import { buildEvent, type Actor, type PendingEvent } from "@relata/platform";
import { AppointmentChanged, AssignmentReason, BookableResourceChanged, CaseAssigned, CaseChanged, CaseEscalated, EntitlementChanged, EscalationRuleChanged, QueueChanged } from "@relata/proto/events/v1/service";
import { toAppointment, toBookableResource, toCase, toEntitlement, toEscalationRule, toQueue } from "../codec/mappers";
import type { AppointmentRecord, BookableResourceRecord, CaseRecord, EntitlementRecord, EscalationRecord, EscalationRuleRecord, QueueRecord } from "../domain/types";
import type { ResourceEvent } from "@relata/platform/resource";
import { casePriority } from "../resources";
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

export function entitlementEvent(kind: "created" | "updated" | "deleted" | "restored", r: EntitlementRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(RESOURCE_SUBJECTS.entitlement[kind], r._id, actor, at, (meta) => EntitlementChanged.encode({ meta, entitlement: toEntitlement(r) }).finish());
}

export function bookableResourceEvent(kind: "created" | "updated" | "deleted" | "restored", r: BookableResourceRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(RESOURCE_SUBJECTS.bookableResource[kind], r._id, actor, at, (meta) =>
    BookableResourceChanged.encode({ meta, resource: toBookableResource(r) }).finish(),
  );
}

/** What an appointment reports: its create is "booked", its cancel "cancelled". */
export const APPOINTMENT_SUBJECTS = {
  booked: SUBJECTS.appointmentBooked,
  cancelled: SUBJECTS.appointmentCancelled,
  updated: RESOURCE_SUBJECTS.appointment.updated,
  deleted: RESOURCE_SUBJECTS.appointment.deleted,
  restored: RESOURCE_SUBJECTS.appointment.restored,
} as const;

export type AppointmentChangeKind = keyof typeof APPOINTMENT_SUBJECTS;

export function appointmentEvent(kind: AppointmentChangeKind, r: AppointmentRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(APPOINTMENT_SUBJECTS[kind], r._id, actor, at, (meta) => AppointmentChanged.encode({ meta, appointment: toAppointment(r) }).finish());
}

export function queueEvent(kind: ResourceEvent, r: QueueRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(RESOURCE_SUBJECTS.queue[kind], r._id, actor, at, (meta) => QueueChanged.encode({ meta, queue: toQueue(r) }).finish());
}

export function escalationRuleEvent(kind: ResourceEvent, r: EscalationRuleRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(RESOURCE_SUBJECTS.escalationRule[kind], r._id, actor, at, (meta) =>
    EscalationRuleChanged.encode({ meta, escalationRule: toEscalationRule(r) }).finish(),
  );
}

/** Why a case changed hands, as service.case.assigned says. */
export type AssignmentCause = "queue_rule" | "taken" | "assigned" | "escalation";

const ASSIGNMENT_REASONS: Record<AssignmentCause, AssignmentReason> = {
  queue_rule: AssignmentReason.ASSIGNMENT_REASON_QUEUE_RULE,
  taken: AssignmentReason.ASSIGNMENT_REASON_TAKEN,
  assigned: AssignmentReason.ASSIGNMENT_REASON_ASSIGNED,
  escalation: AssignmentReason.ASSIGNMENT_REASON_ESCALATION,
};

/** service.case.assigned: the case after the change, with its owner and queue before it. */
export function caseAssignedEvent(r: CaseRecord, previous: { ownerId: string; queueId: string }, cause: AssignmentCause, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(SUBJECTS.caseAssigned, r._id, actor, at, (meta) =>
    CaseAssigned.encode({
      meta,
      case: toCase(r),
      previousOwnerId: previous.ownerId,
      previousQueueId: previous.queueId,
      reason: ASSIGNMENT_REASONS[cause],
    }).finish(),
  );
}

/** service.case.escalated: one rule fired by one SLA alert, with what it did and whom to notify. */
export function caseEscalatedEvent(r: EscalationRecord, actor: Actor): PendingEvent {
  const priority = (word: NonNullable<EscalationRecord["priority"]>) => casePriority.toProto(word);
  return buildEvent(SUBJECTS.caseEscalated, r.caseId, actor, r.createdAt, (meta) =>
    CaseEscalated.encode({
      meta,
      caseId: r.caseId,
      ruleId: r.ruleId,
      managerId: r.managerId ?? "",
      reason: r.reason,
      alertEventId: r.alertEventId,
      previousPriority: priority(r.previousPriority),
      priority: priority(r.priority ?? r.previousPriority),
      previousQueueId: r.previousQueueId,
      queueId: r.queueId ?? r.previousQueueId,
    }).finish(),
  );
}
