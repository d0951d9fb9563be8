import type { Connection, Model } from "mongoose";
import type { Stored } from "@relata/platform";
import type { ExportJobRecord } from "../domain/export";
import { exportJobModel } from "./exports";
import { createImportModels, type ImportModels } from "./imports";
import { createWebhookModels, type WebhookModels } from "./webhooks";

/** Integrations' collections in its own database. */
export interface IntegrationsModels extends WebhookModels, ImportModels {
  exportJobs: Model<Stored<ExportJobRecord>>;
}

/** Registers the models on the service's own connection (never the mongoose default one). */
export function createModels(db: Connection): IntegrationsModels {
  return { ...createWebhookModels(db), ...createImportModels(db), exportJobs: exportJobModel(db) };
}

/** The models whose documents carry an outbox, for the relay. */
export function outboxModels(models: IntegrationsModels): Model<unknown>[] {
  return [models.webhooks, models.importJobs, models.exportJobs] as unknown as Model<unknown>[];
}
