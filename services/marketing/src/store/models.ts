import type { Stored } from "@relata/platform";
import { mongooseSchema } from "@relata/platform/resource";
import { Schema, type Connection, type Model } from "mongoose";
import type { CampaignMemberRecord, CampaignRecord, ConsentRecord, ListMemberRecord, SegmentRecord } from "../domain/types";
import { campaign, segment } from "../resources";

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

export const segmentSchema = mongooseSchema(segment) as unknown as Schema<Stored<SegmentRecord>>;
segmentSchema.path("ownerId").required(true);

export const listMemberSchema = new Schema<ListMemberRecord>(
  {
    ...tenantDocument,
    listId: { type: String, required: true },
    personId: { type: String, required: true },
    addedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// A list's members are read in pages of _id (a launch, a list's page).
listMemberSchema.index({ tenantId: 1, listId: 1, _id: 1 });

export interface MarketingModels {
  campaigns: Model<Stored<CampaignRecord>>;
  consents: Model<ConsentRecord>;
  campaignMembers: Model<CampaignMemberRecord>;
  segments: Model<Stored<SegmentRecord>>;
  listMembers: Model<ListMemberRecord>;
}

/** Registers the models on the service's own connection (never the mongoose default one). */
export function createModels(db: Connection): MarketingModels {
  return {
    campaigns: db.model<Stored<CampaignRecord>>("Campaign", campaignSchema),
    consents: db.model<ConsentRecord>("Consent", consentSchema, "consents"),
    campaignMembers: db.model<CampaignMemberRecord>("CampaignMember", campaignMemberSchema, "campaign_members"),
    segments: db.model<Stored<SegmentRecord>>("Segment", segmentSchema),
    listMembers: db.model<ListMemberRecord>("ListMember", listMemberSchema, "list_members"),
  };
}

/** The models whose documents carry an outbox, for the relay. */
export function outboxModels(models: MarketingModels): Model<unknown>[] {
  return [models.campaigns, models.segments] as unknown as Model<unknown>[];
}
