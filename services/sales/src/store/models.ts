import { recycleBinFields, type Stored } from "@relata/platform";
import { mongooseSchema, type AnyResource, type Fields } from "@relata/platform/resource";
import { Schema, type Connection, type Model } from "mongoose";
import type {
  AccountRecord,
  ActivityRecord,
  AssignmentRuleRecord,
  ContactRecord,
  LeadRecord,
  OpportunityRecord,
  PipelineRecord,
  TerritoryRecord,
  TimelineEntryRecord,
} from "../domain/types";
import { account, activity, competitor, contact, lead, opportunity, territory } from "../resources";
import type { CompetitorRecord } from "../domain/competitor";
import type { ProposalProfileRecord } from "../domain/proposal";

const options = { versionKey: false as const, strict: true, minimize: false, id: false };

const str = { type: String, default: "" };
const requiredStr = { type: String, required: true };

const moneySchema = new Schema({ amount: requiredStr, currency: requiredStr }, { _id: false });
const recordRefSchema = new Schema({ type: requiredStr, id: requiredStr }, { _id: false });

/** A description's collection schema, with fields the service always sets marked required. */
function described<F extends Fields, T>(r: AnyResource<F>, alwaysSet: readonly string[] = []): Schema<Stored<T>> {
  const schema = mongooseSchema(r);
  for (const path of alwaysSet) schema.path(path).required(true);
  return schema as unknown as Schema<Stored<T>>;
}

export const accountSchema = described<typeof account.fields, AccountRecord>(account);

export const contactSchema = described<typeof contact.fields, ContactRecord>(contact);

/** What a lead's conversion claims before anything is made, so a crash can finish it identically. */
const conversionPlanSchema = new Schema(
  {
    accountId: requiredStr,
    contactId: requiredStr,
    opportunityId: requiredStr,
    createsAccount: { type: Boolean, required: true },
    opportunityName: requiredStr,
    amount: { type: moneySchema, required: false },
    expectedCloseDate: str,
    stageId: requiredStr,
    probability: { type: Number, required: true },
    actorId: str,
    requestId: str,
    claimedAt: { type: Date, required: true },
    convertedAt: { type: Date, required: false },
  },
  { _id: false },
);

export const leadSchema = described<typeof lead.fields, LeadRecord>(lead, ["source", "status"]);
// The API serves the conversion's ids; the service keeps the whole plan.
leadSchema.remove("conversion");
leadSchema.add({ conversion: { type: conversionPlanSchema, required: false } });
// A bulk upsert matches leads by email (not a list filter, so not indexed by the description).
leadSchema.index({ tenantId: 1, email: 1 });
// The sweep that completes interrupted conversions looks across tenants.
leadSchema.index({ "conversion.claimedAt": 1, status: 1 });

export const opportunitySchema = described<typeof opportunity.fields, OpportunityRecord>(opportunity, ["stageId", "probability", "status"]);
// A contact's delete counts the opportunities naming it.
opportunitySchema.index({ tenantId: 1, contactId: 1 });
// A competitor's delete counts the opportunities naming it (met on the deal, or lost to).
opportunitySchema.index({ tenantId: 1, competitorIds: 1 });
opportunitySchema.index({ tenantId: 1, lostToCompetitorId: 1 });

export const activitySchema = described<typeof activity.fields, ActivityRecord>(activity);
// An account's or a record's activities, and the ones due.
activitySchema.index({ tenantId: 1, "relatedTo.id": 1, createdAt: -1 });
activitySchema.index({ tenantId: 1, accountId: 1, createdAt: -1 });
activitySchema.index({ tenantId: 1, dueAt: 1 });

const stageSchema = new Schema(
  { id: requiredStr, name: requiredStr, probability: { type: Number, required: true }, kind: requiredStr, forecastCategory: { type: String, required: false } },
  { _id: false },
);

