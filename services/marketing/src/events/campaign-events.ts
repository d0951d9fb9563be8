import { buildEvent, stableEventId, type Actor, type PendingEvent } from "@relata/platform";
import { CampaignChanged, CampaignDue } from "@relata/proto/events/v1/marketing";
import { toCampaign } from "../codec/mappers";
import type { CampaignRecord } from "../domain/types";
import { SUBJECTS } from "./stream";

/** The lifecycle's events: the campaign's snapshot after the move (launched carries the launch report). */
export const LIFECYCLE_SUBJECTS = {
  scheduled: SUBJECTS.campaignScheduled,
  launched: SUBJECTS.campaignLaunched,
  completed: SUBJECTS.campaignCompleted,
  cancelled: SUBJECTS.campaignCancelled,
} as const;

export type LifecycleEvent = keyof typeof LIFECYCLE_SUBJECTS;

export function campaignLifecycleEvent(kind: LifecycleEvent, r: CampaignRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(LIFECYCLE_SUBJECTS[kind], r._id, actor, at, (meta) => CampaignChanged.encode({ meta, campaign: toCampaign(r) }).finish());
}

/** Who the clock's own moves name as their actor. */
export const CAMPAIGN_CLOCK_ACTOR_ID = "system:campaign-clock";
export const campaignClockActor = (tenantId: string): Actor => ({ tenantId, actorId: CAMPAIGN_CLOCK_ACTOR_ID, requestId: "" });

export type DueKind = "start" | "end";
export const DUE_SUBJECTS: Record<DueKind, string> = { start: SUBJECTS.campaignStartDue, end: SUBJECTS.campaignEndDue };

/** Where a campaign's start or end schedule waits: one subject each, so publishing again replaces it. */
export const campaignScheduleSubject = (campaignId: string, kind: DueKind) => `marketing.schedule.campaign.${campaignId}.${kind}`;
/** Both schedules of a campaign, to cancel them together. */
export const campaignSchedulesOf = (campaignId: string) => `marketing.schedule.campaign.${campaignId}.*`;

/**
 * The start or end event a schedule publishes, prebuilt: it names the instants it was set for
 * (the decision), so one left over from dates since changed is ignored. Its id follows from the
 * campaign and the decision, the same in every replica.
 */
export function campaignDueEvent(kind: DueKind, r: Pick<CampaignRecord, "_id" | "tenantId" | "version" | "startsAt" | "endsAt">): PendingEvent {
  const startsAt = r.startsAt?.toISOString() ?? "";
  const endsAt = r.endsAt?.toISOString() ?? "";
  const at = kind === "start" ? r.startsAt! : r.endsAt!;
  return buildEvent(
    DUE_SUBJECTS[kind],
    r._id,
    campaignClockActor(r.tenantId),
    at,
    (meta) => CampaignDue.encode({ meta, campaignId: r._id, startsAt: startsAt || undefined, endsAt: endsAt || undefined, campaignVersion: String(r.version) }).finish(),
    stableEventId("campaign-due", r.tenantId, r._id, kind, startsAt, endsAt),
  );
}

/**
 * The schedule's id (Nats-Msg-Id): the same for the same decision (a redelivery, another
 * replica), a new one for each write that set it, even back to instants used before.
 */
export const campaignScheduleId = (kind: DueKind, r: Pick<CampaignRecord, "_id" | "tenantId" | "version" | "startsAt" | "endsAt">) =>
  stableEventId("campaign-schedule", r.tenantId, r._id, kind, r.startsAt?.toISOString() ?? "", r.endsAt?.toISOString() ?? "", String(r.version));
