// Tracing first: the instrumentations patch grpc and mongodb before they are loaded.
import "@relata/platform/register";
import { ensureIndexes, env, openChannel, promiseClients, runService, startOutboxRelay, type RunningService } from "@relata/platform";
import { salesServices } from "@relata/sales/client";
import { z } from "zod";
import { INTEGRATIONS_STREAM, WORK_STREAM } from "./events/stream";
import type { IntegrationsDeps } from "./rpc/context";
import { FileStore } from "./store/files";
import { createModels, outboxModels } from "./store/models";
import { exportService } from "./rpc/exports";
import { exportJobRepository } from "./store/exports";
import { startExportWorker } from "./workflows/export-worker";

/** Variables Integrations reads beyond the platform's common ones. */
export const integrationsEnv = {
  SALES_GRPC_ADDR: z.string().min(1).default("127.0.0.1:50051"),
  /** Publish the events waiting in the outboxes; see Sales' OUTBOX_RELAY_ENABLED. */
  OUTBOX_RELAY_ENABLED: env.flag(true),
  OUTBOX_SWEEP_INTERVAL_MS: env.durationMs(60_000),
  /** How often a running export job is reported in progress to JetStream. */
  EXPORT_WORKING_INTERVAL_MS: env.durationMs(15_000),
  /** How long after its last report a running export job is presumed dead and delivered again. */
  EXPORT_ACK_WAIT_MS: env.durationMs(60_000),
  /** Rows between two writes of an export job's progress counters. */
  EXPORT_PROGRESS_EVERY_ROWS: z.coerce.number().int().min(1).default(5_000),
};

export type IntegrationsService = RunningService<typeof integrationsEnv>;

/**
 * The composition root: the INTEGRATIONS stream and its work queues, the webhooks' fan-out and
 * delivery workers, the import and export workers, and the gRPC services. runService supplies
 * config, logs, health, the database, NATS and shutdown.
 */
export function startIntegrations(): Promise<IntegrationsService> {
  return runService({
    name: "integrations",
    env: integrationsEnv,
    start: async ({ config, db, bus, logger }) => {
      const models = createModels(db);
      await ensureIndexes(db);
      await bus.ensureStream(INTEGRATIONS_STREAM);
      await bus.ensureStream(WORK_STREAM);
      const { relay, publish } = startOutboxRelay(bus, outboxModels(models), logger, {
        publish: config.OUTBOX_RELAY_ENABLED,
        sweepIntervalMs: config.OUTBOX_SWEEP_INTERVAL_MS,
      });
      const salesChannel = openChannel(config.SALES_GRPC_ADDR);
      const sales = promiseClients(salesServices, salesChannel, { defaultTimeoutMs: 30_000 });
      const files = await FileStore.open(bus);
      const deps: IntegrationsDeps = { bus, db, logger, models, publish, sales, files };
      const exportJobs = exportJobRepository(models.exportJobs, publish);
      const exportWorker = await startExportWorker(
        bus,
        { jobs: exportJobs, files, sales: sales.bulk, logger: logger.child({ worker: "exports" }), progressEveryRows: config.EXPORT_PROGRESS_EVERY_ROWS },
        { workingIntervalMs: config.EXPORT_WORKING_INTERVAL_MS, ackWaitMs: config.EXPORT_ACK_WAIT_MS },
      );
      return {
        services: [exportService({ ...deps, exportJobs })],
        stop: async () => {
          await exportWorker.stop();
          await relay.stop();
          salesChannel.close();
        },
      };
    },
  });
}

if (require.main === module) {
  startIntegrations().catch((err: unknown) => {
    process.stderr.write(`integrations: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
