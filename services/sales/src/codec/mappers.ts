import { baseToProto, enumCodec, isoTimestamp as iso, type EnumCodec } from "@relata/platform";
import { Money as MoneyMsg, RecordRef as RecordRefMsg, RecordType as RecordTypeMsg } from "@relata/proto/common/v1/common";
import { Account } from "@relata/proto/sales/v1/account";
import { Activity, ActivityType as ActivityTypeMsg } from "@relata/proto/sales/v1/activity";
import { Contact } from "@relata/proto/sales/v1/contact";
import { AssignmentRule, Lead, LeadSource as LeadSourceMsg, LeadStatus as LeadStatusMsg } from "@relata/proto/sales/v1/lead";
import { Opportunity, OpportunityStatus as OpportunityStatusMsg } from "@relata/proto/sales/v1/opportunity";
import { Pipeline, PipelineStage as PipelineStageMsg, StageKind as StageKindMsg } from "@relata/proto/sales/v1/pipeline";
import { TimelineEntry } from "@relata/proto/sales/v1/timeline";
import type {
  AccountRecord,
  ActivityRecord,
  ActivityType,
  AssignmentRuleRecord,
  ContactRecord,
  LeadRecord,
  LeadSource,
  LeadStatus,
  Money,
  OpportunityRecord,
  OpportunityStatus,
  PipelineStage,
  RecordRef,
  RecordType,
  StageKind,
  TimelineEntryRecord,
} from "../domain/types";

/**
 * Records to proto messages, for the gRPC responses and the event payloads alike. The enum
 * codecs are the kit's, derived from the generated enums; `satisfies` keeps the domain's
 * word lists and the protos' values the same set at compile time.
 */
export const leadStatus = enumCodec(LeadStatusMsg, "LEAD_STATUS_") satisfies EnumCodec<LeadStatusMsg, LeadStatus>;
export const leadSource = enumCodec(LeadSourceMsg, "LEAD_SOURCE_") satisfies EnumCodec<LeadSourceMsg, LeadSource>;
export const opportunityStatus = enumCodec(OpportunityStatusMsg, "OPPORTUNITY_STATUS_") satisfies EnumCodec<OpportunityStatusMsg, OpportunityStatus>;
export const stageKind = enumCodec(StageKindMsg, "STAGE_KIND_") satisfies EnumCodec<StageKindMsg, StageKind>;
export const activityType = enumCodec(ActivityTypeMsg, "ACTIVITY_TYPE_") satisfies EnumCodec<ActivityTypeMsg, ActivityType>;
export const recordType = enumCodec(RecordTypeMsg, "RECORD_TYPE_") satisfies EnumCodec<RecordTypeMsg, RecordType>;

function money(m: Money | undefined): MoneyMsg | undefined {
  return m ? { amount: m.amount, currency: m.currency } : undefined;
}

export function toRecordRef(ref: RecordRef): RecordRefMsg {
  return { type: recordType.toProto(ref.type), id: ref.id };
}

export function toAccount(r: AccountRecord): Account {
  return {
    ...baseToProto(r),
    name: r.name,
    parentAccountId: r.parentAccountId ?? "",
    industry: r.industry ?? "",
    territory: r.territory ?? "",
    ownerId: r.ownerId ?? "",
    website: r.website ?? "",
  };
}

export function toContact(r: ContactRecord): Contact {
  return {
    ...baseToProto(r),
    accountId: r.accountId ?? "",
    firstName: r.firstName ?? "",
    lastName: r.lastName,
    email: r.email ?? "",
    phone: r.phone ?? "",
    title: r.title ?? "",
    ownerId: r.ownerId ?? "",
  };
}

export function toLead(r: LeadRecord): Lead {
  // The conversion is part of the lead only once it happened; a claimed plan is internal.
  const c = r.status === "converted" ? r.conversion : undefined;
  return {
    ...baseToProto(r),
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
  };
}

export function toOpportunity(r: OpportunityRecord): Opportunity {
  return {
    ...baseToProto(r),
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
  };
}

export function toActivity(r: ActivityRecord): Activity {
  return {
    ...baseToProto(r),
    type: activityType.toProto(r.type),
    subject: r.subject,
    notes: r.notes ?? "",
    relatedTo: toRecordRef(r.relatedTo),
    accountId: r.accountId ?? "",
    dueAt: iso(r.dueAt),
    completedAt: iso(r.completedAt),
    ownerId: r.ownerId ?? "",
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
