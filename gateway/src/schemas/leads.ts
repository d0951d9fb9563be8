import type { AssignmentRule, ConvertLeadResponse, Lead } from "@relata/proto/sales/v1/lead";
import { z } from "zod";
import { DateOnly, DateTime, Email, listQuery, Money, optionalText, orNull, OwnerId, patchOf, Phone, RefId, stateDependent, text, toVersion, Version } from "./common";
import { leadSource, leadStatus } from "./enums";
import { named } from "./registry";

export const LeadCreate = named(
  "LeadCreate",
  z.strictObject({
    firstName: optionalText().optional(),
    lastName: text(),
    email: Email.optional(),
    phone: Phone.optional(),
    company: optionalText().optional(),
    title: optionalText().optional(),
    industry: optionalText().optional(),
    source: leadSource.schema.optional().meta({ description: "Where the lead came from; partner clients default to \"partner\", people to \"manual\"." }),
    ownerId: OwnerId.optional().meta({ description: "Empty: the tenant's round robin assigns one, or the caller owns it." }),
  }),
);

export const LeadUpdate = named(
  "LeadUpdate",
  patchOf(
    z.strictObject({
      firstName: optionalText().nullable().optional(),
      lastName: text().optional(),
      email: Email.nullable().optional(),
      phone: Phone.nullable().optional(),
      company: text().optional(),
      title: optionalText().nullable().optional(),
      industry: optionalText().nullable().optional(),
      score: z.number().int().min(0).max(100).optional(),
    }),
  ),
  "Fields to change; null clears an optional field.",
);

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
      description: "Omit to assign the next sales rep of the tenant's round robin.",
      ...stateDependent("required while the tenant has no round-robin assignment rule"),
    }),
  }),
);

export const LeadConvert = named(
  "LeadConvert",
  z.strictObject({
    opportunityName: text().optional().meta({ description: 'Defaults to "<company> deal".' }),
    amount: Money.optional(),
    expectedCloseDate: DateOnly.optional(),
    existingAccountId: RefId("account").optional().meta({ description: "Attach to this account instead of creating one." }),
  }),
);

export const LeadListQuery = listQuery(["createdAt", "updatedAt", "lastName", "company", "score"], {
  status: leadStatus.schema.optional(),
  ownerId: OwnerId.optional(),
  source: leadSource.schema.optional(),
  company: text().optional().meta({ description: "Exact company name." }),
});

const LeadConversionJson = z.object({
  accountId: z.string(),
  contactId: z.string(),
  opportunityId: z.string(),
  convertedAt: DateTime.nullable(),
});

export const LeadJson = named(
  "Lead",
  z.object({
    id: z.string(),
    tenantId: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    company: z.string().nullable(),
    title: z.string().nullable(),
    industry: z.string().nullable(),
    source: leadSource.schema.nullable(),
    status: leadStatus.schema.nullable(),
    ownerId: z.string().nullable(),
    score: z.number().int(),
    disqualifyReason: z.string().nullable(),
    conversion: LeadConversionJson.nullable(),
    version: Version,
    createdAt: DateTime.nullable(),
    updatedAt: DateTime.nullable(),
  }),
);

export const LeadConversionResult = named(
  "LeadConversionResult",
  z.object({ lead: LeadJson, accountId: z.string(), contactId: z.string(), opportunityId: z.string() }),
);

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

export function leadJson(lead: Lead): z.output<typeof LeadJson> {
  return {
    id: lead.id,
    tenantId: lead.tenantId,
    firstName: orNull(lead.firstName),
    lastName: lead.lastName,
    email: orNull(lead.email),
    phone: orNull(lead.phone),
    company: orNull(lead.company),
    title: orNull(lead.title),
    industry: orNull(lead.industry),
    source: leadSource.fromProto(lead.source),
    status: leadStatus.fromProto(lead.status),
    ownerId: orNull(lead.ownerId),
    score: lead.score,
    disqualifyReason: orNull(lead.disqualifyReason),
    conversion: lead.conversion?.accountId
      ? {
          accountId: lead.conversion.accountId,
          contactId: lead.conversion.contactId,
          opportunityId: lead.conversion.opportunityId,
          convertedAt: orNull(lead.conversion.convertedAt),
        }
      : null,
    version: toVersion(lead.version),
    createdAt: orNull(lead.createdAt),
    updatedAt: orNull(lead.updatedAt),
  };
}

export function conversionJson(res: ConvertLeadResponse): z.output<typeof LeadConversionResult> {
  return {
    lead: leadJson(res.lead!),
    accountId: res.accountId,
    contactId: res.contactId,
    opportunityId: res.opportunityId,
  };
}

export function assignmentRuleJson(rule: AssignmentRule): z.output<typeof LeadAssignmentRule> {
  return { repIds: rule.repIds, version: toVersion(rule.version) };
}
