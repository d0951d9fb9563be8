import type { EventBus, Logger, PublishAfterWrite } from "@relata/platform";
import type { Connection } from "mongoose";
import type { SalesClients } from "../domain/sales-records";
import type { FileStore } from "../store/files";
import type { IntegrationsModels } from "../store/models";

/** What the gRPC handlers and the workers are built from (wired in main.ts). */
export interface IntegrationsDeps {
  bus: EventBus;
  db: Connection;
  logger: Logger;
  models: IntegrationsModels;
  /** The relay's nudge after a write whose document carries events. */
  publish: PublishAfterWrite;
  /** Sales' gRPC services: imports write and exports read accounts, contacts and leads there. */
  sales: SalesClients;
  /** Uploaded imports and written exports (JetStream, INTEGRATIONS_FILES). */
  files: FileStore;
}
