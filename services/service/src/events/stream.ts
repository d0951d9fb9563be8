import type { StreamSpec } from "@relata/platform";
import { eventSubjects } from "@relata/platform/resource";
import { appointment, bookableResource, entitlement, escalationRule, queue, supportCase } from "../resources";

/** The stream every Service event is published on. */
// allowMsgSchedules: the SLA clock sets its warnings and breaches as JetStream message schedules.
export const SERVICE_STREAM: StreamSpec = { name: "SERVICE", subjects: ["service.>"], allowMsgSchedules: true };

/** The generic changes of each CRUD resource, from its description: `service.<resource>.created|updated|deleted|restored`. */
export const RESOURCE_SUBJECTS = {
  case: eventSubjects(supportCase),
  entitlement: eventSubjects(entitlement),
  bookableResource: eventSubjects(bookableResource),
  appointment: eventSubjects(appointment),
  queue: eventSubjects(queue),
  escalationRule: eventSubjects(escalationRule),
};

/** The rest of the event catalogue (docs/events.md). A case's create is reported as "opened". */
export const SUBJECTS = {
  caseOpened: "service.case.opened",
  caseAssigned: "service.case.assigned",
  caseStatusChanged: "service.case.status_changed",
  caseResolved: "service.case.resolved",
  caseClosed: "service.case.closed",
  caseReopened: "service.case.reopened",
  casePublicReplyAdded: "service.case.public_reply_added",
  caseCsatGiven: "service.case.csat_given",
  caseEscalated: "service.case.escalated",
  slaWarning: "service.sla.warning",
  slaBreached: "service.sla.breached",
  appointmentBooked: "service.appointment.booked",
  appointmentCancelled: "service.appointment.cancelled",
} as const;
