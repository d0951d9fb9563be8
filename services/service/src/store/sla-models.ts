import { repository, type PublishAfterWrite, type Stored } from "@relata/platform";
import { mongooseSchema, type ResourceRecord } from "@relata/platform/resource";
import { Schema, type Connection, type Model } from "mongoose";
import type { Interval } from "../domain/business-time";
import type { SlaAlertKind, SlaCaseStatus, SlaMetric } from "../domain/sla-clock";
import { businessCalendar, slaPolicy } from "../sla-resources";

export type BusinessCalendarRecord = ResourceRecord<typeof businessCalendar.fields>;
export type SlaPolicyRecord = ResourceRecord<typeof slaPolicy.fields>;

/** An alert the clock has scheduled (a JetStream message schedule on its own subject). */
export interface ScheduledAlert {
  metric: SlaMetric;
  kind: SlaAlertKind;
  at: Date;
  dueAt: Date;
  /** The schedule's de-duplication id: the same decision published again is dropped. */
  scheduleId: string;
}

/**
 * The SLA clock of one case (collection `case_slas`, `_id` the case id): what the clock has
 * seen of the case, the pauses, and the alerts it has scheduled. Written only by the clock.
 */
export interface CaseSlaRecord {
  _id: string;
  tenantId: string;
  /** The case version last applied: older snapshots are stale. */
  caseVersion: number;
  /** The case as last seen (what a policy or calendar change recomputes from). */
  status: SlaCaseStatus;
  priority: string;
  category: string;
  slaLevel: string;
  queueId: string;
  openedAt: Date;
  firstRespondedAt?: Date;
  deleted: boolean;
  waiting: Interval[];
  waitingSince?: Date;
  resolved: Interval[];
  resolvedSince?: Date;
  /** The policy and calendar the clocks count under, with their versions ("" without one). */
  policyId: string;
  calendarId: string;
  configStamp: string;
  scheduled: ScheduledAlert[];
  /** The due instants written on the case (null: none). */
  firstResponseDueAt?: Date;
  resolutionDueAt?: Date;
  /** Alert event ids already applied to the case (the alert consumer's de-duplication). */
  applied: string[];
  updatedAt: Date;
}

const interval = new Schema({ start: { type: Date, required: true }, end: { type: Date, required: true } }, { _id: false });
const scheduled = new Schema(
  {
    metric: { type: String, required: true },
    kind: { type: String, required: true },
    at: { type: Date, required: true },
    dueAt: { type: Date, required: true },
    scheduleId: { type: String, required: true },
  },
  { _id: false },
);

export const caseSlaSchema = new Schema<CaseSlaRecord>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    caseVersion: { type: Number, required: true },
    status: { type: String, required: true },
    priority: { type: String, default: "" },
    category: { type: String, default: "" },
    slaLevel: { type: String, default: "" },
    queueId: { type: String, default: "" },
    openedAt: { type: Date, required: true },
    firstRespondedAt: { type: Date, required: false },
    deleted: { type: Boolean, default: false },
    waiting: { type: [interval], default: [] },
    waitingSince: { type: Date, required: false },
    resolved: { type: [interval], default: [] },
    resolvedSince: { type: Date, required: false },
    policyId: { type: String, default: "" },
    calendarId: { type: String, default: "" },
    configStamp: { type: String, default: "" },
    scheduled: { type: [scheduled], default: [] },
    firstResponseDueAt: { type: Date, required: false },
    resolutionDueAt: { type: Date, required: false },
    applied: { type: [String], default: [] },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, strict: true, minimize: false, id: false, collection: "case_slas" },
);
// A policy or calendar change recomputes the tenant's cases counting on it.
caseSlaSchema.index({ tenantId: 1, policyId: 1 });
caseSlaSchema.index({ tenantId: 1, calendarId: 1 });

export interface SlaModels {
  businessCalendars: Model<Stored<BusinessCalendarRecord>>;
  slaPolicies: Model<Stored<SlaPolicyRecord>>;
  caseSlas: Model<CaseSlaRecord>;
}

export function createSlaModels(db: Connection): SlaModels {
  return {
    businessCalendars: db.model<Stored<BusinessCalendarRecord>>("BusinessCalendar", mongooseSchema(businessCalendar) as unknown as Schema<Stored<BusinessCalendarRecord>>),
    slaPolicies: db.model<Stored<SlaPolicyRecord>>("SlaPolicy", mongooseSchema(slaPolicy) as unknown as Schema<Stored<SlaPolicyRecord>>),
    caseSlas: db.model<CaseSlaRecord>("CaseSla", caseSlaSchema),
  };
}

/** The SLA models whose documents carry an outbox, for the relay. */
export function slaOutboxModels(models: SlaModels): Model<unknown>[] {
  return [models.businessCalendars, models.slaPolicies] as unknown as Model<unknown>[];
}

export function slaRepositories(models: SlaModels, publish: PublishAfterWrite) {
  return {
    businessCalendars: repository<BusinessCalendarRecord>(models.businessCalendars, {
      what: "business calendar",
      sortable: businessCalendar.sorts,
      defaultSort: businessCalendar.defaultSort,
      publish,
    }),
    slaPolicies: repository<SlaPolicyRecord>(models.slaPolicies, { what: "SLA policy", sortable: slaPolicy.sorts, defaultSort: slaPolicy.defaultSort, publish }),
  };
}

export type SlaRepositories = ReturnType<typeof slaRepositories>;
