import { Server, ServerCredentials } from "@grpc/grpc-js";
import type { Connection } from "mongoose";
import type { z } from "zod";
import { ConfigError, loadConfig, serviceEnv } from "./config";
import { EventBus } from "./events/bus";
import { failFastWhileDown, type ServiceRegistration } from "./grpc/service";
import { Readiness } from "./health";
import { createLogger, type Logger } from "./logger";
import { connectMongo } from "./mongo";
import { processBacklog } from "./events/outbox";
import { scrapedGauge, serveMetrics } from "./telemetry/metrics";
import { stopTelemetry } from "./telemetry/sdk";

type ServiceConfig<S extends z.ZodRawShape> = z.output<z.ZodObject<typeof serviceEnv>> & z.output<z.ZodObject<S>>;

export interface ServiceContext<S extends z.ZodRawShape> {
  config: ServiceConfig<S>;
  logger: Logger;
  db: Connection;
  bus: EventBus;
  readiness: Readiness;
}

export interface ServiceDefinitionSpec<S extends z.ZodRawShape> {
  /** Short name: "sales". */
  name: string;
  /** Variables this service reads beyond the common ones. */
  env?: S;
  /** Builds the service once its database and NATS are connected. */
  start: (ctx: ServiceContext<S>) => Promise<{ services: ServiceRegistration[]; stop?: () => Promise<void> }>;
}

export interface RunningService<S extends z.ZodRawShape> extends ServiceContext<S> {
  port: number;
  shutdown: (reason: string) => Promise<void>;
}

/**
 * The composition every service shares: validated config, logs, a gRPC server whose health
 * answers NOT_SERVING until the database and NATS are up, the service's own handlers, and a
 * graceful shutdown on SIGTERM/SIGINT (NOT_SERVING first, then drain calls, consumers, NATS,
 * database).
 */
export async function runService<S extends z.ZodRawShape = Record<never, never>>(
  spec: ServiceDefinitionSpec<S>,
): Promise<RunningService<S>> {
  let config: ServiceConfig<S>;
  try {
    config = loadConfig({ ...serviceEnv, ...(spec.env ?? {}) }) as unknown as ServiceConfig<S>;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${spec.name}: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(spec.name, config.LOG_LEVEL);
  const readiness = new Readiness(["mongo", "nats"], logger);

  const server = new Server({ "grpc.max_receive_message_length": 4 * 1024 * 1024 });
  readiness.health.addToServer(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`0.0.0.0:${config.GRPC_PORT}`, ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  logger.info({ port }, "gRPC listening; not serving until dependencies are ready");

  const metricsServer = await serveMetrics(config.METRICS_PORT);
  const db = await connectMongo(config.MONGO_URI, logger, readiness);
  const bus = await EventBus.connect(config.NATS_URL, spec.name, logger, readiness, {
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
    token: config.NATS_TOKEN,
    credsFile: config.NATS_CREDS_FILE,
  });
  const ctx: ServiceContext<S> = { config, logger, db, bus, readiness };
  const built = await spec.start(ctx);
  scrapedGauge("relata_consumer_pending_messages", "Messages a durable consumer has not had acknowledged (its lag)", ["stream", "consumer"], async (set) => {
    for (const c of bus.consumers) set({ stream: c.spec.stream, consumer: c.spec.durable }, await bus.pending(c.spec.stream, c.spec.durable));
  });
  scrapedGauge("relata_outbox_pending_events", "Events written but not yet published", [], async (set) => {
    set({}, (await processBacklog()).pending);
  });
  scrapedGauge("relata_outbox_oldest_age_seconds", "Age of the oldest event waiting in an outbox (0 when none)", [], async (set) => {
    const { oldest } = await processBacklog();
    set({}, oldest ? (Date.now() - oldest.getTime()) / 1000 : 0);
  });
  // Every handler needs the database (NATS only through the outbox, which waits for it).
  const databaseDown = () => (readiness.isUp("mongo") ? undefined : "database");
  for (const s of built.services) {
    const guarded = failFastWhileDown(s, databaseDown);
    server.addService(guarded.definition, guarded.implementation);
    readiness.addService(s.name);
  }
  readiness.markStarted();

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> =>
    (stopping ??= (async () => {
      logger.info({ reason }, "shutting down");
      readiness.drain();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, config.SHUTDOWN_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      await built.stop?.();
      await bus.close().catch((err: unknown) => logger.warn({ err: String(err) }, "NATS close failed"));
      await db.close().catch((err: unknown) => logger.warn({ err: String(err) }, "database close failed"));
      metricsServer.close();
      await stopTelemetry();
      logger.info("stopped");
    })());
  process.once("SIGTERM", () => void shutdown("SIGTERM").then(() => process.exit(0)));
  process.once("SIGINT", () => void shutdown("SIGINT").then(() => process.exit(0)));
  logger.info({ port, services: built.services.map((s) => s.name) }, "serving");
  return { ...ctx, port, shutdown };
}
