import {
  expectedVersion,
  id,
  implement,
  InvalidArgument,
  RecycleBinInput,
  recycleBinHandlers,
  StateConflict,
  text,
  validate,
  type Actor,
  type ServiceRegistration,
  type TenantReads,
} from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { OpportunityServiceService } from "@relata/proto/sales/v1/opportunity";
import { z } from "zod";
import { toOpportunity } from "../codec/mappers";
import { decideStageChange, openingStageChange } from "../domain/opportunity";
import { findStage, initialStage } from "../domain/pipeline";
import type { CompetitorRecord } from "../domain/competitor";
import type { ContactRecord, OpportunityRecord } from "../domain/types";
import { opportunityEvent, opportunityStageEvent } from "../events/builders";
import { salesRestoreChecks } from "../store/repositories";
import { opportunity } from "../resources";
import type { SalesDeps } from "./context";

const described = serviceSchemas(opportunity);

const ChangeStageInput = z.object({ id: id(), expectedVersion: expectedVersion(), stageId: id(), reason: text(), lostToCompetitorId: text(200) });

/** The request schemas, by RPC (exported for tests). */
export const opportunitySchemas = {
  createOpportunity: described.create,
  getOpportunity: described.get,
  listOpportunities: described.list,
  updateOpportunity: described.update,
  changeStage: ChangeStageInput,
  deleteOpportunity: RecycleBinInput,
  restoreOpportunity: RecycleBinInput,
};

/** A contact on an opportunity exists in the tenant and belongs to its account (or to none). */
async function checkContact(contacts: TenantReads<ContactRecord>, contactId: string, accountId: string): Promise<void> {
  if (!contactId) return;
  const contact = await contacts.require(contactId, "contact_id");
  if (contact.accountId && contact.accountId !== accountId) {
    throw new InvalidArgument("contact_id", "contact_id: the contact belongs to another account");
  }
}

/** Every competitor named on an opportunity exists in the tenant (and is not in the recycle bin); a refusal names the item. */
async function checkCompetitors(competitors: TenantReads<CompetitorRecord>, ids: readonly string[] | null | undefined): Promise<void> {
  for (const [i, competitorId] of (ids ?? []).entries()) await competitors.require(competitorId, `competitor_ids.${i}`);
}

export function opportunityService({ repos, pipelines, logger, opportunityDependents }: SalesDeps): ServiceRegistration {
  const crud = resourceHandlers(opportunity, repos.opportunities, opportunityEvent, {
    async create(input, opportunities, ctx, { now }) {
      await repos.accounts.in(ctx).require(input.accountId, "account_id");
      await checkContact(repos.contacts.in(ctx), input.contactId, input.accountId);
      await checkCompetitors(repos.competitors.in(ctx), input.competitorIds);
      const stage = initialStage((await pipelines.current(ctx)).stages, input.stageId);
      return {
        accountId: input.accountId,
        contactId: input.contactId,
        name: input.name,
        stageId: stage.id,
        probability: stage.probability,
        ...(input.amount ? { amount: input.amount } : {}),
        expectedCloseDate: input.expectedCloseDate,
        status: "open" as const,
        closeReason: "",
        ownerId: input.ownerId || opportunities.actor.actorId,
        stageHistory: [openingStageChange(stage.id, opportunities.actor.actorId, now)],
        leadId: "",
        competitorIds: input.competitorIds,
        lostToCompetitorId: "",
        primaryQuoteId: "",
      };
    },
    async update(set, current, _opportunities, ctx) {
      if (set.contactId) await checkContact(repos.contacts.in(ctx), set.contactId, current.accountId);
      if (set.competitorIds) await checkCompetitors(repos.competitors.in(ctx), set.competitorIds);
      // The amount of an opportunity with a primary quote is that quote's net total (docs/commerce.md).
      if (set.amount !== undefined && current.primaryQuoteId) {
        throw new StateConflict(`amount: follows the primary quote ${current.primaryQuoteId}; change the quote instead`, "amount");
      }
    },
  });
  // Its activities and quotes are its history and stay with it; an order (revenue) keeps it from the bin.
  const restoreChecks = salesRestoreChecks(repos).opportunity;
  const bin = recycleBinHandlers(repos.opportunities, toOpportunity, opportunityEvent, {
    delete: { dependents: opportunityDependents },
    restore: {
      // What it names must be live, its competitors too (a competitor may have gone to the bin while the opportunity was there).
      refuse: async (o: OpportunityRecord, actor: Actor) => {
        await restoreChecks.refuse(o, actor);
        for (const competitorId of [...(o.competitorIds ?? []), ...(o.lostToCompetitorId ? [o.lostToCompetitorId] : [])]) {
          if (!(await repos.competitors.in(actor).find(competitorId))) {
            const field = o.competitorIds?.includes(competitorId) ? "competitor_ids" : "lost_to_competitor_id";
            throw new StateConflict(`${field}: the competitor ${competitorId} is deleted; restore it first`, field);
          }
        }
      },
    },
  });
  return implement(
    OpportunityServiceService,
    {
      createOpportunity: crud.create,
      getOpportunity: crud.get,
      listOpportunities: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { opportunities: rows, page: { nextCursor } };
      },
      updateOpportunity: crud.update,

      async changeStage(request, ctx) {
        const input = validate(ChangeStageInput, request);
        const { stages } = await pipelines.current(ctx);
        // The competitor a deal went to is named with the lost stage only, and exists in the tenant.
        if (input.lostToCompetitorId) {
          if (findStage(stages, input.stageId)?.kind !== "lost") {
            throw new InvalidArgument("lost_to_competitor_id", "lost_to_competitor_id: is given only with the pipeline's lost stage");
          }
          await repos.competitors.in(ctx).require(input.lostToCompetitorId, "lost_to_competitor_id");
        }
        const opportunities = repos.opportunities.in(ctx);
        const record = await opportunities.update(input.id, input.expectedVersion, (current) => {
          const decision = decideStageChange(current, stages, input.stageId, input.reason, opportunities.actor.actorId, new Date());
          if (!decision) return null;
          return {
            set: input.lostToCompetitorId ? { ...decision.set, lostToCompetitorId: input.lostToCompetitorId } : decision.set,
            events: (next, actor) => [opportunityStageEvent(decision.event, next, decision.fromStageId, actor)],
          };
        });
        return toOpportunity(record);
      },

      deleteOpportunity: bin.delete,
      restoreOpportunity: bin.restore,
    },
    logger,
  );
}
