import { Money as MoneyMsg, RecordRef as RecordRefMsg, RecordType as RecordTypeMsg } from "@relata/proto/common/v1/common";
import { Account } from "@relata/proto/sales/v1/account";
import { Activity, ActivityType as ActivityTypeMsg } from "@relata/proto/sales/v1/activity";
import { Contact } from "@relata/proto/sales/v1/contact";
import { Lead, LeadSource as LeadSourceMsg, LeadStatus as LeadStatusMsg } from "@relata/proto/sales/v1/lead";
import { Opportunity, OpportunityStatus as OpportunityStatusMsg } from "@relata/proto/sales/v1/opportunity";
import { Pipeline, PipelineStage as PipelineStageMsg, StageKind as StageKindMsg } from "@relata/proto/sales/v1/pipeline";
import { AssignmentRule } from "@relata/proto/sales/v1/lead";
import { TimelineEntry } from "@relata/proto/sales/v1/timeline";
import {
  ACTIVITY_TYPES,
  LEAD_SOURCES,
  LEAD_STATUSES,
  OPPORTUNITY_STATUSES,
  RECORD_TYPES,
  STAGE_KINDS,
  type AccountRecord,
  type ActivityRecord,
  type AssignmentRuleRecord,
  type ContactRecord,
  type LeadRecord,
  type Money,
  type OpportunityRecord,
  type PipelineStage,
  type RecordRef,
  type TimelineEntryRecord,
} from "../domain/types";

/**
 * Maps between the short names the records keep ("web_form") and a proto string enum
 * ("LEAD_SOURCE_WEB_FORM"). `fromProto` answers undefined for UNSPECIFIED and unknown values.
 */
function enumCodec<P extends string, D extends string>(prefix: string, values: readonly D[]) {
  return {
    toProto: (value: D): P => `${prefix}${value.toUpperCase()}` as P,
    fromProto: (value: P | undefined): D | undefined => {
      if (!value || !value.startsWith(prefix)) return undefined;
      const short = value.slice(prefix.length).toLowerCase() as D;
      return values.includes(short) ? short : undefined;
    },
  };
}

export const leadStatus = enumCodec<LeadStatusMsg, (typeof LEAD_STATUSES)[number]>("LEAD_STATUS_", LEAD_STATUSES);
export const leadSource = enumCodec<LeadSourceMsg, (typeof LEAD_SOURCES)[number]>("LEAD_SOURCE_", LEAD_SOURCES);
export const opportunityStatus = enumCodec<OpportunityStatusMsg, (typeof OPPORTUNITY_STATUSES)[number]>("OPPORTUNITY_STATUS_", OPPORTUNITY_STATUSES);
export const stageKind = enumCodec<StageKindMsg, (typeof STAGE_KINDS)[number]>("STAGE_KIND_", STAGE_KINDS);
export const activityType = enumCodec<ActivityTypeMsg, (typeof ACTIVITY_TYPES)[number]>("ACTIVITY_TYPE_", ACTIVITY_TYPES);
export const recordType = enumCodec<RecordTypeMsg, (typeof RECORD_TYPES)[number]>("RECORD_TYPE_", RECORD_TYPES);

const iso = (d: Date | undefined): string | undefined => (d ? new Date(d).toISOString() : undefined);

function money(m: Money | undefined): MoneyMsg | undefined {
  return m ? { amount: m.amount, currency: m.currency } : undefined;
}

export function toRecordRef(ref: RecordRef): RecordRefMsg {
  return { type: recordType.toProto(ref.type), id: ref.id };
}

export function toAccount(r: AccountRecord): Account {
  return {
    id: r._id,
    tenantId: r.tenantId,
    name: r.name,
    parentAccountId: r.parentAccountId ?? "",
    industry: r.industry ?? "",
    territory: r.territory ?? "",
    ownerId: r.ownerId ?? "",
    website: r.website ?? "",
    version: String(r.version),
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

export function toContact(r: ContactRecord): Contact {
  return {
    id: r._id,
    tenantId: r.tenantId,
    accountId: r.accountId ?? "",
    firstName: r.firstName ?? "",
    lastName: r.lastName,
    email: r.email ?? "",
    phone: r.phone ?? "",
    title: r.title ?? "",
    ownerId: r.ownerId ?? "",
    version: String(r.version),
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

export function toLead(r: LeadRecord): Lead {
  // The conversion is part of the lead only once it happened; a claimed plan is internal.
  const c = r.status === "converted" ? r.conversion : undefined;
  return {
    id: r._id,
    tenantId: r.tenantId,
    firstName: r.firstName ?? "",
    lastName: r.lastName,
    email: r.email ?? "",
    phone: r.phone ?? "",
    company: r.company ?? "",
    title: r.title ?? "",
    industry: r.industry ?? "",
    source: leadSource.toProto(r.source),
    status: leadStatus.toProto(r.status),
    ownerId: r.ownerId ?? "",
    score: r.score ?? 0,
    disqualifyReason: r.disqualifyReason ?? "",
    conversion: c
      ? { accountId: c.accountId, contactId: c.contactId, opportunityId: c.opportunityId, convertedAt: iso(c.convertedAt) }
      : undefined,
    version: String(r.version),
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

export function toOpportunity(r: OpportunityRecord): Opportunity {
  return {
    id: r._id,
    tenantId: r.tenantId,
    accountId: r.accountId,
    contactId: r.contactId ?? "",
    name: r.name,
    stageId: r.stageId,
    probability: r.probability,
    amount: money(r.amount),
    expectedCloseDate: r.expectedCloseDate ?? "",
    status: opportunityStatus.toProto(r.status),
    closeReason: r.closeReason ?? "",
    ownerId: r.ownerId ?? "",
    stageHistory: (r.stageHistory ?? []).map((h) => ({
      fromStageId: h.fromStageId ?? "",
      toStageId: h.toStageId,
      changedBy: h.changedBy ?? "",
      changedAt: iso(h.changedAt),
    })),
    leadId: r.leadId ?? "",
    version: String(r.version),
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

export function toActivity(r: ActivityRecord): Activity {
  return {
    id: r._id,
    tenantId: r.tenantId,
    type: activityType.toProto(r.type),
    subject: r.subject,
    notes: r.notes ?? "",
    relatedTo: toRecordRef(r.relatedTo),
    accountId: r.accountId ?? "",
    dueAt: iso(r.dueAt),
    completedAt: iso(r.completedAt),
    ownerId: r.ownerId ?? "",
    version: String(r.version),
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

export function toPipelineStage(s: PipelineStage): PipelineStageMsg {
  return { id: s.id, name: s.name, probability: s.probability, kind: stageKind.toProto(s.kind) };
}

export function toPipeline(tenantId: string, stages: readonly PipelineStage[], version: number): Pipeline {
  return { tenantId, stages: stages.map(toPipelineStage), version: String(version) };
}

export function toAssignmentRule(tenantId: string, rule: Pick<AssignmentRuleRecord, "repIds" | "version"> | null): AssignmentRule {
  return { tenantId, repIds: rule ? [...rule.repIds] : [], version: String(rule?.version ?? 0) };
}

export function toTimelineEntry(r: TimelineEntryRecord): TimelineEntry {
  return {
    id: r._id,
    tenantId: r.tenantId,
    accountId: r.accountId,
    kind: r.kind,
    summary: r.summary ?? "",
    record: toRecordRef(r.record),
    actorId: r.actorId ?? "",
    occurredAt: iso(r.occurredAt),
  };
}
