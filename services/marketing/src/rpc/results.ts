import { id, implement, validate, type ServiceRegistration } from "@relata/platform";
import { CampaignResultsServiceService, type CampaignResults } from "@relata/proto/marketing/v1/results";
import { z } from "zod";
import { latestOpportunities, returnOnInvestment, sumByCurrency, type OpportunityVersion } from "../domain/results";
import type { MarketingModels } from "../store/models";
import { toSurveySummary } from "../codec/mappers";
import { surveySummary } from "../workflows/survey-summary";
import type { MarketingDeps } from "./context";

/** The request schemas, by RPC (exported for tests). */
export const resultsSchemas = {
  getCampaignResults: z.object({ campaignId: id() }),
};

/** Who computed the return on investment: Marketing itself, until Reporting computes it. */
export const ROI_SOURCE = "marketing";

/**
 * A campaign's results from the facts the attribution consumer wrote: a handful of queries per
 * campaign, none over the whole tenant.
 */
export async function campaignResults(
  models: MarketingModels,
  tenantId: string,
  campaign: { _id: string; actualCost?: { amount: string; currency: string } | null; launchReport?: { members: number } | null },
): Promise<CampaignResults> {
  const campaignId = campaign._id;
  const [survey, responses, leads] = await Promise.all([
    surveySummary(models, tenantId, campaignId),
    models.responseFacts.aggregate<{ _id: string; count: number }>([{ $match: { tenantId, campaignId } }, { $group: { _id: "$type", count: { $sum: 1 } } }]),
    models.attributedLeads.find({ tenantId, campaignId }, { leadId: 1 }).lean(),
  ]);
  const versions: OpportunityVersion[] =
    leads.length === 0 ? [] : await models.opportunityVersions.find({ tenantId, leadId: { $in: leads.map((l) => l.leadId) } }, { _id: 0, tenantId: 0, at: 0 }).lean();
  const opportunities = latestOpportunities(versions);
  const won = opportunities.filter((o) => o.status === "won" && o.amount && o.currency);
  const wonRevenue = sumByCurrency(won);
  const cost = campaign.actualCost && campaign.actualCost.amount ? campaign.actualCost : undefined;
  const roi = returnOnInvestment(wonRevenue, cost);
  return {
    campaignId,
    // The members its launch fixed (0 before it launched).
    members: String(campaign.launchReport?.members ?? 0),
    responses: responses.map((r) => ({ type: r._id, count: String(r.count) })).sort((a, b) => a.type.localeCompare(b.type)),
    leadsCreated: String(leads.length),
    opportunities: {
      open: String(opportunities.filter((o) => o.status === "open").length),
      won: String(opportunities.filter((o) => o.status === "won").length),
      lost: String(opportunities.filter((o) => o.status === "lost").length),
    },
    wonRevenue,
    actualCost: cost,
    roi: roi ?? "",
    roiSource: roi === null ? "" : ROI_SOURCE,
    survey: survey ? toSurveySummary(campaignId, survey) : undefined,
  };
}

export function resultsService({ repos, models, logger }: MarketingDeps): ServiceRegistration {
  return implement(
    CampaignResultsServiceService,
    {
      async getCampaignResults(request, ctx) {
        const { campaignId } = validate(resultsSchemas.getCampaignResults, request);
        const campaign = await repos.campaigns.in(ctx).get(campaignId);
        return campaignResults(models, ctx.identity.tenantId, campaign);
      },
    },
    logger,
  );
}
