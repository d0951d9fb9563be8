import type { Connection, Model } from "mongoose";

/** Integrations' collections in its own database. */
export interface IntegrationsModels {}

/** Registers the models on the service's own connection (never the mongoose default one). */
export function createModels(_db: Connection): IntegrationsModels {
  return {};
}

/** The models whose documents carry an outbox, for the relay. */
export function outboxModels(_models: IntegrationsModels): Model<unknown>[] {
  return [];
}
