import { randomUUID } from "node:crypto";
import { implement, InvalidArgument, type ServiceRegistration } from "@relata/platform";
import { LeadServiceService } from "@relata/proto/sales/v1/lead";
import { z } from "zod";
import { normaliseRepIds } from "../domain/assignment";
import { assertLeadChangeable, decideQualification } from "../domain/lead";
import type { LeadRecord } from "../domain/types";
import { leadEvent } from "../events/builders";
import { leadSource, leadStatus, toAssignmentRule, toLead } from "../store/mappers";
import { changedFields, filterOf, getInTenant, listPage } from "../store/queries";
import { createIdempotent, updateVersioned } from "../store/write";
import { actorOf, newRecord, type SalesDeps } from "./context";
import { calendarDate, email, optionalEmail, expectedVersion, id, money, optionalId, optionalText, protoEnum, requiredText, text, validate } from "./validation";

export const LEAD_SORTS = ["createdAt", "updatedAt", "lastName", "company", "score"] as const;

const CreateLeadInput = z.object({
  firstName: text(),
  lastName: requiredText(),
  email: email(),
  phone: text(),
  company: text(),
  title: text(),
  industry: text(),
  source: protoEnum(leadSource, { required: false, fallback: "manual" }),
  ownerId: text(),
  idempotencyKey: text(),
});

const GetLeadInput = z.object({ id: id() });

const ListLeadsInput = z.object({
  status: protoEnum(leadStatus, { required: false }),
  ownerId: text(),
  source: protoEnum(leadSource, { required: false }),
  company: text(),
});

const UpdateLeadInput = z.object({
  id: id(),
  expectedVersion: expectedVersion(),
  firstName: optionalText(),
  lastName: requiredText().optional(),
  email: optionalEmail(),
  phone: optionalText(),
  company: optionalText(),
  title: optionalText(),
  industry: optionalText(),
  score: z.number().int("must be a whole number").min(0, "must be from 0 to 100").max(100, "must be from 0 to 100").optional(),
});

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
  getLead: GetLeadInput,
  listLeads: ListLeadsInput,
  updateLead: UpdateLeadInput,
  qualifyLead: QualifyLeadInput,
  assignLead: AssignLeadInput,
  convertLead: ConvertLeadInput,
  setAssignmentRule: SetAssignmentRuleInput,
};

export function leadService(deps: SalesDeps): ServiceRegistration {
  const { models, nudge, assignmentRules, conversions } = deps;
  // Edits, qualification and assignment are refused once a conversion is claimed, even by a
  // writer that read the lead just before the claim.
  const notBeingConverted = { conversion: { $exists: false } };

  return implement(
    LeadServiceService,
    {
      async createLead(request, ctx) {
        const input = validate(CreateLeadInput, request);
        const actor = actorOf(ctx);
        const record = await createIdempotent<LeadRecord>(
          models.leads,
          {
            what: "lead",
            tenantId: actor.tenantId,
            idempotencyKey: input.idempotencyKey,
            request: input,
            build: async () => ({
              ...newRecord(actor.tenantId, randomUUID()),
              firstName: input.firstName,
              lastName: input.lastName,
              email: input.email,
              phone: input.phone,
              company: input.company,
              title: input.title,
              industry: input.industry,
              source: input.source,
              status: "new",
              // No owner named: the tenant's round robin, else the caller.
              ownerId: input.ownerId || (await assignmentRules.next(actor.tenantId)) || actor.actorId,
              score: 0,
              disqualifyReason: "",
            }),
            events: (r) => [leadEvent("created", r, actor)],
          },
          nudge,
        );
        return toLead(record);
      },

      async getLead(request, ctx) {
        const input = validate(GetLeadInput, request);
        return toLead(await getInTenant(models.leads, ctx.identity.tenantId, input.id, "lead"));
      },

      async listLeads(request, ctx) {
        const input = validate(ListLeadsInput, request);
        const filter = filterOf({ status: input.status, ownerId: input.ownerId, source: input.source, company: input.company });
        const { rows, nextCursor } = await listPage(models.leads, ctx.identity.tenantId, filter, request.page, LEAD_SORTS, "-createdAt");
        return { leads: rows.map(toLead), page: { nextCursor } };
      },

      async updateLead(request, ctx) {
        const input = validate(UpdateLeadInput, request);
        const actor = actorOf(ctx);
        const record = await updateVersioned<LeadRecord>(
          models.leads,
          {
            what: "lead",
            tenantId: actor.tenantId,
            id: input.id,
            expectedVersion: input.expectedVersion,
            guard: notBeingConverted,
            decide: (current) => {
              const set = changedFields(current, {
                firstName: input.firstName,
                lastName: input.lastName,
                email: input.email,
                phone: input.phone,
                company: input.company,
                title: input.title,
                industry: input.industry,
                score: input.score,
              });
              if (Object.keys(set).length === 0) return null;
              assertLeadChangeable(current, "edited");
              return { set, events: (next) => [leadEvent("updated", next, actor)] };
            },
          },
          nudge,
        );
        return toLead(record);
      },

      async qualifyLead(request, ctx) {
        const input = validate(QualifyLeadInput, request);
        const actor = actorOf(ctx);
        const record = await updateVersioned<LeadRecord>(
          models.leads,
          {
            what: "lead",
            tenantId: actor.tenantId,
            id: input.id,
            expectedVersion: input.expectedVersion,
            guard: notBeingConverted,
            decide: (current) => {
              const decision = decideQualification(current, input.qualified, input.reason);
              if (!decision) return null;
              return {
                set: { status: decision.status, disqualifyReason: decision.disqualifyReason },
                events: (next) => [leadEvent(decision.event, next, actor)],
              };
            },
          },
          nudge,
        );
        return toLead(record);
      },

      async assignLead(request, ctx) {
        const input = validate(AssignLeadInput, request);
        const actor = actorOf(ctx);
        let owner = input.ownerId;
        const record = await updateVersioned<LeadRecord>(
          models.leads,
          {
            what: "lead",
            tenantId: actor.tenantId,
            id: input.id,
            expectedVersion: input.expectedVersion,
            guard: notBeingConverted,
            decide: async (current) => {
              assertLeadChangeable(current, "assigned");
              // The round robin moves once per call, not once per retry.
              if (!owner) owner = (await assignmentRules.next(actor.tenantId)) ?? "";
              if (!owner) {
                throw new InvalidArgument("owner_id", "owner_id: is required while the tenant has no round-robin assignment rule");
              }
              if (owner === current.ownerId) return null;
              return { set: { ownerId: owner }, events: (next) => [leadEvent("assigned", next, actor)] };
            },
          },
          nudge,
        );
        return toLead(record);
      },

      async convertLead(request, ctx) {
        const input = validate(ConvertLeadInput, request);
        const result = await conversions.convert(actorOf(ctx), input.id, {
          opportunityName: input.opportunityName,
          amount: input.amount,
          expectedCloseDate: input.expectedCloseDate,
          existingAccountId: input.existingAccountId,
        });
        return { lead: toLead(result.lead), accountId: result.accountId, contactId: result.contactId, opportunityId: result.opportunityId };
      },

      async getAssignmentRule(_request, ctx) {
        return toAssignmentRule(ctx.identity.tenantId, await assignmentRules.get(ctx.identity.tenantId));
      },

      async setAssignmentRule(request, ctx) {
        const input = validate(SetAssignmentRuleInput, request);
        const rule = await assignmentRules.set(ctx.identity.tenantId, normaliseRepIds(input.repIds));
        return toAssignmentRule(ctx.identity.tenantId, rule);
      },
    },
    deps.logger,
  );
}
