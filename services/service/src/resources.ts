import { CONFIGURATION_READERS, SERVICE_CONFIGURERS, SERVICE_READERS, SERVICE_WRITERS } from "./roles";
import { enumCodec, f, resource } from "@relata/platform/resource";
import { Case, CaseChannel, CasePriority, CaseStatus, CreateCaseRequest, ListCasesRequest, UpdateCaseRequest } from "@relata/proto/service/v1/case";
import { CreateEntitlementRequest, Entitlement, EntitlementUnit, ListEntitlementsRequest, UpdateEntitlementRequest } from "@relata/proto/service/v1/entitlement";
import {
  Appointment,
  AppointmentStatus,
  BookableKind,
  BookableResource,
  CreateAppointmentRequest,
  CreateBookableResourceRequest,
  ListAppointmentsRequest,
  ListBookableResourcesRequest,
  UpdateAppointmentRequest,
  UpdateBookableResourceRequest,
} from "@relata/proto/service/v1/scheduling";
import {
  CreateEscalationRuleRequest,
  EscalationAlert,
  EscalationRule,
  EscalationTarget,
  ListEscalationRulesRequest,
  PriorityRaise,
  UpdateEscalationRuleRequest,
} from "@relata/proto/service/v1/escalation";
import { AssignmentRule, CreateQueueRequest, ListQueuesRequest, Queue, UpdateQueueRequest } from "@relata/proto/service/v1/queue";
import { SLA_RESOURCES } from "./sla-resources";

/**
 * The Service's CRUD resources, described once: the API's schemas, the service's input checks,
 * the collections and indexes, the record ↔ message codec, the event subjects and the
 * permission rows all derive from these. This module imports no runtime of the service, so the
 * gateway can import it through `@relata/service/resources`.
 */

export { CONFIGURATION_READERS, SERVICE_CONFIGURERS, SERVICE_READERS, SERVICE_WRITERS, SUPPORT_STAFF } from "./roles";

export const caseStatus = enumCodec(CaseStatus, "CASE_STATUS_");
export const casePriority = enumCodec(CasePriority, "CASE_PRIORITY_");
export const caseChannel = enumCodec(CaseChannel, "CASE_CHANNEL_");

export const supportCase = resource<Case, CreateCaseRequest, UpdateCaseRequest, ListCasesRequest>()({
  name: "service.case",
  path: "/v1/cases",
  collection: "cases",
  fields: {
    number: f.text(20).readOnly().describe('The tenant\'s case number, "CS-000123".'),
    subject: f.text(300).required().sortable(),
    description: f.text(20_000).clearable(),
    channel: f
      .enum(caseChannel)
      .createOnly()
      .defaulted('How the case came in; defaults to "web".')
      .filter(),
    priority: f.enum(casePriority).defaulted('Defaults to "normal".').filter().sortable(),
    category: f.text(100).clearable().filter().describe('Such as "billing"; "complaint" cases have their own SLA policy.'),
    product: f.text(200).clearable(),
    accountId: f.ref("sales.account").clearable().filter(),
    contactId: f.ref("sales.contact").clearable(),
    ownerId: f
      .owner()
      .createOnly()
      .filter()
      .describe("The agent working the case. Empty with a queue: the queue's rule assigns one; empty without: the caller."),
    queueId: f.ref("service.queue").createOnly().filter().describe("The queue the case waits in; its rule assigns an agent when no owner is given."),
    status: f.enum(caseStatus).readOnly().filter(),
    firstRespondedAt: f.timestamp().readOnly(),
    resolvedAt: f.timestamp().readOnly(),
    closedAt: f.timestamp().readOnly(),
    entitlementId: f.ref("service.entitlement").readOnly(),
    entitlementMissing: f.boolean().readOnly(),
    slaLevel: f.text(50).readOnly(),
    firstResponseDueAt: f.timestamp().readOnly(),
    resolutionDueAt: f.timestamp().readOnly(),
    slaBreached: f.boolean().readOnly().filter(),
    resolution: f.text(5_000).readOnly().describe("The note the case was resolved with; empty while it is not resolved."),
    reopenedAt: f.timestamp().readOnly(),
  },
  access: {
    read: SERVICE_READERS,
    write: SERVICE_WRITERS,
    scopes: { read: "service:read", create: "service:write" },
    says: { update: "update cases" },
  },
  pii: ["subject", "description"],
});

