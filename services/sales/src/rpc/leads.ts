import {
  calendarDate,
  expectedVersion,
  id,
  implement,
  optionalId,
  RecycleBinInput,
  recycleBinHandlers,
  StateConflict,
  text,
  validate,
  type ServiceRegistration,
} from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { LeadServiceService } from "@relata/proto/sales/v1/lead";
import { z } from "zod";
import { toAssignmentRule, toLead } from "../codec/mappers";
import { normaliseRepIds } from "../domain/assignment";
import { assertLeadChangeable, decideQualification } from "../domain/lead";
import { leadEvent } from "../events/builders";
import { lead } from "../resources";
import type { SalesDeps } from "./context";
import { money } from "./validation";

const described = serviceSchemas(lead);

/** A lead created with no source is a manual one (the API names partner clients' leads itself). */
const CreateLeadInput = described.create.transform((input) => ({ ...input, source: input.source ?? ("manual" as const) }));

const QualifyLeadInput = z.object({
  id: id(),
  expectedVersion: expectedVersion(),
  qualified: z.boolean().default(false),
  reason: text(),
});

const AssignLeadInput = z.object({ id: id(), expectedVersion: expectedVersion(), ownerId: text() });

const ConvertLeadInput = z.object({
  id: id(),
  opportunityName: text(),
  amount: money(),
  expectedCloseDate: calendarDate(),
  existingAccountId: optionalId(),
});

const SetAssignmentRuleInput = z.object({ repIds: z.array(z.string()).default([]) });

/** The request schemas, by RPC (exported for tests). */
export const leadSchemas = {
  createLead: CreateLeadInput,
  getLead: described.get,
  listLeads: described.list,
  updateLead: described.update,
  qualifyLead: QualifyLeadInput,
  assignLead: AssignLeadInput,
  convertLead: ConvertLeadInput,
  setAssignmentRule: SetAssignmentRuleInput,
  deleteLead: RecycleBinInput,
  restoreLead: RecycleBinInput,
};

export function leadService({ repos, assignmentRules, conversions, logger, territories }: SalesDeps): ServiceRegistration {
  // Edits, qualification and assignment are refused once a conversion is claimed, even by a
  // writer that read the lead just before the claim.
  const notBeingConverted = { guard: { conversion: { $exists: false } } };
  // A converted lead (or one being converted) stays: it records where the account, contact
  // and opportunity it became came from, and the sweep of interrupted conversions reads it.
  const bin = recycleBinHandlers(repos.leads, toLead, leadEvent, {
    delete: { refuse: (lead) => assertLeadChangeable(lead, "deleted"), ...notBeingConverted },
  });
  // Get, list and update are generic; the create is the service's own (the round robin, a manual source).
  const crud = resourceHandlers(lead, repos.leads, leadEvent, {
    update: async (set, current, _leads, ctx) => {
      assertLeadChangeable(current, "edited");
      await territories.placeChanged(ctx, "lead", set, current);
    },
    updateOptions: notBeingConverted,
  });

  return implement(
    LeadServiceService,
    {
      async createLead(request, ctx) {
        const input = validate(CreateLeadInput, request);
        const leads = repos.leads.in(ctx);
        const record = await leads.create({
          idempotencyKey: input.idempotencyKey,
          request: input,
          build: async () => {
            const { idempotencyKey: _key, ...fields } = input;
            return territories.placeNew(ctx, "lead", {
              ...fields,
              status: "new" as const,
              // No owner named: the tenant's round robin, else the caller.
              ownerId: input.ownerId || (await assignmentRules.next(ctx)) || leads.actor.actorId,
              score: 0,
              disqualifyReason: "",
              // Only a lead made from a campaign's response names a campaign (Marketing's events).
              campaignId: "",
            });
          },
          events: (r, actor) => [leadEvent("created", r, actor)],
        });
        return toLead(record);
      },

      getLead: crud.get,
      listLeads: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { leads: rows, page: { nextCursor } };
      },
      updateLead: crud.update,

      async qualifyLead(request, ctx) {
        const input = validate(QualifyLeadInput, request);
        const record = await repos.leads.in(ctx).update(
          input.id,
          input.expectedVersion,
          (current) => {
            const decision = decideQualification(current, input.qualified, input.reason);
            if (!decision) return null;
            return {
              set: { status: decision.status, disqualifyReason: decision.disqualifyReason },
              events: (next, actor) => [leadEvent(decision.event, next, actor)],
            };
          },
          notBeingConverted,
        );
        return toLead(record);
      },

      async assignLead(request, ctx) {
        const input = validate(AssignLeadInput, request);
        let owner = input.ownerId;
        const record = await repos.leads.in(ctx).update(
          input.id,
          input.expectedVersion,
          async (current) => {
            assertLeadChangeable(current, "assigned");
            // The round robin moves once per call, not once per retry.
            if (!owner) owner = (await assignmentRules.next(ctx)) ?? "";
            // Stored state decides, not the request: a conflict (409) naming what is missing.
            if (!owner) {
              throw new StateConflict("the tenant has no round-robin assignment rule with reps: name an owner_id, or set the rule's reps first", "owner_id");
            }
            if (owner === current.ownerId) return null;
            return { set: { ownerId: owner }, events: (next, actor) => [leadEvent("assigned", next, actor)] };
          },
          notBeingConverted,
        );
        return toLead(record);
      },

      async convertLead(request, ctx) {
        const input = validate(ConvertLeadInput, request);
        const result = await conversions.convert(ctx, input.id, {
          opportunityName: input.opportunityName,
          amount: input.amount,
          expectedCloseDate: input.expectedCloseDate,
          existingAccountId: input.existingAccountId,
        });
        return { lead: toLead(result.lead), accountId: result.accountId, contactId: result.contactId, opportunityId: result.opportunityId };
      },

      async getAssignmentRule(_request, ctx) {
        return toAssignmentRule(ctx.identity.tenantId, await assignmentRules.get(ctx));
      },

      async setAssignmentRule(request, ctx) {
        const input = validate(SetAssignmentRuleInput, request);
        const rule = await assignmentRules.set(ctx, normaliseRepIds(input.repIds));
        return toAssignmentRule(ctx.identity.tenantId, rule);
      },

      deleteLead: bin.delete,
      restoreLead: bin.restore,
    },
    logger,
  );
}
