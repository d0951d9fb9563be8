import mongoose, { type Connection } from "mongoose";
import type { Readiness } from "./health";
import type { Logger } from "./logger";

function open(uri: string, readiness: Readiness | undefined, maxPoolSize?: number): Connection {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5_000,
    heartbeatFrequencyMS: 2_000,
    autoIndex: false,
    autoCreate: false,
    ...(maxPoolSize ? { maxPoolSize } : {}),
  });
  connection.on("connected", () => readiness?.set("mongo", true));
  connection.on("reconnected", () => readiness?.set("mongo", true));
  connection.on("disconnected", () => readiness?.set("mongo", false));
  return connection;
}

/**
 * Opens the service's own database (named in the URI) and keeps the readiness in step with
 * the connection. Retries until the first connection succeeds.
 *
 * Every write of the platform relies on single-document updates being atomic (optimistic
 * concurrency on `version`, the outbox pops, claims, `$inc`). MongoDB guarantees that.
 * FerretDB 1.x does not: it applies an update as a read followed by a whole-document write, so
 * two concurrent updates of one document over two connections can both match and the later
 * silently undoes the earlier (FerretDB #3040; measured here: 50 concurrent `$inc` ended at 1).
 * Operations over one connection run one after the other, so on FerretDB the pool is one
 * connection, which makes every update of this process atomic; run one process per FerretDB
 * database (the local stack does).
 */
export async function connectMongo(uri: string, logger: Logger, readiness?: Readiness): Promise<Connection> {
  for (let attempt = 1; ; attempt++) {
    const connection = open(uri, readiness);
    try {
      await connection.asPromise();
      const info = await connection.db!.admin().command({ buildInfo: 1 });
      if (!("ferretdbVersion" in info)) return connection;
      await connection.close();
      const single = open(uri, readiness, 1);
      await single.asPromise();
      readiness?.set("mongo", true);
      logger.info({ ferretdb: info.ferretdbVersion }, "FerretDB: one connection, so that single-document updates stay atomic");
      return single;
    } catch (err) {
      await connection.close().catch(() => undefined);
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
