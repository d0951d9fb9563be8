import type { CampaignResults } from "@relata/proto/marketing/v1/results";
import { Money, named } from "@relata/platform/http";
import { z } from "zod";
import { SurveySummaryJson, surveySummaryJson } from "./survey";

const Count = z.number().int().min(0);

export const CampaignResultsJson = named(
  "CampaignResults",
  z.object({
    campaignId: z.string(),
    members: Count.meta({ description: "The people fixed into its member list at launch." }),
    responses: z.record(z.string(), Count).meta({ description: "Responses by type (opened, clicked, replied, registered, unsubscribed, interested); a type without any is absent.", example: { opened: 120, interested: 4 } }),
    leadsCreated: Count.meta({ description: "Sales leads that name the campaign." }),
    opportunities: z.object({ open: Count, won: Count, lost: Count }).meta({ description: "Opportunities made from its leads, by their latest status." }),
    wonRevenue: z.array(Money).meta({ description: "The amounts of its won opportunities, one sum per currency." }),
    actualCost: Money.nullable(),
    roi: z.string().nullable().meta({
      description:
        "Return on investment, (won revenue − cost) / cost, 4 decimals; null without a cost or when the won revenue is in another currency than the cost (or in several).",
      example: "1.5000",
    }),
    survey: SurveySummaryJson.nullable().meta({ description: "Its survey's summary; null when it carries none." }),
    roiSource: z.enum(["marketing"]).nullable().meta({ description: "Who computed roi: Marketing's own figure until Reporting computes it." }),
  }),
  "What a campaign achieved, from the events of Marketing and Sales (attributed as they arrive).",
);

export const campaignResultsJson = (r: CampaignResults): z.output<typeof CampaignResultsJson> => ({
  campaignId: r.campaignId,
  members: Number(r.members),
  responses: Object.fromEntries(r.responses.map((c) => [c.type, Number(c.count)])),
  leadsCreated: Number(r.leadsCreated),
  opportunities: { open: Number(r.opportunities?.open ?? 0), won: Number(r.opportunities?.won ?? 0), lost: Number(r.opportunities?.lost ?? 0) },
  wonRevenue: r.wonRevenue.map((m) => ({ amount: m.amount, currency: m.currency })) as z.output<typeof Money>[],
  actualCost: r.actualCost ? ({ amount: r.actualCost.amount, currency: r.actualCost.currency } as z.output<typeof Money>) : null,
  roi: r.roi || null,
  roiSource: r.roiSource === "marketing" ? "marketing" : null,
  survey: r.survey ? surveySummaryJson(r.survey) : null,
});
