import { type Claim, claimModel, outboxFields, type Stored } from "@relata/platform";
import { type AnyResource, type Fields, mongooseSchema } from "@relata/platform/resource";
import type { AppointmentRecord, BookableResourceRecord, CaseRecord, EntitlementRecord, EscalationRecord, EscalationRuleRecord, QueueRecord } from "../domain/types";
import { appointment, bookableResource, entitlement, escalationRule, queue, supportCase } from "../resources";
import { Schema as MongooseSchema, type Connection, type Model, type Schema } from "mongoose";
import { createCaseModels, type CaseModels } from "./case-models";

/** A description's collection schema, with fields the service always sets marked required. */
function described<F extends Fields, T>(r: AnyResource<F>, alwaysSet: readonly string[] = []): Schema<Stored<T>> {
  const schema = mongooseSchema(r);
  for (const path of alwaysSet) schema.path(path).required(true);
  return schema as unknown as Schema<Stored<T>>;
}

export const caseSchema = described<typeof supportCase.fields, CaseRecord>(supportCase, ["number", "channel", "priority", "status"]);
// A case number names one case of the tenant.
caseSchema.index({ tenantId: 1, number: 1 }, { unique: true });

export const entitlementSchema = described<typeof entitlement.fields, EntitlementRecord>(entitlement, ["startDate", "unit", "active"]);
// Units used and left are counted from the unit claims when read, never stored.
entitlementSchema.remove(["unitsUsed", "unitsLeft"]);
// The applicable entitlements of a new case are looked up by account.
entitlementSchema.index({ tenantId: 1, accountId: 1, active: 1 });

export const bookableResourceSchema = described<typeof bookableResource.fields, BookableResourceRecord>(bookableResource, ["kind", "timeZone", "active"]);

export const appointmentSchema = described<typeof appointment.fields, AppointmentRecord>(appointment, ["end", "timeZone", "status"]);
// Availability reads a resource's booked appointments over a range.
appointmentSchema.index({ tenantId: 1, resourceId: 1, status: 1, start: 1 });

export const queueSchema = described<typeof queue.fields, QueueRecord>(queue, ["assignmentRule"]);
export const escalationRuleSchema = described<typeof escalationRule.fields, EscalationRuleRecord>(escalationRule, ["target", "raisePriority"]);
// The rules an alert may fire: the tenant's active ones.
escalationRuleSchema.index({ tenantId: 1, active: 1, createdAt: 1, _id: 1 });

/** The escalations (one per alert and rule), each with the outbox of its service.case.escalated event. */
export const escalationSchema = new MongooseSchema<Stored<EscalationRecord>>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    caseId: { type: String, required: true },
    ruleId: { type: String, required: true },
    alertEventId: { type: String, required: true },
    reason: { type: String, required: true },
    previousPriority: { type: String, required: true },
    priority: String,
    previousQueueId: { type: String, default: "" },
    queueId: String,
    managerId: String,
    appliedAt: Date,
    createdAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, strict: true, minimize: false, id: false, collection: "escalations" },
);
escalationSchema.index({ tenantId: 1, caseId: 1, createdAt: -1 });

export interface ServiceModels {
  cases: Model<Stored<CaseRecord>>;
  queues: Model<Stored<QueueRecord>>;
  escalationRules: Model<Stored<EscalationRuleRecord>>;
  escalations: Model<Stored<EscalationRecord>>;
  entitlements: Model<Stored<EntitlementRecord>>;
  bookableResources: Model<Stored<BookableResourceRecord>>;
  appointments: Model<Stored<AppointmentRecord>>;
  /** Unit n of an entitlement, `<entitlementId>:<n>`, held by the case that uses it. */
  entitlementUnitClaims: Model<Claim>;
  /** A slot of a resource, `<resourceId>:<slotStartISO>`, held by the appointment that books it. */
  appointmentSlotClaims: Model<Claim>;
  /** Comments, feedback, history, settings and the copy of Sales' accounts and contacts. */
  caseExtras: CaseModels;
}

/** Registers the models on the service's own connection (never the mongoose default one). */
export function createModels(db: Connection): ServiceModels {
  return {
    cases: db.model<Stored<CaseRecord>>("Case", caseSchema),
    entitlements: db.model<Stored<EntitlementRecord>>("Entitlement", entitlementSchema),
    bookableResources: db.model<Stored<BookableResourceRecord>>("BookableResource", bookableResourceSchema),
    appointments: db.model<Stored<AppointmentRecord>>("Appointment", appointmentSchema),
    entitlementUnitClaims: claimModel(db, "entitlement_unit_claims"),
    appointmentSlotClaims: claimModel(db, "appointment_slot_claims"),
    queues: db.model<Stored<QueueRecord>>("Queue", queueSchema),
    escalationRules: db.model<Stored<EscalationRuleRecord>>("EscalationRule", escalationRuleSchema),
    escalations: db.model<Stored<EscalationRecord>>("Escalation", escalationSchema),
    caseExtras: createCaseModels(db),
  };
}

/** The models whose documents carry an outbox, for the relay. */
export function outboxModels(models: ServiceModels): Model<unknown>[] {
  return [
    models.cases,
    models.queues,
    models.escalationRules,
    models.escalations,
    models.entitlements,
    models.bookableResources,
    models.appointments,
    models.caseExtras.feedback,
  ] as unknown as Model<unknown>[];
}
