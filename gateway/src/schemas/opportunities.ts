import type { Opportunity } from "@relata/proto/sales/v1/opportunity";
import { z } from "zod";
import { DateOnly, DateTime, Id, listQuery, Money, orNull, OwnerId, patchOf, RefId, stateDependent, text, toVersion, Version } from "./common";
import { opportunityStatus } from "./enums";
import { STAGE_ID } from "./pipeline";
import { named } from "./registry";

const StageId = z.string().regex(STAGE_ID, "must be a stage id of the pipeline");
/** A stage of the tenant's current pipeline. */
const StageRef = StageId.meta({ "x-relata-reference": "stage of the tenant's pipeline" });

export const OpportunityCreate = named(
  "OpportunityCreate",
  z.strictObject({
    accountId: RefId("account"),
    contactId: RefId("contact of the account").optional(),
    name: text(),
    stageId: StageRef.optional().meta({ description: "An open stage; defaults to the first open stage of the tenant's pipeline." }),
    amount: Money.optional(),
    expectedCloseDate: DateOnly.optional(),
    ownerId: OwnerId.optional().meta({ description: "Defaults to the caller." }),
  }),
);

export const OpportunityUpdate = named(
  "OpportunityUpdate",
  patchOf(
    z.strictObject({
      name: text().optional(),
      amount: Money.optional(),
      expectedCloseDate: DateOnly.nullable().optional(),
      ownerId: OwnerId.optional(),
      contactId: RefId("contact of the account").nullable().optional(),
    }),
  ),
  "Fields to change; the stage changes through POST /v1/opportunities/{id}/stage.",
);

export const OpportunityStageChange = named(
  "OpportunityStageChange",
  z.strictObject({
    stageId: StageRef,
    reason: text()
      .optional()
      .meta({ description: "Required when the stage is a lost stage.", ...stateDependent("required when stageId is the pipeline's lost stage") }),
  }),
);

export const OpportunityListQuery = listQuery(["createdAt", "updatedAt", "name", "expectedCloseDate", "probability"], {
  accountId: Id.optional(),
  ownerId: OwnerId.optional(),
  stageId: StageId.optional(),
  status: opportunityStatus.schema.optional(),
});

const StageChangeJson = z.object({
  fromStageId: z.string().nullable(),
  toStageId: z.string(),
  changedBy: z.string().nullable(),
  changedAt: DateTime.nullable(),
});

export const OpportunityJson = named(
  "Opportunity",
  z.object({
    id: z.string(),
    tenantId: z.string(),
    accountId: z.string(),
    contactId: z.string().nullable(),
    name: z.string(),
    stageId: z.string(),
    probability: z.number().int().min(0).max(100),
    amount: Money.nullable(),
    expectedCloseDate: DateOnly.nullable(),
    status: opportunityStatus.schema.nullable(),
    closeReason: z.string().nullable(),
    ownerId: z.string().nullable(),
    stageHistory: z.array(StageChangeJson),
    leadId: z.string().nullable(),
    version: Version,
    createdAt: DateTime.nullable(),
    updatedAt: DateTime.nullable(),
  }),
);

export function opportunityJson(o: Opportunity): z.output<typeof OpportunityJson> {
  return {
    id: o.id,
    tenantId: o.tenantId,
    accountId: o.accountId,
    contactId: orNull(o.contactId),
    name: o.name,
    stageId: o.stageId,
    probability: o.probability,
    amount: o.amount && o.amount.currency ? { amount: o.amount.amount, currency: o.amount.currency } : null,
    expectedCloseDate: orNull(o.expectedCloseDate),
    status: opportunityStatus.fromProto(o.status),
    closeReason: orNull(o.closeReason),
    ownerId: orNull(o.ownerId),
    stageHistory: o.stageHistory.map((h) => ({
      fromStageId: orNull(h.fromStageId),
      toStageId: h.toStageId,
      changedBy: orNull(h.changedBy),
      changedAt: orNull(h.changedAt),
    })),
    leadId: orNull(o.leadId),
    version: toVersion(o.version),
    createdAt: orNull(o.createdAt),
    updatedAt: orNull(o.updatedAt),
  };
}
