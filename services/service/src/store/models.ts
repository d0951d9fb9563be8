import { outboxFields, type Stored } from "@relata/platform";
import { mongooseSchema, type AnyResource, type Fields } from "@relata/platform/resource";
import { Schema as MongooseSchema, type Connection, type Model, type Schema } from "mongoose";
import type { CaseRecord, EscalationRecord, EscalationRuleRecord, QueueRecord } from "../domain/types";
import { escalationRule, queue, supportCase } from "../resources";

/** A description's collection schema, with fields the service always sets marked required. */
function described<F extends Fields, T>(r: AnyResource<F>, alwaysSet: readonly string[] = []): Schema<Stored<T>> {
  const schema = mongooseSchema(r);
  for (const path of alwaysSet) schema.path(path).required(true);
  return schema as unknown as Schema<Stored<T>>;
}

export const caseSchema = described<typeof supportCase.fields, CaseRecord>(supportCase, ["number", "channel", "priority", "status"]);
// A case number names one case of the tenant.
caseSchema.index({ tenantId: 1, number: 1 }, { unique: true });

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
}

/** Registers the models on the service's own connection (never the mongoose default one). */
export function createModels(db: Connection): ServiceModels {
  return {
    cases: db.model<Stored<CaseRecord>>("Case", caseSchema),
    queues: db.model<Stored<QueueRecord>>("Queue", queueSchema),
    escalationRules: db.model<Stored<EscalationRuleRecord>>("EscalationRule", escalationRuleSchema),
    escalations: db.model<Stored<EscalationRecord>>("Escalation", escalationSchema),
  };
}

/** The models whose documents carry an outbox, for the relay. */
export function outboxModels(models: ServiceModels): Model<unknown>[] {
  return [models.cases, models.queues, models.escalationRules, models.escalations] as unknown as Model<unknown>[];
}
