import { enumCodec } from "@relata/platform/resource";
import { expectedVersion, id, implement, protoEnum, RecycleBinInput, recycleBinHandlers, validate, type CallContext, type NewFields, type ServiceRegistration } from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { CampaignAction, CampaignServiceService, type Campaign, type CampaignMember } from "@relata/proto/marketing/v1/campaign";
import { z } from "zod";
import { toCampaign } from "../codec/mappers";
import { assertCampaignDates } from "../domain/campaign";
import { assertAllowed, assertEditable, assertEndAhead, assertSchedulable } from "../domain/campaign-lifecycle";
import type { CampaignMemberRecord, CampaignRecord } from "../domain/types";
import { campaignEvent } from "../events/builders";
import { campaignLifecycleEvent } from "../events/campaign-events";
import { campaign, channel } from "../resources";
import { pageById } from "../store/campaign-members";
import { cancelCampaignSchedules, completeCampaign, syncSchedules } from "../workflows/campaign-clock";
import { launchCampaign } from "../workflows/launch";
import type { MarketingDeps } from "./context";

const described = serviceSchemas(campaign);

export const campaignAction = enumCodec(CampaignAction, "CAMPAIGN_ACTION_");

const TransitionCampaignInput = z.object({ id: id(), expectedVersion: expectedVersion(), action: protoEnum(campaignAction, { required: true }) });
const ListCampaignMembersInput = z.object({ campaignId: id() });

/** The request schemas, by RPC (exported for tests). */
export const campaignSchemas = {
  createCampaign: described.create,
  getCampaign: described.get,
  listCampaigns: described.list,
  updateCampaign: described.update,
  deleteCampaign: RecycleBinInput,
  restoreCampaign: RecycleBinInput,
  transitionCampaign: TransitionCampaignInput,
  listCampaignMembers: ListCampaignMembersInput,
};

const isSet = (v: unknown) => v !== undefined && v !== null;

export function toCampaignMember(r: CampaignMemberRecord): CampaignMember {
  return {
    campaignId: r.campaignId,
    personId: r.personId,
    kind: r.kind,
    firstName: r.firstName,
    lastName: r.lastName,
    email: r.email,
    phone: r.phone,
    channels: { values: r.channels.map((c) => channel.toProto(c)) },
    addedAt: r.addedAt.toISOString(),
  };
}

export function campaignService(deps: MarketingDeps): ServiceRegistration {
  const { repos, models, bus, logger } = deps;
  const crud = resourceHandlers(campaign, repos.campaigns, campaignEvent, {
    create(input, _records, ctx) {
      const fields = { ...input, ownerId: input.ownerId || ctx.identity.subject, status: "draft" as const };
      assertCampaignDates(fields);
      return fields as unknown as NewFields<CampaignRecord>;
    },
    update(set, current) {
      // What each state still lets change (docs/marketing.md).
      assertEditable(current, Object.keys(set));
      const next = { ...current, ...Object.fromEntries(Object.entries(set).filter(([, v]) => isSet(v))) } as CampaignRecord;
      for (const [k, v] of Object.entries(set)) if (v === null) delete (next as unknown as Record<string, unknown>)[k];
      assertCampaignDates(next);
      if ("startsAt" in set || "endsAt" in set) assertEndAhead(current, next, new Date());
    },
  });
  const bin = recycleBinHandlers(repos.campaigns, toCampaign, campaignEvent);

  /**
   * The schedules follow the campaign as written. The write is what counts: should NATS refuse
   * the schedule now, the clock sets it from the campaign's event once the relay publishes it.
   */
  const schedulesFollow = async (r: CampaignRecord): Promise<void> => {
    try {
      await syncSchedules(bus, r);
    } catch (err) {
      logger.warn({ campaignId: r._id, err: String(err) }, "campaign schedules not set now; the campaign clock sets them from the campaign's event");
    }
  };
  const afterMove = async (r: CampaignRecord): Promise<Campaign> => {
    await schedulesFollow(r);
    return toCampaign(r);
  };

  async function transition(request: unknown, ctx: CallContext): Promise<Campaign> {
    const input = validate(TransitionCampaignInput, request);
    switch (input.action) {
      case "schedule": {
        const now = new Date();
        const current = await repos.campaigns.in(ctx).get(input.id);
        assertAllowed(current, "schedule");
        const { startsAt } = assertSchedulable(current, now);
        // A start already past launches at once.
        if (startsAt.getTime() <= now.getTime()) return afterMove(await launchCampaign(deps, ctx, input.id, { expectedVersion: input.expectedVersion, now }));
        const scheduled = await repos.campaigns.in(ctx).update(input.id, input.expectedVersion, (c) => {
          assertAllowed(c, "schedule");
          assertSchedulable(c, now);
          return { set: { status: "scheduled" }, events: (next, actor) => [campaignLifecycleEvent("scheduled", next, actor)] };
        });
        return afterMove(scheduled);
      }
      case "launch":
        return afterMove(await launchCampaign(deps, ctx, input.id, { expectedVersion: input.expectedVersion }));
      case "complete":
        return afterMove(await completeCampaign(deps, ctx, input.id, input.expectedVersion));
      case "cancel": {
        const cancelled = await repos.campaigns.in(ctx).update(input.id, input.expectedVersion, (c) => {
          assertAllowed(c, "cancel");
          return { set: { status: "cancelled", cancelledAt: new Date() }, events: (next, actor) => [campaignLifecycleEvent("cancelled", next, actor)] };
        });
        return afterMove(cancelled);
      }
    }
  }

  return implement(
    CampaignServiceService,
    {
      createCampaign: (request, ctx) => crud.create(request, ctx),
      getCampaign: (request, ctx) => crud.get(request, ctx),
      listCampaigns: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { campaigns: rows, page: { nextCursor } };
      },
      updateCampaign: async (request, ctx) => {
        const updated = await crud.update(request, ctx);
        // New dates of a scheduled or running campaign move its schedules.
        if (updated.startsAt !== undefined || updated.endsAt !== undefined) {
          const record = await repos.campaigns.in(ctx).find(updated.id);
          if (record && (record.status === "scheduled" || record.status === "running")) await schedulesFollow(record);
        }
        return updated;
      },
      deleteCampaign: async (request, ctx) => {
        const deleted = await bin.delete(request, ctx);
        await cancelCampaignSchedules(bus, deleted.id).catch((err: unknown) =>
          logger.warn({ campaignId: deleted.id, err: String(err) }, "campaign schedules not cancelled now; the campaign clock cancels them on the delete's event"),
        );
        return deleted;
      },
      restoreCampaign: async (request, ctx) => {
        const restored = await bin.restore(request, ctx);
        const record = await repos.campaigns.in(ctx).find(restored.id);
        if (record) await schedulesFollow(record);
        return restored;
      },
      transitionCampaign: transition,
      listCampaignMembers: async (request, ctx) => {
        const { campaignId } = validate(ListCampaignMembersInput, request);
        const c = await repos.campaigns.in(ctx).get(campaignId);
        const { rows, nextCursor } = await pageById(models.campaignMembers, { tenantId: c.tenantId, campaignId: c._id }, request.page);
        return { members: rows.map(toCampaignMember), page: { nextCursor } };
      },
    },
    logger,
  );
}