export const pipelineSchema = new Schema<PipelineRecord>(
  {
    _id: requiredStr,
    tenantId: requiredStr,
    stages: { type: [stageSchema], default: [] },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { ...options, collection: "pipelines" },
);
pipelineSchema.index({ tenantId: 1 }, { unique: true });

export const assignmentRuleSchema = new Schema<AssignmentRuleRecord>(
  {
    _id: requiredStr,
    tenantId: requiredStr,
    repIds: { type: [String], default: [] },
    next: { type: Number, default: 0 },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { ...options, collection: "assignment_rules" },
);
assignmentRuleSchema.index({ tenantId: 1 }, { unique: true });

export const timelineEntrySchema = new Schema<TimelineEntryRecord>(
  {
    _id: requiredStr,
    tenantId: requiredStr,
    accountId: requiredStr,
    kind: requiredStr,
    summary: str,
    record: { type: recordRefSchema, required: true },
    actorId: str,
    occurredAt: { type: Date, required: true },
    ...recycleBinFields,
    visibilityVersion: { type: Number, required: false },
  },
  { ...options, collection: "timeline_entries" },
);
timelineEntrySchema.index({ tenantId: 1, accountId: 1, occurredAt: -1, _id: -1 });
// A record's delete and restore hide and show its entries.
timelineEntrySchema.index({ tenantId: 1, "record.id": 1 });

export interface SalesModels {
  accounts: Model<Stored<AccountRecord>>;
  contacts: Model<Stored<ContactRecord>>;
  leads: Model<Stored<LeadRecord>>;
  opportunities: Model<Stored<OpportunityRecord>>;
  activities: Model<Stored<ActivityRecord>>;
  pipelines: Model<PipelineRecord>;
  assignmentRules: Model<AssignmentRuleRecord>;
  timeline: Model<TimelineEntryRecord>;
  competitors: Model<Stored<CompetitorRecord>>;
  proposalProfiles: Model<ProposalProfileRecord>;
  territories: Model<Stored<TerritoryRecord>>;
}

/** Registers the models on the service's own connection (never the mongoose default one). */
export function createModels(db: Connection): SalesModels {
  return {
    accounts: db.model<Stored<AccountRecord>>("Account", accountSchema),
    contacts: db.model<Stored<ContactRecord>>("Contact", contactSchema),
    leads: db.model<Stored<LeadRecord>>("Lead", leadSchema),
    opportunities: db.model<Stored<OpportunityRecord>>("Opportunity", opportunitySchema),
    activities: db.model<Stored<ActivityRecord>>("Activity", activitySchema),
    pipelines: db.model<PipelineRecord>("Pipeline", pipelineSchema),
    assignmentRules: db.model<AssignmentRuleRecord>("AssignmentRule", assignmentRuleSchema),
    timeline: db.model<TimelineEntryRecord>("TimelineEntry", timelineEntrySchema),
    competitors: db.model<Stored<CompetitorRecord>>("Competitor", competitorSchema),
    proposalProfiles: db.model<ProposalProfileRecord>("ProposalProfile", proposalProfileSchema),
    territories: db.model<Stored<TerritoryRecord>>("Territory", territorySchema),
  };
}

/** The models whose documents carry an outbox, for the relay. */
export function outboxModels(models: SalesModels): Model<unknown>[] {
  return [models.accounts, models.contacts, models.leads, models.opportunities, models.activities, models.competitors, models.territories] as unknown as Model<unknown>[];
}

export const competitorSchema = described<typeof competitor.fields, CompetitorRecord>(competitor);

/** One proposal profile per tenant (`_id` = tenant id), like the pipeline. */
export const proposalProfileSchema = new Schema<ProposalProfileRecord>(
  {
    _id: requiredStr,
    tenantId: requiredStr,
    companyName: str,
    addressLines: { type: [String], default: [] },
    taxId: str,
    defaultTerms: str,
    defaultLanguage: str,
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { ...options, collection: "proposal_profiles" },
);
proposalProfileSchema.index({ tenantId: 1 }, { unique: true });

export const territorySchema = described<typeof territory.fields, TerritoryRecord>(territory);
// A territory's code is unique in the tenant (accounts, leads and quotas hold it): the backstop of the create's check.
territorySchema.index({ tenantId: 1, code: 1 }, { unique: true });
