import type { EventBus, Logger } from "@relata/platform";
import { Projection } from "@relata/platform/projection";
import { applyFacts } from "./apply";
import { decodeFactEvent, FACT_SOURCES, type FactChange } from "./decode";
import { FACT_TABLES, STORE_VERSION } from "./schema";

/** Reporting's store: the DuckDB projection of every service's events (./schema). */
export type FactStore = Projection<FactChange>;

export interface FactStoreOptions {
  /** The DuckDB file of this replica, or ":memory:". */
  path: string;
  threads: number;
  memoryLimit: string;
  bus: EventBus;
  logger: Logger;
}

/** Opens the store and starts following the streams after the positions it recorded. */
export function openFactStore({ path, threads, memoryLimit, bus, logger }: FactStoreOptions): Promise<FactStore> {
  return Projection.open<FactChange>(
    {
      name: "reporting-facts",
      path,
      version: STORE_VERSION,
      schema: FACT_TABLES,
      sources: FACT_SOURCES.map((s) => ({ stream: s.stream, filterSubjects: [...s.filterSubjects], decode: decodeFactEvent })),
      apply: applyFacts,
      settings: { threads: String(threads), memory_limit: memoryLimit },
    },
    bus,
    logger,
  );
}
