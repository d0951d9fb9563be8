import { repository, type PublishAfterWrite } from "@relata/platform";
import type { CampaignRecord, SegmentRecord } from "../domain/types";
import { campaign, segment } from "../resources";
import type { MarketingModels } from "./models";

/** Marketing's records, each bound to the caller's tenant per call (`repos.campaigns.in(ctx)`). */
export function marketingRepositories(models: MarketingModels, publish: PublishAfterWrite) {
  return {
    campaigns: repository<CampaignRecord>(models.campaigns, { what: "campaign", sortable: campaign.sorts, defaultSort: campaign.defaultSort, publish }),
    segments: repository<SegmentRecord>(models.segments, { what: "segment", sortable: segment.sorts, defaultSort: segment.defaultSort, publish }),
  };
}

export type MarketingRepositories = ReturnType<typeof marketingRepositories>;
