// Tracing first: the instrumentations patch grpc and mongodb before they are loaded.
import "@relata/platform/register";
import { env, ensureIndexes, OutboxRelay, runService, Sequence, type PublishAfterWrite, type RunningService } from "@relata/platform";
import { SERVICE_STREAM } from "./events/stream";
import { caseService } from "./rpc/cases";
import type { ServiceDeps } from "./rpc/context";
import { createModels, outboxModels } from "./store/models";
import { purgeRecycleBin, serviceRepositories } from "./store/repositories";
import { SlaClock, SLA_DURABLE_PREFIX } from "./events/sla-clock";
import { z } from "zod";
import { businessCalendarService, slaPolicyService } from "./rpc/sla-config";
import { createSlaModels, slaOutboxModels, slaRepositories } from "./store/sla-models";

/** Variables the Service reads beyond the platform's common ones. */
export const serviceEnv = {
  /**
   * Publish the events waiting in the outboxes. When false the service still writes every
   * event to its document's outbox but publishes nothing (relay on selected replicas only).
   */
  OUTBOX_RELAY_ENABLED: env.flag(true),
  /** How often the relay sweeps the collections for events left unpublished (after a crash). */
  OUTBOX_SWEEP_INTERVAL_MS: env.durationMs(60_000),
  /** How often the recycle bin is purged of what was deleted more than 30 days ago (also at start). */
  RECYCLE_BIN_PURGE_INTERVAL_MS: env.durationMs(6 * 60 * 60 * 1000),
  /** The SLA clock's durable consumers are `<prefix>-clock`, `-alerts` and `-config` (tests give their own). */
  SLA_DURABLE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, "letters, digits, '-' and '_' only").default(SLA_DURABLE_PREFIX),
};

export type ServiceService = RunningService<typeof serviceEnv>;

/**
 * The composition root: models on the service's own database, the SERVICE stream, the outbox
 * relay and the gRPC services. runService supplies config, logs, health, the database, NATS
 * and shutdown.
 */
export function startService(): Promise<ServiceService> {
  return runService({
    name: "service",
    env: serviceEnv,
    start: async ({ config, db, bus, logger }) => {
      const models = createModels(db);
      const slaModels = createSlaModels(db);
      await ensureIndexes(db);
      await bus.ensureStream(SERVICE_STREAM);

      const relay = new OutboxRelay(bus, [...outboxModels(models), ...slaOutboxModels(slaModels)], logger.child({ component: "outbox-relay" }), {
        publish: config.OUTBOX_RELAY_ENABLED,
        sweepIntervalMs: config.OUTBOX_SWEEP_INTERVAL_MS,
      });
      relay.start();
      if (!config.OUTBOX_RELAY_ENABLED) logger.warn("OUTBOX_RELAY_ENABLED=false: events are written to the outboxes but not published by this process");
      const publish: PublishAfterWrite = (model, id) => relay.publishWritten(model, id);

      const repos = serviceRepositories(models, publish);
      const deps: ServiceDeps = { repos, sequence: new Sequence(db), logger };
      const slaRepos = slaRepositories(slaModels, publish);
      await new SlaClock(bus, slaModels, repos, logger.child({ component: "sla-clock" }), config.SLA_DURABLE_PREFIX).start();

      const purgeLogger = logger.child({ component: "recycle-bin-purge" });
      const purge = () => void purgeRecycleBin(repos).then(
        (purged) => purged && purgeLogger.info({ purged }, "purged records deleted more than 30 days ago"),
        (err: unknown) => purgeLogger.warn({ err: String(err) }, "recycle bin purge failed; will retry"),
      );
      const purger = setInterval(purge, config.RECYCLE_BIN_PURGE_INTERVAL_MS);
      purger.unref();
      purge();

      return {
        services: [caseService(deps), businessCalendarService(slaRepos, logger), slaPolicyService(slaRepos, logger)],
        // After the gRPC server has drained: nothing may write once the connection closes.
        stop: async () => {
          clearInterval(purger);
          await relay.stop();
        },
      };
    },
  });
}

if (require.main === module) {
  startService().catch((err: unknown) => {
    process.stderr.write(`service: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
