import type { EventBus, Logger, PublishAfterWrite } from "@relata/platform";
import type { FactStore } from "../facts/store";
import type { ReportingModels } from "../store/models";
import type { ReportingRepositories } from "../store/repositories";

/** What the gRPC handlers are built from (wired in main.ts). */
export interface ReportingDeps {
  /** This replica's store of facts (DuckDB), fed from every service's stream. */
  store: FactStore;
  bus: EventBus;
  logger: Logger;
  /** Reporting's own records (quotas) in its MongoDB database, and the relay's nudge after a write. */
  models: ReportingModels;
  repos: ReportingRepositories;
  publish: PublishAfterWrite;
}
