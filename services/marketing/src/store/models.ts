import { outboxFields, type Stored } from "@relata/platform";
import { mongooseSchema } from "@relata/platform/resource";
import { Schema, type Connection, type Model } from "mongoose";
import type { CampaignMemberRecord, CampaignRecord, ConsentRecord, ListMemberRecord, MarketingListRecord, SegmentRecord } from "../domain/types";
import type { ConsentChangeRecord } from "../domain/consent";
import type { AttributedLeadRecord, OpportunityVersionRecord, ResponseFactRecord } from "../domain/attribution";
import type { CallAttemptRecord, CallRecord, SurveyAnswerSetRecord, SurveyRecord } from "../domain/types";
import { campaign, marketingList, segment } from "../resources";
import { responseSchema } from "./response-schema";
import { scoringRuleSchema, leadScoreSchema, type LeadScoreRecord } from "./scoring-schema";
import type { ResponseRecord } from "../domain/response";
import type { ScoringRuleRecord } from "../domain/scoring";

export const campaignSchema = mongooseSchema(campaign) as unknown as Schema<Stored<CampaignRecord>>;
for (const path of ["status", "ownerId"]) campaignSchema.path(path).required(true);

const tenantDocument = { _id: { type: String, required: true }, tenantId: { type: String, required: true } };

