import type { Connection, Model } from "mongoose";
import type { Stored } from "@relata/platform";
import type { ExportJobRecord } from "../domain/export";
import { exportJobModel } from "./exports";

/** Integrations' collections in its own database. */
export interface IntegrationsModels {
  exportJobs: Model<Stored<ExportJobRecord>>;
}

/** Registers the models on the service's own connection (never the mongoose default one). */
export function createModels(db: Connection): IntegrationsModels {
  return {
    exportJobs: exportJobModel(db),
  };
}

/** The models whose documents carry an outbox, for the relay. */
export function outboxModels(models: IntegrationsModels): Model<unknown>[] {
  return [models.exportJobs as unknown as Model<unknown>];
}
