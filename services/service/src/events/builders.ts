import { buildEvent, type Actor, type PendingEvent } from "@relata/platform";
import { AppointmentChanged, BookableResourceChanged, CaseChanged, EntitlementChanged } from "@relata/proto/events/v1/service";
import { toAppointment, toBookableResource, toCase, toEntitlement } from "../codec/mappers";
import type { AppointmentRecord, BookableResourceRecord, CaseRecord, EntitlementRecord } from "../domain/types";
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