export const consentSchema = new Schema<ConsentRecord>(
  {
    ...tenantDocument,
    personId: { type: String, required: true },
    channel: { type: String, required: true },
    status: { type: String, required: true },
    source: { type: String, required: true },
    at: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// A launch asks for the consents of a batch of people on the campaign's channels.
consentSchema.index({ tenantId: 1, personId: 1 });

export const campaignMemberSchema = new Schema<CampaignMemberRecord>(
  {
    ...tenantDocument,
    campaignId: { type: String, required: true },
    personId: { type: String, required: true },
    kind: { type: String, required: true },
    firstName: { type: String, default: "" },
    lastName: { type: String, default: "" },
    email: { type: String, default: "" },
    phone: { type: String, default: "" },
    channels: { type: [String], default: [] },
    addedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
campaignMemberSchema.index({ tenantId: 1, campaignId: 1, _id: 1 });

export const callSchema = new Schema<CallRecord>(
  {
    ...tenantDocument,
    campaignId: { type: String, required: true },
    personId: { type: String, required: true },
    assigneeId: { type: String, required: true },
    ordinal: { type: Number, required: true },
    firstName: { type: String, default: "" },
    lastName: { type: String, default: "" },
    phone: { type: String, default: "" },
    outcome: { type: String, default: "" },
    callbackAt: { type: Date, required: false },
    lastCalledAt: { type: Date, required: false },
    assignedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// A campaign's call list, and a rep's calls in it, in person order.
callSchema.index({ tenantId: 1, campaignId: 1, _id: 1 });
callSchema.index({ tenantId: 1, campaignId: 1, assigneeId: 1, _id: 1 });

export const callAttemptSchema = new Schema<Stored<CallAttemptRecord>>(
  {
    ...tenantDocument,
    campaignId: { type: String, required: true },
    personId: { type: String, required: true },
    callId: { type: String, required: true },
    assigneeId: { type: String, required: true },
    outcome: { type: String, required: true },
    note: { type: String, default: "" },
    callbackAt: { type: Date, required: false },
    loggedBy: { type: String, required: true },
    at: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false },
);
callAttemptSchema.index({ tenantId: 1, callId: 1, _id: 1 });

const surveyQuestion = new Schema({ id: String, text: String, kind: String, options: [String] }, { _id: false });
export const surveySchema = new Schema<SurveyRecord>(
  {
    ...tenantDocument,
    campaignId: { type: String, required: true },
    questions: { type: [surveyQuestion], default: [] },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

const surveyAnswer = new Schema({ questionId: String, choices: [String], scale: Number, text: String }, { _id: false });
export const surveyAnswerSetSchema = new Schema<SurveyAnswerSetRecord>(
  {
    ...tenantDocument,
    campaignId: { type: String, required: true },
    personId: { type: String, default: "" },
    respondentKey: { type: String, default: "" },
    answers: { type: [surveyAnswer], default: [] },
    answeredAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// The summary reads one campaign's answer sets; the latest texts, newest first.
surveyAnswerSetSchema.index({ tenantId: 1, campaignId: 1, answeredAt: -1 });

/** Each change of consent, kept as proof: inserted once, never changed (its event waits in its outbox). */
export const consentChangeSchema = new Schema<Stored<ConsentChangeRecord>>(
  {
    ...tenantDocument,
    personId: { type: String, required: true },
    channel: { type: String, required: true },
    status: { type: String, required: true },
    source: { type: String, required: true },
    at: { type: Date, required: true },
    recordedAt: { type: Date, required: true },
    recordedBy: { type: String, required: true },
    campaignId: { type: String, default: "" },
    ...outboxFields,
  },
  { versionKey: false },
);
// A person's history, and the latest change of a person's channel (the current consent follows it).
consentChangeSchema.index({ tenantId: 1, personId: 1, channel: 1, at: 1 });
consentChangeSchema.index({ tenantId: 1, personId: 1, at: 1, _id: 1 });

export const listMemberSchema = new Schema<ListMemberRecord>(
  {
    ...tenantDocument,
    listId: { type: String, required: true },
    personId: { type: String, required: true },
    addedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
listMemberSchema.index({ tenantId: 1, listId: 1, _id: 1 });

export const marketingListSchema = mongooseSchema(marketingList) as unknown as Schema<Stored<MarketingListRecord>>;
marketingListSchema.path("ownerId").required(true);

// Results' facts, one per event (see domain/attribution.ts).
export const attributedLeadSchema = new Schema<AttributedLeadRecord>(
  { ...tenantDocument, leadId: { type: String, required: true }, campaignId: { type: String, required: true }, at: { type: Date, required: true } },
  { versionKey: false },
);
attributedLeadSchema.index({ tenantId: 1, campaignId: 1 });

export const opportunityVersionSchema = new Schema<OpportunityVersionRecord>(
  {
    ...tenantDocument,
    opportunityId: { type: String, required: true },
    leadId: { type: String, required: true },
    version: { type: Number, required: true },
    status: { type: String, required: true },
    amount: { type: String, default: "" },
    currency: { type: String, default: "" },
    deleted: { type: Boolean, default: false },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
opportunityVersionSchema.index({ tenantId: 1, leadId: 1 });

export const responseFactSchema = new Schema<ResponseFactRecord>(
  {
    ...tenantDocument,
    responseId: { type: String, required: true },
    campaignId: { type: String, required: true },
    personId: { type: String, default: "" },
    type: { type: String, required: true },
    channel: { type: String, default: "" },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
responseFactSchema.index({ tenantId: 1, campaignId: 1, type: 1 });

export const segmentSchema = mongooseSchema(segment) as unknown as Schema<Stored<SegmentRecord>>;
segmentSchema.path("ownerId").required(true);

export interface MarketingModels {
  campaigns: Model<Stored<CampaignRecord>>;
  consents: Model<ConsentRecord>;
  campaignMembers: Model<CampaignMemberRecord>;
  calls: Model<CallRecord>;
  callAttempts: Model<Stored<CallAttemptRecord>>;
  surveys: Model<SurveyRecord>;
  surveyAnswers: Model<SurveyAnswerSetRecord>;
  consentChanges: Model<Stored<ConsentChangeRecord>>;
  listMembers: Model<ListMemberRecord>;
  marketingLists: Model<Stored<MarketingListRecord>>;
  attributedLeads: Model<AttributedLeadRecord>;
  opportunityVersions: Model<OpportunityVersionRecord>;
  responseFacts: Model<ResponseFactRecord>;
  responses: Model<Stored<ResponseRecord>>;
  scoringRules: Model<Stored<ScoringRuleRecord>>;
  leadScores: Model<Stored<LeadScoreRecord>>;
  segments: Model<Stored<SegmentRecord>>;
}

/** Registers the models on the service's own connection (never the mongoose default one). */
export function createModels(db: Connection): MarketingModels {
  return {
    campaigns: db.model<Stored<CampaignRecord>>("Campaign", campaignSchema),
    consents: db.model<ConsentRecord>("Consent", consentSchema, "consents"),
    campaignMembers: db.model<CampaignMemberRecord>("CampaignMember", campaignMemberSchema, "campaign_members"),
    calls: db.model<CallRecord>("CampaignCall", callSchema, "campaign_calls"),
    callAttempts: db.model<Stored<CallAttemptRecord>>("CallAttempt", callAttemptSchema, "call_attempts"),
    surveys: db.model<SurveyRecord>("CampaignSurvey", surveySchema, "campaign_surveys"),
    surveyAnswers: db.model<SurveyAnswerSetRecord>("SurveyAnswerSet", surveyAnswerSetSchema, "survey_answers"),
    consentChanges: db.model<Stored<ConsentChangeRecord>>("ConsentChange", consentChangeSchema, "consent_changes"),
    listMembers: db.model<ListMemberRecord>("ListMember", listMemberSchema, "list_members"),
    marketingLists: db.model<Stored<MarketingListRecord>>("MarketingList", marketingListSchema),
    attributedLeads: db.model<AttributedLeadRecord>("AttributedLead", attributedLeadSchema, "attributed_leads"),
    opportunityVersions: db.model<OpportunityVersionRecord>("OpportunityVersion", opportunityVersionSchema, "opportunity_versions"),
    responseFacts: db.model<ResponseFactRecord>("ResponseFact", responseFactSchema, "response_facts"),
    responses: db.model<Stored<ResponseRecord>>("CampaignResponse", responseSchema, "campaign_responses"),
    scoringRules: db.model<Stored<ScoringRuleRecord>>("ScoringRule", scoringRuleSchema),
    leadScores: db.model<Stored<LeadScoreRecord>>("LeadScore", leadScoreSchema, "lead_scores"),
    segments: db.model<Stored<SegmentRecord>>("Segment", segmentSchema),
  };
}

/** The models whose documents carry an outbox, for the relay. */
export function outboxModels(models: MarketingModels): Model<unknown>[] {
  return [models.campaigns, models.callAttempts, models.consentChanges, models.marketingLists, models.responses, models.scoringRules, models.leadScores, models.segments] as unknown as Model<unknown>[];
}
