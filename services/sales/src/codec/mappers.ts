import { enumCodec, isoTimestamp as iso, type EnumCodec } from "@relata/platform";
import { toMessage } from "@relata/platform/resource";
import { RecordRef as RecordRefMsg, RecordType as RecordTypeMsg } from "@relata/proto/common/v1/common";
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
  OpportunityRecord,
  OpportunityStatus,
  PipelineStage,
  RecordRef,
  RecordType,
  StageKind,
  TimelineEntryRecord,
} from "../domain/types";
import { account, activity, contact, lead, opportunity } from "../resources";

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

export function toRecordRef(ref: RecordRef): RecordRefMsg {
  return { type: recordType.toProto(ref.type), id: ref.id };
}

// The CRUD records as their messages, from the descriptions.
export const toAccount = (r: AccountRecord): Account => toMessage(account, r);
export const toContact = (r: ContactRecord): Contact => toMessage(contact, r);
/** The conversion is served once it happened (`convertedAt`); a claimed plan is internal. */
export const toLead = (r: LeadRecord): Lead => toMessage(lead, r);
export const toOpportunity = (r: OpportunityRecord): Opportunity => toMessage(opportunity, r);
export const toActivity = (r: ActivityRecord): Activity => toMessage(activity, r);

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
