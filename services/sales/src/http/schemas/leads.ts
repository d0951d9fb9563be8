import type { AssignmentRule } from "@relata/proto/sales/v1/lead";
import { z } from "zod";
import { CalendarDate, Money, named, OwnerId, RefId, text, toVersion } from "@relata/platform/http";

export const LeadQualify = named(
  "LeadQualify",
  z
    .strictObject({
      qualified: z.boolean(),
      reason: text().optional().meta({ description: "Required when qualified is false." }),
    })
    .superRefine((v, ctx) => {
      if (!v.qualified && !v.reason) ctx.addIssue({ code: "custom", path: ["reason"], message: "a reason is required to disqualify a lead" });
    })
    .meta({ if: { properties: { qualified: { const: false } } }, then: { required: ["reason"] } }),
);

export const LeadAssign = named(
  "LeadAssign",
  z.strictObject({
    ownerId: OwnerId.optional().meta({
      description: "Omit to assign the next sales rep of the tenant's round robin (409 when the tenant has none).",
    }),
  }),
);

export const LeadConvert = named(
  "LeadConvert",
  z.strictObject({
    opportunityName: text().optional().meta({ description: 'Defaults to "<company> deal".' }),
    amount: Money.optional(),
    expectedCloseDate: CalendarDate.optional(),
    existingAccountId: RefId("account").optional().meta({ description: "Attach to this account instead of creating one." }),
  }),
);

let conversionResult: z.ZodType | undefined;

/** What a conversion answers: the lead (the schema the lead's routes serve) and the ids it made. */
export function conversionResultOf(lead: z.ZodType): z.ZodType {
  conversionResult ??= named(
    "LeadConversionResult",
    z.object({ lead, accountId: z.string(), contactId: z.string(), opportunityId: z.string() }),
  );
  return conversionResult;
}

export const LeadAssignmentRule = named(
  "LeadAssignmentRule",
  z.object({ repIds: z.array(z.string()), version: z.number().int() }),
  "The sales reps among whom new leads are distributed by round robin, in order.",
);

export const LeadAssignmentRuleUpdate = named(
  "LeadAssignmentRuleUpdate",
  z.strictObject({
    repIds: z
      .array(OwnerId)
      .max(500)
      .superRefine((ids, ctx) => {
        ids.forEach((id, i) => {
          if (ids.indexOf(id) !== i) ctx.addIssue({ code: "custom", path: [i], message: `"${id}" is listed twice` });
        });
      })
      .meta({ uniqueItems: true }),
  }),
);

export function assignmentRuleJson(rule: AssignmentRule): z.output<typeof LeadAssignmentRule> {
  return { repIds: rule.repIds, version: toVersion(rule.version) };
}
