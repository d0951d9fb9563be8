import { toMessage, type ResourceRecord } from "@relata/platform/resource";
import type { Campaign } from "@relata/proto/marketing/v1/campaign";
import type { CampaignRecord } from "../domain/types";
import { campaign } from "../resources";

export const toCampaign = (r: CampaignRecord): Campaign => toMessage(campaign, r as unknown as ResourceRecord<typeof campaign.fields>);
