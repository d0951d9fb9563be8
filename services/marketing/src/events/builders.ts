import { buildEvent, type Actor, type PendingEvent } from "@relata/platform";
import { CampaignChanged, SegmentChanged } from "@relata/proto/events/v1/marketing";
import { toCampaign, toSegment } from "../codec/mappers";
import type { CampaignRecord, SegmentRecord } from "../domain/types";
import { RESOURCE_SUBJECTS } from "./stream";

/**
 * Builders of the pending events a write enqueues in its own document, in the kit's envelope;
 * each payload is the record's snapshot after the change (never the outbox fields).
 */

export function campaignEvent(kind: "created" | "updated" | "deleted" | "restored", r: CampaignRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(RESOURCE_SUBJECTS.campaign[kind], r._id, actor, at, (meta) => CampaignChanged.encode({ meta, campaign: toCampaign(r) }).finish());
}

export function segmentEvent(kind: "created" | "updated" | "deleted" | "restored", r: SegmentRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(RESOURCE_SUBJECTS.segment[kind], r._id, actor, at, (meta) => SegmentChanged.encode({ meta, segment: toSegment(r) }).finish());
}
