import { toMessage, type ResourceRecord } from "@relata/platform/resource";
import type { Campaign } from "@relata/proto/marketing/v1/campaign";
import type { Consent, ConsentChange } from "@relata/proto/marketing/v1/consent";
import type { CampaignRecord, ConsentRecord } from "../domain/types";
import type { ConsentChangeRecord } from "../domain/consent";
import type { MarketingList } from "@relata/proto/marketing/v1/marketing_list";
import type { MarketingListRecord } from "../domain/types";
import { campaign, channel, consentStatus, marketingList } from "../resources";

export const toCampaign = (r: CampaignRecord): Campaign => toMessage(campaign, r as unknown as ResourceRecord<typeof campaign.fields>);

export const toConsent = (r: ConsentRecord): Consent => ({
  personId: r.personId,
  channel: channel.toProto(r.channel),
  status: consentStatus.toProto(r.status),
  source: r.source,
  at: r.at.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export const toConsentChange = (r: ConsentChangeRecord): ConsentChange => ({
  id: r._id,
  tenantId: r.tenantId,
  personId: r.personId,
  channel: channel.toProto(r.channel),
  status: consentStatus.toProto(r.status),
  source: r.source,
  at: r.at.toISOString(),
  recordedAt: r.recordedAt.toISOString(),
  recordedBy: r.recordedBy,
  campaignId: r.campaignId,
});

export const toMarketingList = (r: MarketingListRecord): MarketingList => toMessage(marketingList, r as unknown as ResourceRecord<typeof marketingList.fields>);
