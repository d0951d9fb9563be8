import { randomUUID } from "node:crypto";
import { implement, InvalidArgument, type ServiceRegistration } from "@relata/platform";
import { OpportunityServiceService } from "@relata/proto/sales/v1/opportunity";
import { z } from "zod";
import { decideStageChange, openingStageChange } from "../domain/opportunity";
import { initialStage } from "../domain/pipeline";
import type { OpportunityRecord } from "../domain/types";
import { opportunityEvent, opportunityStageEvent } from "../events/builders";
import { opportunityStatus, toOpportunity } from "../store/mappers";
import { changedFields, filterOf, getInTenant, listPage, requireReference } from "../store/queries";
import { createIdempotent, updateVersioned } from "../store/write";
import { actorOf, newRecord, type SalesDeps } from "./context";
import { calendarDate, optionalCalendarDate, expectedVersion, id, money, optionalId, optionalText, protoEnum, requiredText, text, validate } from "./validation";

export const OPPORTUNITY_SORTS = ["createdAt", "updatedAt", "name", "expectedCloseDate", "probability"] as const;

const CreateOpportunityInput = z.object({
  accountId: id(),
  contactId: optionalId(),
  name: requiredText(),
  stageId: text(),
  amount: money(),
  expectedCloseDate: calendarDate(),
  ownerId: text(),
  idempotencyKey: text(),
});

const GetOpportunityInput = z.object({ id: id() });

const ListOpportunitiesInput = z.object({
  accountId: text(),
  ownerId: text(),
  stageId: text(),
  status: protoEnum(opportunityStatus, { required: false }),
});

const UpdateOpportunityInput = z.object({
  id: id(),
  expectedVersion: expectedVersion(),
  name: requiredText().optional(),
  amount: money(),
  expectedCloseDate: optionalCalendarDate(),
  ownerId: optionalText(),
  contactId: optionalText(),
});

const ChangeStageInput = z.object({ id: id(), expectedVersion: expectedVersion(), stageId: id(), reason: text() });

/** The request schemas, by RPC (exported for tests). */
export const opportunitySchemas = {
  createOpportunity: CreateOpportunityInput,
  getOpportunity: GetOpportunityInput,
  listOpportunities: ListOpportunitiesInput,
  updateOpportunity: UpdateOpportunityInput,
  changeStage: ChangeStageInput,
};

export function opportunityService(deps: SalesDeps): ServiceRegistration {
  const { models, nudge, pipelines } = deps;

  /** A contact on an opportunity exists in the tenant and belongs to its account (or to none). */
  async function checkContact(tenantId: string, contactId: string, accountId: string): Promise<void> {
    if (!contactId) return;
    const contact = await requireReference(models.contacts, tenantId, contactId, "contact_id", "contact");
    if (contact.accountId && contact.accountId !== accountId) {
      throw new InvalidArgument("contact_id", "contact_id: the contact belongs to another account");
    }
  }

  return implement(
    OpportunityServiceService,
    {
      async createOpportunity(request, ctx) {
        const input = validate(CreateOpportunityInput, request);
        const actor = actorOf(ctx);
        const record = await createIdempotent<OpportunityRecord>(
          models.opportunities,
          {
            what: "opportunity",
            tenantId: actor.tenantId,
            idempotencyKey: input.idempotencyKey,
            request: input,
            build: async () => {
              await requireReference(models.accounts, actor.tenantId, input.accountId, "account_id", "account");
              await checkContact(actor.tenantId, input.contactId, input.accountId);
              const stage = initialStage((await pipelines.current(actor.tenantId)).stages, input.stageId);
              const base = newRecord(actor.tenantId, randomUUID());
              return {
                ...base,
                accountId: input.accountId,
                contactId: input.contactId,
                name: input.name,
                stageId: stage.id,
                probability: stage.probability,
                ...(input.amount ? { amount: input.amount } : {}),
                expectedCloseDate: input.expectedCloseDate,
                status: "open",
                closeReason: "",
                ownerId: input.ownerId || actor.actorId,
                stageHistory: [openingStageChange(stage.id, actor.actorId, base.createdAt)],
                leadId: "",
              };
            },
            events: (r) => [opportunityEvent("created", r, actor)],
          },
          nudge,
        );
        return toOpportunity(record);
      },

      async getOpportunity(request, ctx) {
        const input = validate(GetOpportunityInput, request);
        return toOpportunity(await getInTenant(models.opportunities, ctx.identity.tenantId, input.id, "opportunity"));
      },

      async listOpportunities(request, ctx) {
        const input = validate(ListOpportunitiesInput, request);
        const filter = filterOf({ accountId: input.accountId, ownerId: input.ownerId, stageId: input.stageId, status: input.status });
        const { rows, nextCursor } = await listPage(
          models.opportunities,
          ctx.identity.tenantId,
          filter,
          request.page,
          OPPORTUNITY_SORTS,
          "-createdAt",
        );
        return { opportunities: rows.map(toOpportunity), page: { nextCursor } };
      },

      async updateOpportunity(request, ctx) {
        const input = validate(UpdateOpportunityInput, request);
        const actor = actorOf(ctx);
        const record = await updateVersioned<OpportunityRecord>(
          models.opportunities,
          {
            what: "opportunity",
            tenantId: actor.tenantId,
            id: input.id,
            expectedVersion: input.expectedVersion,
            decide: async (current) => {
              const set = changedFields(current, {
                name: input.name,
                amount: input.amount,
                expectedCloseDate: input.expectedCloseDate,
                ownerId: input.ownerId,
                contactId: input.contactId,
              });
              if (Object.keys(set).length === 0) return null;
              if (set.contactId) await checkContact(actor.tenantId, set.contactId, current.accountId);
              return { set, events: (next) => [opportunityEvent("updated", next, actor)] };
            },
          },
          nudge,
        );
        return toOpportunity(record);
      },

      async changeStage(request, ctx) {
        const input = validate(ChangeStageInput, request);
        const actor = actorOf(ctx);
        const { stages } = await pipelines.current(actor.tenantId);
        const record = await updateVersioned<OpportunityRecord>(
          models.opportunities,
          {
            what: "opportunity",
            tenantId: actor.tenantId,
            id: input.id,
            expectedVersion: input.expectedVersion,
            decide: (current) => {
              const decision = decideStageChange(current, stages, input.stageId, input.reason, actor.actorId, new Date());
              if (!decision) return null;
              return {
                set: decision.set,
                events: (next) => [opportunityStageEvent(decision.event, next, decision.fromStageId, actor)],
              };
            },
          },
          nudge,
        );
        return toOpportunity(record);
      },
    },
    deps.logger,
  );
}