// ---- entitlements and scheduling ----

export const entitlementUnit = enumCodec(EntitlementUnit, "ENTITLEMENT_UNIT_");

export const entitlement = resource<Entitlement, CreateEntitlementRequest, UpdateEntitlementRequest, ListEntitlementsRequest>()({
  name: "service.entitlement",
  path: "/v1/entitlements",
  collection: "entitlements",
  fields: {
    accountId: f.ref("sales.account").required().createOnly().filter().describe("The Sales account the contract is with."),
    name: f.text(200).required().sortable(),
    startDate: f.date().defaulted("First day it applies (UTC); defaults to the day it is created.").sortable(),
    endDate: f.date().required().sortable().relatesTo("not before startDate").describe("Last day it applies (UTC), included."),
    channels: f.list(f.enum(caseChannel), 5).describe("The case channels it covers; defaults to every channel."),
    allowance: f.int(1, 1_000_000).required().describe("How many units (cases or hours) it gives."),
    unit: f.enum(entitlementUnit).createOnly().defaulted('What the allowance counts: "cases" (default) or "hours" (a case uses one hour when it opens).'),
    slaLevel: f.text(50).required().filter().describe('The SLA level of its cases ("gold"): the SLA policies key their targets by it.'),
    active: f.boolean().defaulted("Only an active entitlement is taken by new cases; defaults to true."),
    unitsUsed: f.int(0, 1_000_000).readOnly().describe("Units the cases that took it have used."),
    unitsLeft: f.int(0, 1_000_000).readOnly().describe("What is left of the allowance."),
  },
  access: { read: SERVICE_READERS, write: SERVICE_CONFIGURERS, scopes: { read: "service:read" } },
});

export const bookableKind = enumCodec(BookableKind, "BOOKABLE_KIND_");

