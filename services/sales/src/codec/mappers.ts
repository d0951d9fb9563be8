import { isoTimestamp as iso, type EnumCodec } from "@relata/platform";
import { toMessage } from "@relata/platform/resource";
import type { RecordRef as RecordRefMsg } from "@relata/proto/common/v1/common";
import { Account } from "@relata/proto/sales/v1/account";
import { Activity } from "@relata/proto/sales/v1/activity";
import { Contact } from "@relata/proto/sales/v1/contact";
import { AssignmentRule, Lead } from "@relata/proto/sales/v1/lead";
import { Opportunity } from "@relata/proto/sales/v1/opportunity";
import { ForecastCategory as ForecastCategoryMsg, Pipeline, PipelineStage as PipelineStageMsg, StageKind as StageKindMsg } from "@relata/proto/sales/v1/pipeline";
import { TimelineEntry } from "@relata/proto/sales/v1/timeline";
import type { Territory } from "@relata/proto/sales/v1/territory";
import type {
  AccountRecord,
  ActivityRecord,
  AssignmentRuleRecord,
  ContactRecord,
  LeadRecord,
  OpportunityRecord,
  PipelineStage,
  RecordRef,
  StageKind,
  TerritoryRecord,
  TimelineEntryRecord,
  TimelineRecordRef,
} from "../domain/types";
import { account, activity, contact, forecastCategory, lead, opportunity, stageKind as salesStageKind, territory } from "../resources";

/**
 * Records to proto messages, for the gRPC responses and the event payloads alike. The CRUD
 * records' codecs and enums come from the descriptions, the pipeline's stage kind too;
 * `satisfies` keeps the domain's words and the proto's values the same set.
 */
export const stageKind = salesStageKind satisfies EnumCodec<StageKindMsg, StageKind>;

/** The message names the record's resource in full, as the record does. */
export function toRecordRef(ref: RecordRef | TimelineRecordRef): RecordRefMsg {
  return { type: ref.type, id: ref.id };
}

// The CRUD records as their messages, from the descriptions.
export const toAccount = (r: AccountRecord): Account => toMessage(account, r);
export const toContact = (r: ContactRecord): Contact => toMessage(contact, r);
/** The conversion is served once it happened (`convertedAt`); a claimed plan is internal. */
export const toLead = (r: LeadRecord): Lead => toMessage(lead, r);
export const toOpportunity = (r: OpportunityRecord): Opportunity => toMessage(opportunity, r);
export const toActivity = (r: ActivityRecord): Activity => toMessage(activity, r);

export function toPipelineStage(s: PipelineStage): PipelineStageMsg {
  return { id: s.id, name: s.name, probability: s.probability, kind: stageKind.toProto(s.kind), forecastCategory: s.forecastCategory ? forecastCategory.toProto(s.forecastCategory) : ForecastCategoryMsg.FORECAST_CATEGORY_UNSPECIFIED };
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

export const toTerritory = (r: TerritoryRecord): Territory => toMessage(territory, r);
