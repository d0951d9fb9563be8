// Tracing first: the instrumentations patch grpc and mongodb before they are loaded.
import "@relata/platform/register";
import { ensureIndexes, env, runService, startOutboxRelay, startRecycleBinPurge, type RunningService } from "@relata/platform";
import { z } from "zod";
import { REPORTING_STREAM } from "./events/stream";
import { openFactStore } from "./facts/store";
import type { ReportingDeps } from "./rpc/context";
import { queryService } from "./rpc/query";
import { operationsAnalyticsService } from "./rpc/operations";
import { storeService } from "./rpc/store";
import { quotaService } from "./rpc/quotas";
import { salesAnalyticsService } from "./rpc/sales";
import { createModels, outboxModels } from "./store/models";
import { reportingRepositories } from "./store/repositories";
import { customerValueService } from "./rpc/customer-value";
import { ValuePublisher } from "./workflows/value-publisher";

/** Variables Reporting reads beyond the platform's common ones. */
export const reportingEnv = {
  /**
   * This replica's DuckDB file (never shared: DuckDB locks it), rebuilt from the streams when
   * missing. The chart keeps it on a persistent volume per replica; the default, ":memory:",
   * rebuilds it at every start (the local stack, tests that run several processes).
   */
  REPORTING_DB_PATH: z.string().min(1).default(":memory:"),
  /** DuckDB's share of the machine. */
  REPORTING_DB_THREADS: z.coerce.number().int().min(1).max(64).default(2),
  REPORTING_DB_MEMORY_LIMIT: z.string().regex(/^\d+(\.\d+)?\s*[KMGT]i?B$/i, "must be a size such as 1GB").default("1GB"),
  /** Publish the events waiting in the outboxes (quotas' changes); see Sales' OUTBOX_RELAY_ENABLED. */
  OUTBOX_RELAY_ENABLED: env.flag(true),
  OUTBOX_SWEEP_INTERVAL_MS: env.durationMs(60_000),
  RECYCLE_BIN_PURGE_INTERVAL_MS: env.durationMs(6 * 60 * 60 * 1000),
  /** How often every tenant's customer value is computed and its changes published (reporting.customer.value_changed). */
  REPORTING_VALUE_PUBLISH_INTERVAL_MS: env.durationMs(5 * 60 * 1000),
  /** Whether this process publishes customer value changes at all (replicas share the work through a claim per interval). */
  REPORTING_VALUE_PUBLISH_ENABLED: env.flag(true),
};

export type ReportingService = RunningService<typeof reportingEnv>;

/**
 * The composition root: the store of facts (a DuckDB projection of every service's stream), the
 * REPORTING stream, and the gRPC services. runService supplies config, logs, health, the
 * database, NATS and shutdown.
 */
export function startReporting(): Promise<ReportingService> {
  return runService({
    name: "reporting",
    env: reportingEnv,
    start: async ({ config, db, bus, logger }) => {
      const models = createModels(db);
      await ensureIndexes(db);
      await bus.ensureStream(REPORTING_STREAM);
      const { relay, publish } = startOutboxRelay(bus, outboxModels(models), logger, {
        publish: config.OUTBOX_RELAY_ENABLED,
        sweepIntervalMs: config.OUTBOX_SWEEP_INTERVAL_MS,
      });
      const repos = reportingRepositories(models, publish);
      // Quotas deleted more than 30 days ago leave the recycle bin.
      const stopPurge = startRecycleBinPurge({ quotas: repos.quotas }, config.RECYCLE_BIN_PURGE_INTERVAL_MS, logger);
      // Serves at once; until it has caught up with the streams the store's state says so.
      const store = await openFactStore({
        path: config.REPORTING_DB_PATH,
        threads: config.REPORTING_DB_THREADS,
        memoryLimit: config.REPORTING_DB_MEMORY_LIMIT,
        bus,
        logger: logger.child({ component: "store" }),
      });
      const deps: ReportingDeps = { store, bus, logger, models, repos, publish };
      const valuePublisher = config.REPORTING_VALUE_PUBLISH_ENABLED
        ? new ValuePublisher({ store, bus, db, logger: logger.child({ component: "value-publisher" }), intervalMs: config.REPORTING_VALUE_PUBLISH_INTERVAL_MS })
        : undefined;
      valuePublisher?.start();
      return {
        services: [storeService(deps), queryService(deps), quotaService(deps), salesAnalyticsService(deps), operationsAnalyticsService(deps), customerValueService(deps)],
        // After the gRPC server has drained: the store closes once the batch being applied commits.
        stop: async () => {
          stopPurge();
          await valuePublisher?.stop();
          await relay.stop();
          await store.close();
        },
      };
    },
  });
}

if (require.main === module) {
  startReporting().catch((err: unknown) => {
    process.stderr.write(`reporting: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
