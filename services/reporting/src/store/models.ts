import type { Stored } from "@relata/platform";
import { mongooseSchema } from "@relata/platform/resource";
import type { Connection, Model, Schema } from "mongoose";
import type { QuotaRecord } from "../domain/sales-quota";
import { quota } from "../resources";

export const quotaSchema = mongooseSchema(quota) as unknown as Schema<Stored<QuotaRecord>>;
// The one-quota-per-target check of a create or restore looks a quota up by what it is for.
quotaSchema.index({ tenantId: 1, period: 1, ownerId: 1, territory: 1 });

export interface ReportingModels {
  quotas: Model<Stored<QuotaRecord>>;
}

/** Registers the models on the service's own connection (never the mongoose default one). */
export function createModels(db: Connection): ReportingModels {
  return { quotas: db.model<Stored<QuotaRecord>>("Quota", quotaSchema) };
}

/** The models whose documents carry an outbox, for the relay. */
export function outboxModels(models: ReportingModels): Model<unknown>[] {
  return [models.quotas] as unknown as Model<unknown>[];
}
