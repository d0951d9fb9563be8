import type { ResourceRecord } from "@relata/platform/resource";
import type { account, activity, activityType, contact, forecastCategory, lead, leadSource, leadStatus, opportunity, opportunityStatus, SALES_RESOURCES, territory } from "../resources";

/**
 * The Sales records as the service keeps them. Enumerations are short lowercase names here
 * (the database and the rules speak them); the gRPC layer maps them to the proto enums.
 */

/** The words of each enumeration, from the generated enums (through the descriptions' codecs). */
export type LeadStatus = (typeof leadStatus.words)[number];
export type LeadSource = (typeof leadSource.words)[number];
export type OpportunityStatus = (typeof opportunityStatus.words)[number];
export type ActivityType = (typeof activityType.words)[number];
/** A Sales record's resource name ("sales.account"), from the descriptions. */
export type RecordType = (typeof SALES_RESOURCES)[number]["name"];

export const STAGE_KINDS = ["open", "won", "lost"] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

export interface Money {
  /** Decimal string, at most 15 integer and 4 fraction digits: "12500.00". */
  amount: string;
  /** ISO 4217 code, upper case. */
  currency: string;
}

/** A reference to a Sales record: its resource name and its id. */
export interface RecordRef {
  type: RecordType;
  id: string;
}

export type AccountRecord = ResourceRecord<typeof account.fields>;

export type ContactRecord = ResourceRecord<typeof contact.fields>;

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

/** A lead: always a source and a status; the conversion plan is Sales' own (the API sees its ids once converted). */
export type LeadRecord = Omit<ResourceRecord<typeof lead.fields>, "source" | "status" | "conversion"> & {
  source: LeadSource;
  status: LeadStatus;
  conversion?: ConversionPlan;
};

export type { StageChangeRecord } from "../resources";

/** An opportunity: always a status; `expectedCloseDate` is YYYY-MM-DD or empty. */
export type OpportunityRecord = Omit<ResourceRecord<typeof opportunity.fields>, "status" | "amount"> & {
  status: OpportunityStatus;
  amount?: Money;
};

/**
 * An activity: always a type and the record it relates to (one of the targets its description
 * names); `accountId` is the account whose timeline it belongs to, or empty.
 */
export type ActivityRecord = Omit<ResourceRecord<typeof activity.fields>, "type" | "relatedTo"> & {
  type: ActivityType;
  relatedTo: NonNullable<ResourceRecord<typeof activity.fields>["relatedTo"]>;
};

export interface PipelineStage {
  /** A slug unique in the pipeline. */
  id: string;
  name: string;
  /** 0..100. */
  probability: number;
  kind: StageKind;
  /** Absent: derived from the kind and probability (forecastCategoryOf). */
  forecastCategory?: ForecastCategory;
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

/** What a timeline entry is about: a Sales record, or another service's ("service.case"). */
export type TimelineRecordRef = RecordRef | { type: "service.case"; id: string };

export interface TimelineEntryRecord {
  /** The id of the event the entry was made from. */
  _id: string;
  tenantId: string;
  accountId: string;
  /** The event type ("sales.lead.converted"). */
  kind: string;
  summary: string;
  record: TimelineRecordRef;
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

/** Where a stage's opportunities count in the forecast. */
export type ForecastCategory = (typeof forecastCategory.words)[number];

export type TerritoryRecord = ResourceRecord<typeof territory.fields>;
