import { lifecycleTypes, publicEvents, type PublicEvent } from "@relata/platform/http";
import * as events from "@relata/proto/events/v1/service";
import { SERVICE_STREAM } from "./events/stream";
import { appointment, bookableResource, entitlement, escalationRule, queue, supportCase } from "./resources";

/** The events partners' webhooks may subscribe to (docs/events.md); the SLA and escalation timers are internal. */
const stream = SERVICE_STREAM.name;
export const SERVICE_PUBLIC_EVENTS: readonly PublicEvent[] = [
  ...publicEvents(
    stream,
    events,
    "CaseChanged",
    ["opened", "updated", "deleted", "restored", "status_changed", "resolved", "closed", "reopened"].map((v) => `service.case.${v}`),
    { resource: supportCase, field: "case" },
  ),
  ...publicEvents(stream, events, "CaseAssigned", ["service.case.assigned"], { resource: supportCase, field: "case" }),
  ...publicEvents(stream, events, "CaseEscalated", ["service.case.escalated"]),
  ...publicEvents(stream, events, "CasePublicReplyAdded", ["service.case.public_reply_added"], { resource: supportCase, field: "case" }),
  ...publicEvents(stream, events, "CaseCsatGiven", ["service.case.csat_given"], { resource: supportCase, field: "case" }),
  ...publicEvents(stream, events, "EntitlementChanged", lifecycleTypes("service.entitlement"), { resource: entitlement, field: "entitlement" }),
  ...publicEvents(stream, events, "BookableResourceChanged", lifecycleTypes("service.bookable_resource"), { resource: bookableResource, field: "resource" }),
  ...publicEvents(stream, events, "AppointmentChanged", ["booked", "cancelled", "updated", "deleted", "restored"].map((v) => `service.appointment.${v}`), {
    resource: appointment,
    field: "appointment",
  }),
  ...publicEvents(stream, events, "QueueChanged", lifecycleTypes("service.queue"), { resource: queue, field: "queue" }),
  ...publicEvents(stream, events, "EscalationRuleChanged", lifecycleTypes("service.escalation_rule"), { resource: escalationRule, field: "escalationRule" }),
  ...publicEvents(stream, events, "SlaAlert", ["service.sla.warning", "service.sla.breached"]),
  ...publicEvents(stream, events, "BusinessCalendarChanged", lifecycleTypes("service.business_calendar")),
  ...publicEvents(stream, events, "SlaPolicyChanged", lifecycleTypes("service.sla_policy")),
];
