import { CreateCampaignRequest, ListCampaignsRequest, UpdateCampaignRequest } from "@relata/proto/marketing/v1/campaign";
import { crudRoutes, type RouteSpec } from "@relata/platform/http";
import type { MarketingClients } from "../../client";
import { campaign } from "../../resources";

export function campaignRoutes(marketing: MarketingClients): RouteSpec[] {
  return crudRoutes(
    campaign,
    {
      list: async (request, call) => {
        const res = await marketing.campaigns.listCampaigns(ListCampaignsRequest.fromPartial(request), call);
        return { records: res.campaigns, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => marketing.campaigns.createCampaign(CreateCampaignRequest.fromPartial(request), call),
      get: (request, call) => marketing.campaigns.getCampaign(request, call),
      update: (request, call) => marketing.campaigns.updateCampaign(UpdateCampaignRequest.fromPartial(request), call),
      delete: (request, call) => marketing.campaigns.deleteCampaign(request, call),
      restore: (request, call) => marketing.campaigns.restoreCampaign(request, call),
    },
    { tag: "Campaigns" },
  );
}
