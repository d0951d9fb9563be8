import { repository, type PublishAfterWrite } from "@relata/platform";
import type { CampaignRecord, MarketingListRecord, SegmentRecord } from "../domain/types";
import { campaign, marketingList, scoringRule, segment } from "../resources";
import type { ResponseRecord } from "../domain/response";
import type { ScoringRuleRecord } from "../domain/scoring";
import type { MarketingModels } from "./models";

/** Marketing's records, each bound to the caller's tenant per call (`repos.campaigns.in(ctx)`). */
export function marketingRepositories(models: MarketingModels, publish: PublishAfterWrite) {
  return {
    campaigns: repository<CampaignRecord>(models.campaigns, { what: "campaign", sortable: campaign.sorts, defaultSort: campaign.defaultSort, publish }),
    marketingLists: repository<MarketingListRecord>(models.marketingLists, { what: "marketing list", sortable: marketingList.sorts, defaultSort: marketingList.defaultSort, publish }),
    responses: repository<ResponseRecord>(models.responses, { what: "response", sortable: ["createdAt", "occurredAt"], defaultSort: "-occurredAt", publish }),
    scoringRules: repository<ScoringRuleRecord>(models.scoringRules, { what: "scoring rule", sortable: scoringRule.sorts, defaultSort: scoringRule.defaultSort, publish }),
    segments: repository<SegmentRecord>(models.segments, { what: "segment", sortable: segment.sorts, defaultSort: segment.defaultSort, publish }),
  };
}

export type MarketingRepositories = ReturnType<typeof marketingRepositories>;
