import { buildEvent, type Actor, type PendingEvent } from "@relata/platform";
import { CampaignChanged, ConsentChanged, LeadScored, MarketingListChanged, ResponseRecorded, ScoringRuleChanged, SegmentChanged } from "@relata/proto/events/v1/marketing";
import { toCampaign, toConsentChange, toMarketingList, toScoringRule, toSegment } from "../codec/mappers";
import type { CampaignRecord, MarketingListRecord, SegmentRecord } from "../domain/types";
import type { ConsentChangeRecord } from "../domain/consent";
import type { ResponseRecord } from "../domain/response";
import { leadIdOfResponse } from "../domain/score";
import type { ScoringRuleRecord } from "../domain/scoring";
import { RESOURCE_SUBJECTS, SUBJECTS } from "./stream";

/**
 * Builders of the pending events a write enqueues in its own document, in the kit's envelope;
 * each payload is the record's snapshot after the change (never the outbox fields).
 */

export function campaignEvent(kind: "created" | "updated" | "deleted" | "restored", r: CampaignRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(RESOURCE_SUBJECTS.campaign[kind], r._id, actor, at, (meta) => CampaignChanged.encode({ meta, campaign: toCampaign(r) }).finish());
}

/** marketing.consent.granted|withdrawn: one change of consent, as the history keeps it. */
export function consentEvent(r: ConsentChangeRecord, actor: Actor): PendingEvent {
  const subject = r.status === "granted" ? SUBJECTS.consentGranted : SUBJECTS.consentWithdrawn;
  return buildEvent(subject, r._id, actor, r.recordedAt, (meta) => ConsentChanged.encode({ meta, change: toConsentChange(r) }).finish());
}

export function marketingListEvent(kind: "created" | "updated" | "deleted" | "restored", r: MarketingListRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(RESOURCE_SUBJECTS.marketingList[kind], r._id, actor, at, (meta) => MarketingListChanged.encode({ meta, list: toMarketingList(r) }).finish());
}

/** A response as every area reads it: the respondent's details travel with it (no call back). */
export function responseRecordedEvent(r: ResponseRecord, actor: Actor): PendingEvent {
  return buildEvent(SUBJECTS.responseRecorded, r._id, actor, r.createdAt, (meta) =>
    ResponseRecorded.encode({
      meta,
      responseId: r._id,
      campaignId: r.campaignId,
      personId: r.personId,
      type: r.type,
      channel: r.channel,
      firstName: r.firstName,
      lastName: r.lastName,
      email: r.email,
      phone: r.phone,
      company: r.company,
      occurredAt: r.occurredAt.toISOString(),
      personKind: r.personKind,
      leadId: r.type === "interested" ? leadIdOfResponse(r.tenantId, r._id) : "",
    }).finish(),
  );
}

export function scoringRuleEvent(kind: "created" | "updated" | "deleted" | "restored", r: ScoringRuleRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(RESOURCE_SUBJECTS.scoringRule[kind], r._id, actor, at, (meta) => ScoringRuleChanged.encode({ meta, scoringRule: toScoringRule(r) }).finish());
}

/** A lead's new score for Sales, which applies it only when `scoredAt` is later than the one the lead holds. */
export function leadScoredEvent(leadId: string, score: number, scoredAt: Date, actor: Actor): PendingEvent {
  return buildEvent(SUBJECTS.leadScored, leadId, actor, scoredAt, (meta) => LeadScored.encode({ meta, leadId, score, scoredAt: scoredAt.toISOString() }).finish());
}

export function segmentEvent(kind: "created" | "updated" | "deleted" | "restored", r: SegmentRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(RESOURCE_SUBJECTS.segment[kind], r._id, actor, at, (meta) => SegmentChanged.encode({ meta, segment: toSegment(r) }).finish());
}
