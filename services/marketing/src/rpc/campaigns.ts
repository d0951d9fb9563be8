import { implement, RecycleBinInput, recycleBinHandlers, type NewFields, type ServiceRegistration } from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { CampaignServiceService } from "@relata/proto/marketing/v1/campaign";
import { toCampaign } from "../codec/mappers";
import { assertCampaignDates } from "../domain/campaign";
import type { CampaignRecord } from "../domain/types";
import { campaignEvent } from "../events/builders";
import { campaign } from "../resources";
import type { MarketingDeps } from "./context";

const described = serviceSchemas(campaign);

/** The request schemas, by RPC (exported for tests). */
export const campaignSchemas = {
  createCampaign: described.create,
  getCampaign: described.get,
  listCampaigns: described.list,
  updateCampaign: described.update,
  deleteCampaign: RecycleBinInput,
  restoreCampaign: RecycleBinInput,
};

export function campaignService({ repos, logger }: MarketingDeps): ServiceRegistration {
  const crud = resourceHandlers(campaign, repos.campaigns, campaignEvent, {
    create(input, _records, ctx) {
      const fields = { ...input, ownerId: input.ownerId || ctx.identity.subject, status: "draft" as const };
      assertCampaignDates(fields);
      return fields as unknown as NewFields<CampaignRecord>;
    },
    update(set, current) {
      assertCampaignDates({ ...current, ...Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined && v !== null)) });
    },
  });
  const bin = recycleBinHandlers(repos.campaigns, toCampaign, campaignEvent);
  return implement(
    CampaignServiceService,
    {
      createCampaign: (request, ctx) => crud.create(request, ctx),
      getCampaign: (request, ctx) => crud.get(request, ctx),
      listCampaigns: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { campaigns: rows, page: { nextCursor } };
      },
      updateCampaign: (request, ctx) => crud.update(request, ctx),
      deleteCampaign: bin.delete,
      restoreCampaign: bin.restore,
    },
    logger,
  );
}
