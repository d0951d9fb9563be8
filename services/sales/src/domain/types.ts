import type { BaseRecord } from "@relata/platform";

/**
 * The Sales records as the service keeps them. Enumerations are short lowercase names here
 * (the database and the rules speak them); the gRPC layer maps them to the proto enums.
 */

export const LEAD_STATUSES = ["new", "qualified", "disqualified", "converted"] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const LEAD_SOURCES = ["manual", "import", "marketing", "web_form", "partner"] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];

export const OPPORTUNITY_STATUSES = ["open", "won", "lost"] as const;
export type OpportunityStatus = (typeof OPPORTUNITY_STATUSES)[number];

export const STAGE_KINDS = ["open", "won", "lost"] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

export const ACTIVITY_TYPES = ["task", "call", "meeting", "email"] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export const RECORD_TYPES = ["account", "contact", "lead", "opportunity", "activity"] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export interface Money {
  /** Decimal string, at most 15 integer and 4 fraction digits: "12500.00". */
  amount: string;
  /** ISO 4217 code, upper case. */
  currency: string;
}

export interface RecordRef {
  type: RecordType;
  id: string;
}

export interface AccountRecord extends BaseRecord {
  name: string;
  parentAccountId: string;
  industry: string;
  territory: string;
  ownerId: string;
  website: string;
}

export interface ContactRecord extends BaseRecord {
  accountId: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  title: string;
  ownerId: string;
}

/**
 * The conversion of a lead, claimed once on the lead before anything is created: the ids of
 * the records it makes and everything needed to make them again identically after a crash.
 * `convertedAt` is set when the lead is marked converted, the last step.
 */
export interface ConversionPlan {
  accountId: string;
  contactId: string;
  opportunityId: string;
  /** False when the caller attached the lead to an existing account. */
  createsAccount: boolean;
  opportunityName: string;
  amount?: Money;
  expectedCloseDate: string;
  stageId: string;
  probability: number;
  actorId: string;
  requestId: string;
  claimedAt: Date;
  convertedAt?: Date;
}

export interface LeadRecord extends BaseRecord {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  company: string;
  title: string;
  industry: string;
  source: LeadSource;
  status: LeadStatus;
  ownerId: string;
  score: number;
  disqualifyReason: string;
  conversion?: ConversionPlan;
}

export interface StageChangeRecord {
  fromStageId: string;
  toStageId: string;
  changedBy: string;
  changedAt: Date;
}

export interface OpportunityRecord extends BaseRecord {
  accountId: string;
  contactId: string;
  name: string;
  stageId: string;
  probability: number;
  amount?: Money;
  /** YYYY-MM-DD, or empty. */
  expectedCloseDate: string;
  status: OpportunityStatus;
  closeReason: string;
  ownerId: string;
  stageHistory: StageChangeRecord[];
  leadId: string;
}

export interface ActivityRecord extends BaseRecord {
  type: ActivityType;
  subject: string;
  notes: string;
  relatedTo: RecordRef;
  /** The account whose timeline the activity belongs to, or empty. */
  accountId: string;
  dueAt?: Date;
  completedAt?: Date;
  ownerId: string;
}

export interface PipelineStage {
  /** A slug unique in the pipeline. */
  id: string;
  name: string;
  /** 0..100. */
  probability: number;
  kind: StageKind;
}

export interface PipelineRecord {
  /** The tenant id: one pipeline per tenant. */
  _id: string;
  tenantId: string;
  stages: PipelineStage[];
  version: number;
  updatedAt: Date;
}

export interface AssignmentRuleRecord {
  /** The tenant id: one rule per tenant. */
  _id: string;
  tenantId: string;
  repIds: string[];
  /** Round-robin counter: the next pick is repIds[next % repIds.length]. */
  next: number;
  version: number;
  updatedAt: Date;
}

export interface TimelineEntryRecord {
  /** The id of the event the entry was made from. */
  _id: string;
  tenantId: string;
  accountId: string;
  /** The event type ("sales.lead.converted"). */
  kind: string;
  summary: string;
  record: RecordRef;
  actorId: string;
  occurredAt: Date;
  /** Set while the record the entry is about is in the recycle bin: the entry is hidden. */
  deletedAt?: Date;
  /** The version of that record whose delete or restore last set `deletedAt` (so an older one, redelivered late, changes nothing). */
  visibilityVersion?: number;
}

export function fullName(person: { firstName: string; lastName: string }): string {
  return `${person.firstName} ${person.lastName}`.trim();
}
