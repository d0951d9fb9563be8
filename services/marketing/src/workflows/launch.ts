import { StateConflict, VersionConflict, type CallerOrActor, type Logger } from "@relata/platform";
import { assertAllowed, assertLaunchable } from "../domain/campaign-lifecycle";
import { countDecision, decideMember, emptyLaunchReport } from "../domain/launch";
import type { AudienceReader, CampaignMemberRecord, CampaignRecord } from "../domain/types";
import { campaignLifecycleEvent } from "../events/campaign-events";
import type { LaunchReportRecord } from "../resources";
import { BATCH_SIZE, insertNew, memberId } from "../store/campaign-members";
import { withdrawnConsents } from "../store/launch-consents";
import type { MarketingModels } from "../store/models";
import type { MarketingRepositories } from "../store/repositories";

export interface LaunchDeps {
  repos: Pick<MarketingRepositories, "campaigns">;
  models: Pick<MarketingModels, "consents" | "campaignMembers">;
  audience: AudienceReader;
  logger?: Logger;
}

/**
 * Launches a draft or scheduled campaign: fixes its member list (the targets' people as they
 * are now, each with the channels consent and contact points allow), then moves it to running
 * with the launch report, in that order: a launch interrupted by a crash is simply run again
 * (by the redelivered start, or by hand), members already written are not written twice, and
 * the report counts what this run decided, so it comes out the same.
 *
 * `expectedVersion` (If-Match) is checked before and at the final write (0: no check).
 * `byClock`: the campaign clock launches at the start it scheduled, so a campaign already
 * running (a redelivery, a replica) is returned as is, and a past end is no obstacle (the start
 * and end may both have passed while Marketing was down; the end completes it next). By hand,
 * both are 409s: a running campaign, or one whose end is past (it would complete at once).
 */
export async function launchCampaign(
  deps: LaunchDeps,
  caller: CallerOrActor,
  campaignId: string,
  options: { expectedVersion?: number; now?: Date; byClock?: boolean } = {},
): Promise<CampaignRecord> {
  const repo = deps.repos.campaigns.in(caller);
  const expectedVersion = options.expectedVersion ?? 0;
  const current = await repo.get(campaignId);
  if (expectedVersion && current.version !== expectedVersion) throw new VersionConflict("campaign", campaignId);
  if (current.status === "running" && options.byClock) return current;
  assertAllowed(current, "launch");
  assertLaunchable(current);
  const now = options.now ?? new Date();
  if (!options.byClock && current.endsAt && current.endsAt.getTime() <= now.getTime()) {
    throw new StateConflict(`campaign ${campaignId} ended at ${current.endsAt.toISOString()}: move ends_at ahead to launch it`, "ends_at");
  }
  const report = await fixMembers(deps, current, now);
  const launched = await repo.update(campaignId, expectedVersion, (c) => {
    // Another launch (a replica's, a redelivery) got there first: its members are the same.
    if (c.status === "running" && options.byClock) return null;
    assertAllowed(c, "launch");
    if (!sameTargets(c, current)) throw new StateConflict(`campaign ${campaignId} changed its targets or channels while it was being launched; launch it again`, "status");
    return {
      set: { status: "running", launchedAt: now, launchReport: report },
      events: (next, actor) => [campaignLifecycleEvent("launched", next, actor)],
    };
  });
  deps.logger?.info({ campaignId, tenantId: current.tenantId, ...report }, "campaign launched");
  return launched;
}

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) => [...(a ?? [])].sort().join("\u0000") === [...(b ?? [])].sort().join("\u0000");
const sameTargets = (a: CampaignRecord, b: CampaignRecord) => sameList(a.segmentIds, b.segmentIds) && sameList(a.listIds, b.listIds) && sameList(a.channels, b.channels);

/**
 * Writes the campaign's members, batch by batch (one unordered insert per batch, never the whole
 * audience in one array), and returns the report of what it decided. The tenant's withdrawals
 * on the campaign's channels are read once, before the first batch (see withdrawnConsents).
 * A campaign with no targets has no members and does not ask the audience.
 */
export async function fixMembers(deps: LaunchDeps, c: CampaignRecord, now: Date): Promise<LaunchReportRecord> {
  const report = emptyLaunchReport();
  if (c.segmentIds.length === 0 && c.listIds.length === 0) return report;
  // The audience gives each person once; a person seen twice all the same counts once.
  const seen = new Set<string>();
  const withdrawn = await withdrawnConsents(deps.models, c.tenantId, c.channels);
  let pending: Promise<unknown> = Promise.resolve();
  try {
    for await (const people of deps.audience.targets(c.tenantId, { segmentIds: c.segmentIds, listIds: c.listIds })) {
      for (let i = 0; i < people.length; i += BATCH_SIZE) {
        const batch = people.slice(i, i + BATCH_SIZE).filter((p) => !seen.has(p.personId));
        if (batch.length === 0) continue;
        for (const p of batch) seen.add(p.personId);
        const members: CampaignMemberRecord[] = [];
        for (const person of batch) {
          const decision = decideMember(person, c.channels, withdrawn.get(person.personId));
          countDecision(report, decision);
          if (decision.channels.length === 0) continue;
          members.push({
            _id: memberId(c.tenantId, c._id, person.personId),
            tenantId: c.tenantId,
            campaignId: c._id,
            personId: person.personId,
            kind: person.kind,
            firstName: person.firstName,
            lastName: person.lastName,
            email: person.email,
            phone: person.phone,
            channels: decision.channels,
            addedAt: now,
          });
        }
        // One batch written while the next is read and decided: at most two in flight.
        await pending;
        pending = insertNew(deps.models.campaignMembers, members);
        // Handled now (awaited below): a failure while the next batch is read must not go unhandled.
        pending.catch(() => undefined);
      }
    }
  } catch (err) {
    // The batch in flight is written (or fails) before the launch gives up: never left unawaited.
    await pending.catch(() => undefined);
    throw err;
  }
  await pending;
  return report;
}
