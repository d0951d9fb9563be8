import { toMessage, type ResourceRecord } from "@relata/platform/resource";
import type { SurveySummary } from "@relata/proto/marketing/v1/survey";
import type { SurveyTally } from "../domain/survey";
import type { Campaign } from "@relata/proto/marketing/v1/campaign";
import type { Consent, ConsentChange } from "@relata/proto/marketing/v1/consent";
import type { CampaignRecord, ConsentRecord, MarketingListRecord, SegmentRecord } from "../domain/types";
import type { Segment } from "@relata/proto/marketing/v1/segment";
import type { ConsentChangeRecord } from "../domain/consent";
import type { MarketingList } from "@relata/proto/marketing/v1/marketing_list";
import type { CampaignResponse } from "@relata/proto/marketing/v1/response";
import type { ScoringRule } from "@relata/proto/marketing/v1/scoring";
import type { ResponseRecord } from "../domain/response";
import type { ScoringRuleRecord } from "../domain/scoring";
import { Channel } from "@relata/proto/marketing/v1/channel";
import { campaign, channel, consentStatus, marketingList, responseType, scoringRule, segment } from "../resources";

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

export const toSegment = (r: SegmentRecord): Segment => toMessage(segment, r as unknown as ResourceRecord<typeof segment.fields>);

/** A survey's tally as the API serves it (its own endpoint and the campaign's results). */
export const toSurveySummary = (campaignId: string, tally: SurveyTally): SurveySummary => ({
  campaignId,
  respondents: String(tally.respondents),
  questions: tally.questions.map((q) => ({ ...q, answered: String(q.answered), choices: q.choices.map((x) => ({ option: x.option, count: String(x.count) })) })),
});
