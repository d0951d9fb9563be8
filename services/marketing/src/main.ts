// Tracing first: the instrumentations patch grpc and mongodb before they are loaded.
import "@relata/platform/register";
import { env, ensureIndexes, OutboxRelay, runService, type PublishAfterWrite, type RunningService } from "@relata/platform";
import { z } from "zod";
import { MARKETING_STREAM, SALES_STREAM } from "./events/stream";
import { Audience } from "./audience";
import { campaignService } from "./rpc/campaigns";
import { segmentService } from "./rpc/segments";
import type { MarketingDeps } from "./rpc/context";
import { createModels, outboxModels } from "./store/models";
import { marketingRepositories } from "./store/repositories";

/** Variables Marketing reads beyond the platform's common ones. */
export const marketingEnv = {
  /**
   * Publish the events waiting in the outboxes. When false the service still writes every
   * event to its document's outbox but publishes nothing (relay on selected replicas only).
   */
  OUTBOX_RELAY_ENABLED: env.flag(true),
  /** How often the relay sweeps the collections for events left unpublished (after a crash). */
  OUTBOX_SWEEP_INTERVAL_MS: env.durationMs(60_000),
  /** How often the recycle bin is purged of what was deleted more than 30 days ago (also at start). */
  RECYCLE_BIN_PURGE_INTERVAL_MS: env.durationMs(6 * 60 * 60 * 1000),
  /**
   * The audience's DuckDB file, one per replica (never shared: DuckDB locks it), rebuilt from the
   * streams when missing. The chart puts it on an emptyDir volume; the default, ":memory:",
   * rebuilds it at every start (the local stack, tests that run several processes).
   */
  AUDIENCE_DB_PATH: z.string().min(1).default(":memory:"),
  /** DuckDB's share of the machine for the audience. */
  AUDIENCE_DB_THREADS: z.coerce.number().int().min(1).max(64).default(2),
  AUDIENCE_DB_MEMORY_LIMIT: z.string().regex(/^\d+(\.\d+)?\s*[KMGT]i?B$/i, "must be a size such as 512MB").default("512MB"),
};

export type MarketingService = RunningService<typeof marketingEnv>;

/**
 * The composition root: models on the service's own database, the MARKETING stream, the outbox
 * relay, the consumers and the gRPC services. runService supplies config, logs, health, the
 * database, NATS and shutdown.
 */
export function startMarketing(): Promise<MarketingService> {
  return runService({
    name: "marketing",
    env: marketingEnv,
    start: async ({ config, db, bus, logger }) => {
      const models = createModels(db);
      await ensureIndexes(db);
      await bus.ensureStream(MARKETING_STREAM);
      await bus.ensureStream(SALES_STREAM);

      const relay = new OutboxRelay(bus, outboxModels(models), logger.child({ component: "outbox-relay" }), {
        publish: config.OUTBOX_RELAY_ENABLED,
        sweepIntervalMs: config.OUTBOX_SWEEP_INTERVAL_MS,
      });
      relay.start();
      if (!config.OUTBOX_RELAY_ENABLED) logger.warn("OUTBOX_RELAY_ENABLED=false: events are written to the outboxes but not published by this process");
      const publish: PublishAfterWrite = (model, id) => relay.publishWritten(model, id);

      const repos = marketingRepositories(models, publish);

      const purgeLogger = logger.child({ component: "recycle-bin-purge" });
      const purge = () => void Promise.all([repos.campaigns.purgeDeleted(), repos.segments.purgeDeleted()]).then(([campaigns, segments]) => campaigns + segments).then(
        (purged) => purged && purgeLogger.info({ purged }, "purged campaigns and segments deleted more than 30 days ago"),
        (err: unknown) => purgeLogger.warn({ err: String(err) }, "recycle bin purge failed; will retry"),
      );
      const purger = setInterval(purge, config.RECYCLE_BIN_PURGE_INTERVAL_MS);
      purger.unref();
      purge();

      // Serves at once; until it has caught up with the streams a preview says so (audience_caught_up).
      const audience = await Audience.open({
        path: config.AUDIENCE_DB_PATH,
        bus,
        logger,
        models,
        threads: config.AUDIENCE_DB_THREADS,
        memoryLimit: config.AUDIENCE_DB_MEMORY_LIMIT,
      });
      const deps: MarketingDeps = { repos, models, publish, bus, logger, audience };

      return {
        services: [campaignService(deps), segmentService(deps, audience)],
        // After the gRPC server has drained: nothing may write once the connection closes.
        stop: async () => {
          clearInterval(purger);
          await relay.stop();
          await audience.close();
        },
      };
    },
  });
}

if (require.main === module) {
  startMarketing().catch((err: unknown) => {
    process.stderr.write(`marketing: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
