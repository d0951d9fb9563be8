// Tracing first: the instrumentations patch grpc and mongodb before they are loaded.
import "@relata/platform/register";
import { ensureIndexes, env, openChannel, promiseClients, runService, startOutboxRelay, type RunningService } from "@relata/platform";
import { salesServices } from "@relata/sales/client";
import { z } from "zod";
import { parseAllowedNetworks } from "./domain/webhook-network";
import { DEFAULT_RETRY_SCHEDULE, parseRetrySchedule } from "./domain/webhook-retry";
import { INTEGRATIONS_STREAM, WORK_STREAM } from "./events/stream";
import { webhookService } from "./rpc/webhooks";
import { webhookRepositories } from "./store/webhooks";
import { startDeliveryWorker } from "./workflows/webhook-delivery";
import { startWebhookFanout } from "./workflows/webhook-fanout";
import { systemResolver } from "./workflows/webhook-sender";
import type { IntegrationsDeps } from "./rpc/context";
import { FileStore } from "./store/files";
import { createModels, outboxModels } from "./store/models";
import { importJobRepository } from "./store/imports";
import { importService } from "./rpc/imports";
import { IMPORT_BATCH_ROWS, IMPORT_DURABLE, ImportRunner } from "./workflows/import-runner";
import { exportService } from "./rpc/exports";
import { exportJobRepository } from "./store/exports";
import { startExportWorker } from "./workflows/export-worker";

/** Variables Integrations reads beyond the platform's common ones. */
export const integrationsEnv = {
  SALES_GRPC_ADDR: z.string().min(1).default("127.0.0.1:50051"),
  /** Publish the events waiting in the outboxes; see Sales' OUTBOX_RELAY_ENABLED. */
  OUTBOX_RELAY_ENABLED: env.flag(true),
  OUTBOX_SWEEP_INTERVAL_MS: env.durationMs(60_000),
  /** Webhook endpoints may be http:// (local stacks and tests only). */
  WEBHOOK_ALLOW_HTTP: env.flag(false),
  /** CIDRs webhook endpoints may resolve to although private, loopback or link-local ("127.0.0.0/8"). */
  WEBHOOK_ALLOWED_NETWORKS: z.string().default(""),
  /** Delays between a delivery's attempts (a list of durations: "5s,1m,1h"); its length bounds the retries. */
  WEBHOOK_RETRY_SCHEDULE: z.string().default(DEFAULT_RETRY_SCHEDULE),
  /** How long one attempt may take, from resolving the host to the end of the answer. */
  WEBHOOK_TIMEOUT_MS: env.durationMs(10_000),
  /** Attempts in flight at once per replica: a slow endpoint does not hold up the others. */
  WEBHOOK_DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /** The fan-out's durable consumers: `${WEBHOOK_FANOUT_DURABLE}-<stream>`. */
  WEBHOOK_FANOUT_DURABLE: z.string().min(1).default("integrations-fanout"),
  WEBHOOK_DELIVERY_DURABLE: z.string().min(1).default("integrations-webhook-delivery"),
  /** The import runner's durable consumer: replicas of one deployment share it (tests run their own). */
  IMPORT_DURABLE: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '-' and '_' only").default(IMPORT_DURABLE),
  /** How long a job's message waits after its process's last progress report before another replica resumes it. */
  IMPORT_ACK_WAIT_MS: env.durationMs(60_000),
  /** Rows per call to Sales and per checkpoint (Sales takes at most 2,000). */
  IMPORT_BATCH_ROWS: z.coerce.number().int().min(1).max(2000).default(IMPORT_BATCH_ROWS),
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
      // Webhooks: subscriptions, the fan-out of every stream's events, the delivery worker.
      const webhookRepos = webhookRepositories(models, publish);
      const webhookPolicy = { allowHttp: config.WEBHOOK_ALLOW_HTTP, allowed: parseAllowedNetworks(config.WEBHOOK_ALLOWED_NETWORKS), resolve: systemResolver };
      const stopDeliveries = await startDeliveryWorker(bus, models, webhookRepos, logger, {
        durable: config.WEBHOOK_DELIVERY_DURABLE,
        concurrency: config.WEBHOOK_DELIVERY_CONCURRENCY,
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
        retrySchedule: parseRetrySchedule(config.WEBHOOK_RETRY_SCHEDULE),
        policy: webhookPolicy,
      });
      const stopFanout = await startWebhookFanout(bus, models, logger, { durable: config.WEBHOOK_FANOUT_DURABLE });
      // Import jobs: the records, their gRPC face and the worker that runs them.
      const imports = importJobRepository(models, publish);
      const importRunner = new ImportRunner(
        { bus, logger: logger.child({ component: "imports" }), models, imports, files, bulk: sales.bulk },
        { durable: config.IMPORT_DURABLE, ackWaitMs: config.IMPORT_ACK_WAIT_MS, batchRows: config.IMPORT_BATCH_ROWS },
      );
      await importRunner.start();
      const exportJobs = exportJobRepository(models.exportJobs, publish);
      const exportWorker = await startExportWorker(
        bus,
        { jobs: exportJobs, files, sales: sales.bulk, logger: logger.child({ worker: "exports" }), progressEveryRows: config.EXPORT_PROGRESS_EVERY_ROWS },
        { workingIntervalMs: config.EXPORT_WORKING_INTERVAL_MS, ackWaitMs: config.EXPORT_ACK_WAIT_MS },
      );
      return {
        services: [
          webhookService(deps, { repos: webhookRepos, policy: webhookPolicy, defaultOverlapSeconds: 24 * 3600 }),
          importService({ bus, logger, models, imports, files }),
          exportService({ ...deps, exportJobs }),
        ],
        stop: async () => {
          await stopFanout();
          await stopDeliveries();
          await importRunner.stop();
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
