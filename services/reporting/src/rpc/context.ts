import type { EventBus, Logger } from "@relata/platform";
import type { FactStore } from "../facts/store";

/** What the gRPC handlers are built from (wired in main.ts). */
export interface ReportingDeps {
  /** This replica's store of facts (DuckDB), fed from every service's stream. */
  store: FactStore;
  bus: EventBus;
  logger: Logger;
}
