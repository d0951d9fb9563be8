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
  type ServiceRegistration,
  type TenantReads,
} from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { OpportunityServiceService } from "@relata/proto/sales/v1/opportunity";
import { z } from "zod";
import { toOpportunity } from "../codec/mappers";
import { decideStageChange, openingStageChange } from "../domain/opportunity";
import { initialStage } from "../domain/pipeline";
import type { ContactRecord } from "../domain/types";
import { opportunityEvent, opportunityStageEvent } from "../events/builders";
import { salesRestoreChecks } from "../store/repositories";
import { opportunity } from "../resources";
import type { SalesDeps } from "./context";

const described = serviceSchemas(opportunity);

const ChangeStageInput = z.object({ id: id(), expectedVersion: expectedVersion(), stageId: id(), reason: text() });

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

export function opportunityService({ repos, pipelines, logger }: SalesDeps): ServiceRegistration {
  const crud = resourceHandlers(opportunity, repos.opportunities, opportunityEvent, {
    async create(input, opportunities, ctx, { now }) {
      await repos.accounts.in(ctx).require(input.accountId, "account_id");
      await checkContact(repos.contacts.in(ctx), input.contactId, input.accountId);
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
        // Competitors are checked to exist in the tenant once Sales keeps competitors.
        competitorIds: input.competitorIds,
        lostToCompetitorId: "",
        primaryQuoteId: "",
      };
    },
    async update(set, current, _opportunities, ctx) {
      if (set.contactId) await checkContact(repos.contacts.in(ctx), set.contactId, current.accountId);
      // The amount of an opportunity with a primary quote is that quote's net total (docs/commerce.md).
      if (set.amount !== undefined && current.primaryQuoteId) {
        throw new StateConflict(`amount: follows the primary quote ${current.primaryQuoteId}; change the quote instead`, "amount");
      }
    },
  });
  // Nothing depends on an opportunity: its activities are its history and stay with it.
  const bin = recycleBinHandlers(repos.opportunities, toOpportunity, opportunityEvent, { restore: salesRestoreChecks(repos).opportunity });
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
        const opportunities = repos.opportunities.in(ctx);
        const record = await opportunities.update(input.id, input.expectedVersion, (current) => {
          const decision = decideStageChange(current, stages, input.stageId, input.reason, opportunities.actor.actorId, new Date());
          if (!decision) return null;
          return {
            set: decision.set,
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