/** One weekly opening, "monday 09:00-17:00" (24:00 ends at midnight). */
export const WORKING_HOURS_OPENING = /^(sunday|monday|tuesday|wednesday|thursday|friday|saturday) ((?:[01]\d|2[0-3]):[0-5]\d|24:00)-((?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;
/** An IANA time zone name's shape ("Europe/Paris", "UTC"); the service checks that the zone exists. */
const TIME_ZONE_NAME = { regex: /^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/, message: 'must be an IANA time zone such as "Europe/Paris"' };

export const bookableResource = resource<BookableResource, CreateBookableResourceRequest, UpdateBookableResourceRequest, ListBookableResourcesRequest>()({
  name: "service.bookable_resource",
  path: "/v1/resources",
  collection: "bookable_resources",
  fields: {
    name: f.text(200).required().sortable(),
    kind: f.enum(bookableKind).required().createOnly().filter().describe("room, technician, vehicle or agent."),
    timeZone: f
      .text(64, { pattern: TIME_ZONE_NAME })
      .references("IANA time zone")
      .defaulted('The IANA time zone its working hours are read in; defaults to "UTC".'),
    workingHours: f
      .list(f.text(24, { pattern: { regex: WORKING_HOURS_OPENING, message: 'must be an opening such as "monday 09:00-17:00"' } }).relatesTo("its end after its start"), 28)
      .describe('Weekly openings, "monday 09:00-17:00", in its time zone; none: bookable around the clock.'),
    userId: f.owner().clearable().filter().describe("The agent's user id (kind agent)."),
    active: f.boolean().updateOnly().defaulted("Only an active resource takes new appointments; a new one is active, an update retires it."),
  },
  access: { read: SERVICE_READERS, write: SERVICE_CONFIGURERS, scopes: { read: "service:read" } },
});

export const appointmentStatus = enumCodec(AppointmentStatus, "APPOINTMENT_STATUS_");


export const appointment = resource<Appointment, CreateAppointmentRequest, UpdateAppointmentRequest, ListAppointmentsRequest>()({
  name: "service.appointment",
  path: "/v1/appointments",
  collection: "appointments",
  fields: {
    resourceId: f.ref("service.bookable_resource").required().createOnly().filter().describe("The resource (or agent) booked."),
    caseId: f.ref("service.case").clearable().filter().describe("The case it serves."),
    start: f.timestamp().required().createOnly().sortable(),
    end: f.timestamp().createOnly().relatesTo("after start, at most 14 days").defaulted("When it ends; defaults to 30 minutes after start."),
    timeZone: f
      .text(64, { pattern: TIME_ZONE_NAME })
      .references("IANA time zone")
      .createOnly()
      .defaulted("The IANA time zone it was made in; defaults to the resource's."),
    title: f.text(200).required(),
    status: f.enum(appointmentStatus).readOnly().filter(),
    cancelledAt: f.timestamp().readOnly(),
    cancelReason: f.text(500).readOnly(),
  },
  access: { read: SERVICE_READERS, write: SERVICE_WRITERS, scopes: { read: "service:read" }, says: { update: "change and cancel appointments" } },
});

// ---- queues and escalation rules ------------------------------------------------------------

export const assignmentRule = enumCodec(AssignmentRule, "ASSIGNMENT_RULE_");
export const escalationAlert = enumCodec(EscalationAlert, "ESCALATION_ALERT_");
export const escalationTarget = enumCodec(EscalationTarget, "ESCALATION_TARGET_");
export const priorityRaise = enumCodec(PriorityRaise, "PRIORITY_RAISE_");


/** A queue holds at most this many agents (the fewest-open count is one query over them). */
export const MAX_QUEUE_MEMBERS = 200;

export const queue = resource<Queue, CreateQueueRequest, UpdateQueueRequest, ListQueuesRequest>()({
  name: "service.queue",
  path: "/v1/queues",
  collection: "queues",
  fields: {
    name: f.text(200).required().sortable(),
    memberIds: f.list(f.owner(), MAX_QUEUE_MEMBERS).describe("The agents (user ids) who work the queue's cases, in round-robin order."),
    assignmentRule: f
      .enum(assignmentRule)
      .defaulted('How a case without an agent gets one: "round_robin" (the default) or "fewest_open".')
      .filter(),
    managerId: f.owner().clearable().filter().describe("The support manager told of the queue's escalations."),
    active: f.boolean().describe("An inactive queue assigns nobody. Defaults to true."),
  },
  access: { read: CONFIGURATION_READERS, write: SERVICE_CONFIGURERS, scopes: { read: "service:read" } },
});

export const escalationRule = resource<EscalationRule, CreateEscalationRuleRequest, UpdateEscalationRuleRequest, ListEscalationRulesRequest>()({
  name: "service.escalation_rule",
  path: "/v1/escalation-rules",
  collection: "escalation_rules",
  fields: {
    name: f.text(200).required().sortable(),
    active: f.boolean().describe("An inactive rule never fires. Defaults to true."),
    alert: f.enum(escalationAlert).required().filter().describe('The SLA alert that fires the rule: "warning" or "breach".'),
    target: f.enum(escalationTarget).defaulted('The SLA target whose alert fires it: "first_response", "resolution" or "any" (the default).'),
    priorities: f.list(f.enum(casePriority), 4).describe("Only cases of these priorities; empty: any."),
    categories: f.list(f.text(100), 50).describe("Only cases of these categories (compared without regard to case); empty: any."),
    raisePriority: f.enum(priorityRaise).defaulted('"one_step", "to_level" (priorityLevel) or "none" (the default).'),
    priorityLevel: f.enum(casePriority).describe('The level a "to_level" raise goes up to.'),
    moveToQueueId: f.ref("service.queue").clearable().filter().describe("The queue the case moves to; its rule assigns the case."),
    notifyManager: f.boolean().describe("Tell the manager of the case's queue (the event service.case.escalated names them)."),
  },
  access: { read: CONFIGURATION_READERS, write: SERVICE_CONFIGURERS, scopes: { read: "service:read" } },
});

/** Every CRUD resource of the Service, in the order the API lists them. */
export const SERVICE_RESOURCES = [supportCase, queue, escalationRule, ...SLA_RESOURCES, entitlement, bookableResource, appointment] as const;
