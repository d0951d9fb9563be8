import { recordFields, recycleBinFields, withTenantIndexes, type Stored } from "@relata/platform";
import { Schema, type Connection, type Model } from "mongoose";
import type {
  AccountRecord,
  ActivityRecord,
  AssignmentRuleRecord,
  ContactRecord,
  LeadRecord,
  OpportunityRecord,
  PipelineRecord,
  TimelineEntryRecord,
} from "../domain/types";

const options = { versionKey: false as const, strict: true, minimize: false, id: false };

const str = { type: String, default: "" };
const requiredStr = { type: String, required: true };

const moneySchema = new Schema({ amount: requiredStr, currency: requiredStr }, { _id: false });
const recordRefSchema = new Schema({ type: requiredStr, id: requiredStr }, { _id: false });

export const accountSchema = withTenantIndexes(
  new Schema<Stored<AccountRecord>>(
    {
      ...recordFields,
      name: requiredStr,
      parentAccountId: str,
      industry: str,
      territory: str,
      ownerId: str,
      website: str,
    },
    { ...options, collection: "accounts" },
  ),
  [{ name: 1 }, { ownerId: 1, createdAt: -1 }, { parentAccountId: 1 }, { industry: 1 }],
);

export const contactSchema = withTenantIndexes(
  new Schema<Stored<ContactRecord>>(
    {
      ...recordFields,
      accountId: str,
      firstName: str,
      lastName: requiredStr,
      email: str,
      phone: str,
      title: str,
      ownerId: str,
    },
    { ...options, collection: "contacts" },
  ),
  [{ accountId: 1, createdAt: -1 }, { email: 1 }, { lastName: 1 }, { ownerId: 1, createdAt: -1 }],
);

const conversionSchema = new Schema(
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

export const leadSchema = withTenantIndexes(
  new Schema<Stored<LeadRecord>>(
    {
      ...recordFields,
      firstName: str,
      lastName: requiredStr,
      email: str,
      phone: str,
      company: str,
      title: str,
      industry: str,
      source: requiredStr,
      status: requiredStr,
      ownerId: str,
      score: { type: Number, default: 0 },
      disqualifyReason: str,
      conversion: { type: conversionSchema, required: false },
    },
    { ...options, collection: "leads" },
  ),
  [{ status: 1, createdAt: -1 }, { ownerId: 1, createdAt: -1 }, { lastName: 1 }, { company: 1 }],
);
// The sweep that completes interrupted conversions looks across tenants.
leadSchema.index({ "conversion.claimedAt": 1, status: 1 });

const stageChangeSchema = new Schema(
  { fromStageId: str, toStageId: requiredStr, changedBy: str, changedAt: { type: Date, required: true } },
  { _id: false },
);

export const opportunitySchema = withTenantIndexes(
  new Schema<Stored<OpportunityRecord>>(
    {
      ...recordFields,
      accountId: requiredStr,
      contactId: str,
      name: requiredStr,
      stageId: requiredStr,
      probability: { type: Number, required: true },
      amount: { type: moneySchema, required: false },
      expectedCloseDate: str,
      status: requiredStr,
      closeReason: str,
      ownerId: str,
      stageHistory: { type: [stageChangeSchema], default: [] },
      leadId: str,
    },
    { ...options, collection: "opportunities" },
  ),
  [
    { accountId: 1, createdAt: -1 },
    { stageId: 1 },
    { status: 1, createdAt: -1 },
    { ownerId: 1, createdAt: -1 },
    { name: 1 },
    { expectedCloseDate: 1 },
    // A contact's delete counts the opportunities naming it.
    { contactId: 1 },
  ],
);

export const activitySchema = withTenantIndexes(
  new Schema<Stored<ActivityRecord>>(
    {
      ...recordFields,
      type: requiredStr,
      subject: requiredStr,
      notes: str,
      relatedTo: { type: recordRefSchema, required: true },
      accountId: str,
      dueAt: { type: Date, required: false },
      completedAt: { type: Date, required: false },
      ownerId: str,
    },
    { ...options, collection: "activities" },
  ),
  [{ "relatedTo.id": 1, createdAt: -1 }, { ownerId: 1, createdAt: -1 }, { dueAt: 1 }, { accountId: 1, createdAt: -1 }],
);

const stageSchema = new Schema(
  { id: requiredStr, name: requiredStr, probability: { type: Number, required: true }, kind: requiredStr },
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
  };
}

/** The models whose documents carry an outbox, for the relay. */
export function outboxModels(models: SalesModels): Model<unknown>[] {
  return [models.accounts, models.contacts, models.leads, models.opportunities, models.activities] as unknown as Model<unknown>[];
}
