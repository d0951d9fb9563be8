import { cancelSchedules, eventSchedule, publishSchedule, type CallerOrActor, type ConsumerLoop, type EventBus, type Logger } from "@relata/platform";
import { CampaignChanged, CampaignDue } from "@relata/proto/events/v1/marketing";
import { assertAllowed, sameDecision } from "../domain/campaign-lifecycle";
import type { CampaignRecord } from "../domain/types";
import {
  campaignClockActor,
  campaignDueEvent,
  campaignLifecycleEvent,
  campaignScheduleId,
  campaignScheduleSubject,
  campaignSchedulesOf,
  DUE_SUBJECTS,
  LIFECYCLE_SUBJECTS,
  type DueKind,
} from "../events/campaign-events";
import { MARKETING_STREAM, RESOURCE_SUBJECTS } from "../events/stream";
import { launchCampaign, type LaunchDeps } from "./launch";

/** How many times a due event is tried before it is set aside (about four hours with the delays below). */
export const CLOCK_MAX_DELIVER = 60;

/** The clock's durable consumer (shared by the replicas). */
export const CAMPAIGN_CLOCK_DURABLE = "marketing-campaign-clock";

/**
 * Brings a campaign's JetStream schedules in line with the campaign as it is: a scheduled one
 * has its start and end, a running one its end, any other none. Publishing the same decision
 * again is dropped by its id; a new decision replaces the schedule on its subject.
 */
export async function syncSchedules(bus: EventBus, c: CampaignRecord, deleted = false): Promise<void> {
  // A draft never had schedules (nothing moves a campaign back to draft).
  if (c.status === "draft" && !deleted) return;
  const wanted: DueKind[] = deleted ? [] : c.status === "scheduled" ? ["start", "end"] : c.status === "running" ? ["end"] : [];
  for (const kind of ["start", "end"] as const) {
    if (!wanted.includes(kind)) {
      await cancelSchedules(bus, MARKETING_STREAM.name, campaignScheduleSubject(c._id, kind));
      continue;
    }
    const at = kind === "start" ? c.startsAt : c.endsAt;
    if (!at) continue;
    await publishSchedule(bus, eventSchedule(campaignScheduleSubject(c._id, kind), at, campaignDueEvent(kind, c), campaignScheduleId(kind, c)));
  }
}

/** Cancels both schedules of a campaign. */
export const cancelCampaignSchedules = (bus: EventBus, campaignId: string) => cancelSchedules(bus, MARKETING_STREAM.name, campaignSchedulesOf(campaignId));

const CAMPAIGN_CHANGES = [
  LIFECYCLE_SUBJECTS.scheduled,
  LIFECYCLE_SUBJECTS.launched,
  LIFECYCLE_SUBJECTS.completed,
  LIFECYCLE_SUBJECTS.cancelled,
  RESOURCE_SUBJECTS.campaign.updated,
  RESOURCE_SUBJECTS.campaign.deleted,
  RESOURCE_SUBJECTS.campaign.restored,
];

/**
 * The campaigns' clock (docs/marketing.md): keeps each campaign's schedules in line with its
 * changes (the verbs set them too; this makes a crash between the write and the schedule
 * harmless), and when a schedule fires, launches (start) or completes (end) the campaign, once:
 * a due event whose instants are no longer the campaign's is ignored, and one for a campaign
 * already moved changes nothing. The schedules fire while Marketing is down; the durable
 * consumer keeps their events until it is back.
 */
export class CampaignClock {
  constructor(
    private readonly bus: EventBus,
    private readonly deps: LaunchDeps,
    private readonly logger: Logger,
    private readonly durable = CAMPAIGN_CLOCK_DURABLE,
  ) {}

  async start(): Promise<ConsumerLoop<unknown>> {
    const dueSubjects = Object.values(DUE_SUBJECTS);
    const loop = await this.bus.consume<{ due?: CampaignDue; changed?: CampaignChanged }>({
      stream: MARKETING_STREAM.name,
      durable: this.durable,
      filterSubjects: [...dueSubjects, ...CAMPAIGN_CHANGES],
      // A launch writes every member before it acks: give a large one time before redelivery.
      ackWaitMs: 10 * 60_000,
      // A start the audience cannot serve now is tried again for hours (every 5 minutes at
      // most) before it is set aside: a campaign should not miss its start for an outage.
      maxDeliver: CLOCK_MAX_DELIVER,
      retryDelayMs: (attempt) => Math.min(5 * 60_000, 1_000 * 2 ** (attempt - 1)),
      decode: (data, subject) => (dueSubjects.includes(subject) ? { due: CampaignDue.decode(data) } : { changed: CampaignChanged.decode(data) }),
      handle: async ({ subject, event }) => {
        if (event.due) await this.onDue(subject === DUE_SUBJECTS.start ? "start" : "end", event.due);
        else if (event.changed?.campaign) await this.onChanged(event.changed.campaign.tenantId, event.changed.campaign.id);
      },
    });
    return loop as ConsumerLoop<unknown>;
  }

  /** A campaign changed: its schedules follow it as it is now (not as the event, maybe stale, says). */
  async onChanged(tenantId: string, campaignId: string): Promise<void> {
    const current = await this.deps.repos.campaigns.in(campaignClockActor(tenantId)).find(campaignId);
    if (!current) await cancelCampaignSchedules(this.bus, campaignId);
    else await syncSchedules(this.bus, current);
  }

  /** A schedule fired: launch at the start, complete at the end (launching first if the start was missed). */
  async onDue(kind: DueKind, due: CampaignDue): Promise<void> {
    const tenantId = due.meta?.tenantId ?? "";
    if (!tenantId || !due.campaignId) return;
    const actor = campaignClockActor(tenantId);
    const repo = this.deps.repos.campaigns.in(actor);
    const current = await repo.find(due.campaignId);
    const decision = { startsAt: due.startsAt ? new Date(due.startsAt) : undefined, endsAt: due.endsAt ? new Date(due.endsAt) : undefined };
    if (!current || !sameDecision(current, decision)) {
      this.logger.info({ campaignId: due.campaignId, kind, status: current?.status }, "campaign schedule no longer current (dates changed or campaign deleted); ignored");
      return;
    }
    if (current.status === "scheduled") {
      await launchCampaign(this.deps, actor, current._id, { byClock: true });
    }
    if (kind === "end") await completeCampaign(this.deps, actor, current._id, 0, true);
  }
}

/**
 * Completes a running campaign now. `idempotent` (the clock): a campaign no longer running is
 * left as it is; otherwise that is a 409 naming its state.
 */
export function completeCampaign(deps: Pick<LaunchDeps, "repos">, caller: CallerOrActor, campaignId: string, expectedVersion: number, idempotent = false): Promise<CampaignRecord> {
  return deps.repos.campaigns.in(caller).update(campaignId, expectedVersion, (c) => {
    if (idempotent && c.status !== "running") return null;
    assertAllowed(c, "complete");
    return { set: { status: "completed", completedAt: new Date() }, events: (next, actor) => [campaignLifecycleEvent("completed", next, actor)] };
  });
}
