import { toMessage, type ResourceRecord } from "@relata/platform/resource";
import type { Campaign } from "@relata/proto/marketing/v1/campaign";
import type { CampaignRecord } from "../domain/types";
import { campaign, scoringRule } from "../resources";
import type { CampaignResponse } from "@relata/proto/marketing/v1/response";
import type { ScoringRule } from "@relata/proto/marketing/v1/scoring";
import type { ResponseRecord } from "../domain/response";
import type { ScoringRuleRecord } from "../domain/scoring";
import { channel, responseType } from "../resources";
import { Channel } from "@relata/proto/marketing/v1/channel";

export const toCampaign = (r: CampaignRecord): Campaign => toMessage(campaign, r as unknown as ResourceRecord<typeof campaign.fields>);

export const toScoringRule = (r: ScoringRuleRecord): ScoringRule => toMessage(scoringRule, r as unknown as ResourceRecord<typeof scoringRule.fields>);

export const toCampaignResponse = (r: ResponseRecord): CampaignResponse => ({
  id: r._id,
  tenantId: r.tenantId,
  campaignId: r.campaignId,
  type: responseType.toProto(r.type),
  personId: r.personId,
  respondent: { firstName: r.firstName, lastName: r.lastName, email: r.email, phone: r.phone, company: r.company },
  channel: r.channel ? channel.toProto(r.channel) : Channel.CHANNEL_UNSPECIFIED,
  occurredAt: r.occurredAt.toISOString(),
  note: r.note,
  recordedBy: r.recordedBy,
  createdAt: r.createdAt.toISOString(),
});
