import type { ResourceRecord } from "@relata/platform/resource";
import type { appointment, appointmentStatus, assignmentRule, bookableKind, bookableResource, caseChannel, casePriority, caseStatus, entitlement, entitlementUnit, escalationAlert, escalationRule, escalationTarget, priorityRaise, queue, supportCase } from "../resources";

/**
 * The Service's records as the service keeps them. Enumerations are short lowercase names here
 * (the database and the rules speak them); the gRPC layer maps them to the proto enums.
 */

export type CaseStatus = (typeof caseStatus.words)[number];
export type CasePriority = (typeof casePriority.words)[number];
export type CaseChannel = (typeof caseChannel.words)[number];

export type CaseRecord = ResourceRecord<typeof supportCase.fields>;

export type EntitlementUnitWord = (typeof entitlementUnit.words)[number];
export type BookableKind = (typeof bookableKind.words)[number];
export type AppointmentStatus = (typeof appointmentStatus.words)[number];

/** An entitlement as stored: its units used and left are counted from its unit claims when it is read, never stored. */
export type EntitlementRecord = ResourceRecord<typeof entitlement.fields>;
export type BookableResourceRecord = ResourceRecord<typeof bookableResource.fields>;
export type AppointmentRecord = ResourceRecord<typeof appointment.fields>;
/** How a queue picks the agent of a case that arrives without one. */
export type AssignmentRule = (typeof assignmentRule.words)[number];
export type QueueRecord = ResourceRecord<typeof queue.fields>;
export type EscalationRuleRecord = ResourceRecord<typeof escalationRule.fields>;
/** The SLA alert that fires an escalation rule, the target it is about ("any" in a rule), how a rule raises the priority. */
export type EscalationAlert = (typeof escalationAlert.words)[number];
export type EscalationTarget = (typeof escalationTarget.words)[number];
export type PriorityRaise = (typeof priorityRaise.words)[number];

/**
 * One escalation rule fired by one SLA alert (`_id` "<alert event id>:<rule id>"): inserted
 * once, it is at once the claim that makes a redelivered alert fire the rule no second time,
 * the plan (absolute values, so applying it again changes nothing more) and the carrier of the
 * service.case.escalated event.
 */
export interface EscalationRecord {
  _id: string;
  tenantId: string;
  caseId: string;
  ruleId: string;
  alertEventId: string;
  reason: string;
  previousPriority: CasePriority;
  priority?: CasePriority;
  previousQueueId: string;
  queueId?: string;
  managerId?: string;
  /** Set once the plan is applied to the case. */
  appliedAt?: Date;
  createdAt: Date;
}
