import { InvalidArgument, StateConflict } from "@relata/platform";
import type { CampaignRecord, CampaignStatus } from "./types";

/**
 * A campaign's lifecycle (docs/marketing.md): draft → scheduled → running → completed, and
 * cancelled from any state before completed. Pure rules: the handlers and the clock apply them.
 */

export type CampaignAction = "schedule" | "launch" | "complete" | "cancel";

/** The states each action starts from. */
export const ALLOWED_FROM: Record<CampaignAction, readonly CampaignStatus[]> = {
  schedule: ["draft"],
  launch: ["draft", "scheduled"],
  complete: ["running"],
  cancel: ["draft", "scheduled", "running"],
};

const TARGET: Record<CampaignAction, CampaignStatus> = { schedule: "scheduled", launch: "running", complete: "completed", cancel: "cancelled" };

/** Refuses (409) an action the campaign's state does not allow, naming the state. */
export function assertAllowed(c: Pick<CampaignRecord, "_id" | "status">, action: CampaignAction): void {
  if (!ALLOWED_FROM[action].includes(c.status)) {
    throw new StateConflict(`cannot ${action} a campaign that is ${c.status} (campaign ${c._id} would move to ${TARGET[action]} only from ${ALLOWED_FROM[action].join(" or ")})`, "status");
  }
}

/**
 * What scheduling needs of the campaign as stored: both instants, an end still ahead, and a
 * channel to reach people on. The request names none of them, so a campaign lacking one is a
 * conflict (409) naming the field to set first.
 */
export function assertSchedulable(c: Pick<CampaignRecord, "startsAt" | "endsAt" | "channels">, now: Date): { startsAt: Date; endsAt: Date } {
  if (!c.startsAt) throw new StateConflict("a campaign needs starts_at to be scheduled", "starts_at");
  if (!c.endsAt) throw new StateConflict("a campaign needs ends_at to be scheduled", "ends_at");
  if (c.endsAt.getTime() <= now.getTime()) throw new StateConflict("a campaign whose ends_at is past cannot be scheduled", "ends_at");
  if (c.endsAt.getTime() <= c.startsAt.getTime()) throw new StateConflict("a campaign's ends_at must be after its starts_at", "ends_at");
  assertLaunchable(c);
  return { startsAt: c.startsAt, endsAt: c.endsAt };
}

/** A launch reaches people on the campaign's channels: it needs one at least (409 naming it). */
export function assertLaunchable(c: Pick<CampaignRecord, "channels">): void {
  if (!c.channels || c.channels.length === 0) throw new StateConflict("a campaign needs at least one channel to be scheduled or launched", "channels");
}

/**
 * The fields each state lets an update change. A draft and a scheduled campaign change freely
 * (a scheduled one's new dates move its schedules); once running its members are fixed, so
 * its targets, channels and start no longer change, but its end (still ahead), cost, budget and
 * wording do; a completed or cancelled campaign keeps its dates too.
 */
const FROZEN: Record<CampaignStatus, readonly string[]> = {
  draft: [],
  scheduled: [],
  running: ["segmentIds", "listIds", "channels", "startsAt"],
  completed: ["segmentIds", "listIds", "channels", "startsAt", "endsAt"],
  cancelled: ["segmentIds", "listIds", "channels", "startsAt", "endsAt"],
};

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Refuses (409, naming the field and the state) a change the campaign's state no longer allows. */
export function assertEditable(current: Pick<CampaignRecord, "status">, changed: readonly string[]): void {
  const frozen = changed.find((field) => FROZEN[current.status].includes(field));
  if (frozen) throw new StateConflict(`${snake(frozen)} cannot change once a campaign is ${current.status}`, snake(frozen));
}

/** A scheduled or running campaign's end must stay ahead (a past end would complete it at once). */
export function assertEndAhead(current: Pick<CampaignRecord, "status">, next: Pick<CampaignRecord, "startsAt" | "endsAt">, now: Date): void {
  if (current.status !== "scheduled" && current.status !== "running") return;
  if (!next.endsAt) throw new StateConflict(`ends_at cannot be cleared while the campaign is ${current.status}`, "ends_at");
  if (next.endsAt.getTime() <= now.getTime()) throw new InvalidArgument("ends_at", `must be in the future while the campaign is ${current.status}`);
  if (current.status === "scheduled" && !next.startsAt) throw new StateConflict("starts_at cannot be cleared while the campaign is scheduled", "starts_at");
}

/** The instants a start or end schedule was set for are still the campaign's (else the schedule is stale). */
export function sameDecision(c: Pick<CampaignRecord, "startsAt" | "endsAt">, due: { startsAt?: Date; endsAt?: Date }): boolean {
  const t = (d: Date | null | undefined) => (d ? d.getTime() : null);
  return t(c.startsAt) === t(due.startsAt) && t(c.endsAt) === t(due.endsAt);
}
