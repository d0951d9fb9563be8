import mongoose, { type Connection } from "mongoose";
import type { Readiness } from "./health";
import type { Logger } from "./logger";

/**
 * Opens the service's own database (named in the URI) and keeps the readiness in step with
 * the connection. Retries until the first connection succeeds.
 */
export async function connectMongo(uri: string, logger: Logger, readiness?: Readiness): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5_000,
    heartbeatFrequencyMS: 2_000,
    autoIndex: false,
    autoCreate: false,
  });
  connection.on("connected", () => readiness?.set("mongo", true));
  connection.on("reconnected", () => readiness?.set("mongo", true));
  connection.on("disconnected", () => readiness?.set("mongo", false));
  for (let attempt = 1; ; attempt++) {
    try {
      await connection.asPromise();
      readiness?.set("mongo", true);
      return connection;
    } catch (err) {
      logger.warn({ err: String(err), attempt }, "database not reachable yet");
      await new Promise((r) => setTimeout(r, Math.min(5_000, 500 * attempt)));
    }
  }
}

/** Creates the indexes the models declare; run once at start-up, never per request. */
export async function ensureIndexes(connection: Connection): Promise<void> {
  for (const model of Object.values(connection.models)) {
    await model.createCollection().catch(() => undefined);
    await model.createIndexes();
  }
}
