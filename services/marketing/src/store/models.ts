import type { Stored } from "@relata/platform";
import { mongooseSchema } from "@relata/platform/resource";
import { Schema, type Connection, type Model } from "mongoose";
import type { CampaignMemberRecord, CampaignRecord, ConsentRecord } from "../domain/types";
import { campaign } from "../resources";
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

export interface MarketingModels {
  campaigns: Model<Stored<CampaignRecord>>;
  consents: Model<ConsentRecord>;
  campaignMembers: Model<CampaignMemberRecord>;
  responses: Model<Stored<ResponseRecord>>;
  scoringRules: Model<Stored<ScoringRuleRecord>>;
  leadScores: Model<Stored<LeadScoreRecord>>;
}

/** Registers the models on the service's own connection (never the mongoose default one). */
export function createModels(db: Connection): MarketingModels {
  return {
    campaigns: db.model<Stored<CampaignRecord>>("Campaign", campaignSchema),
    consents: db.model<ConsentRecord>("Consent", consentSchema, "consents"),
    campaignMembers: db.model<CampaignMemberRecord>("CampaignMember", campaignMemberSchema, "campaign_members"),
    responses: db.model<Stored<ResponseRecord>>("CampaignResponse", responseSchema, "campaign_responses"),
    scoringRules: db.model<Stored<ScoringRuleRecord>>("ScoringRule", scoringRuleSchema),
    leadScores: db.model<Stored<LeadScoreRecord>>("LeadScore", leadScoreSchema, "lead_scores"),
  };
}

/** The models whose documents carry an outbox, for the relay. */
export function outboxModels(models: MarketingModels): Model<unknown>[] {
  return [models.campaigns, models.responses, models.scoringRules, models.leadScores] as unknown as Model<unknown>[];
}
