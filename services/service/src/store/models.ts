import type { Stored } from "@relata/platform";
import { mongooseSchema, type AnyResource, type Fields } from "@relata/platform/resource";
import type { Connection, Model, Schema } from "mongoose";
import type { CaseRecord } from "../domain/types";
import { supportCase } from "../resources";

/** A description's collection schema, with fields the service always sets marked required. */
function described<F extends Fields, T>(r: AnyResource<F>, alwaysSet: readonly string[] = []): Schema<Stored<T>> {
  const schema = mongooseSchema(r);
  for (const path of alwaysSet) schema.path(path).required(true);
  return schema as unknown as Schema<Stored<T>>;
}

export const caseSchema = described<typeof supportCase.fields, CaseRecord>(supportCase, ["number", "channel", "priority", "status"]);
// A case number names one case of the tenant.
caseSchema.index({ tenantId: 1, number: 1 }, { unique: true });

export interface ServiceModels {
  cases: Model<Stored<CaseRecord>>;
}

/** Registers the models on the service's own connection (never the mongoose default one). */
export function createModels(db: Connection): ServiceModels {
  return {
    cases: db.model<Stored<CaseRecord>>("Case", caseSchema),
  };
}

/** The models whose documents carry an outbox, for the relay. */
export function outboxModels(models: ServiceModels): Model<unknown>[] {
  return [models.cases] as unknown as Model<unknown>[];
}
