import { buildEvent, type Actor, type PendingEvent } from "@relata/platform";
import { CampaignChanged, ConsentChanged, MarketingListChanged } from "@relata/proto/events/v1/marketing";
import { toCampaign, toConsentChange, toMarketingList } from "../codec/mappers";
import type { CampaignRecord, MarketingListRecord } from "../domain/types";
import type { ConsentChangeRecord } from "../domain/consent";
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
