import mongoose, { type Connection } from "mongoose";
import type { Logger } from "@relata/platform";

/**
 * The connection the Sales models use. Every write here relies on single-document updates
 * being atomic (optimistic concurrency on `version`, the outbox relay's pops, the conversion
 * claim, the round-robin $inc). MongoDB guarantees that. FerretDB 1.x does not: it applies an
 * update as a read followed by a whole-document write, so two concurrent updates of one
 * document from two connections can both "match" and the later write silently undoes the
 * earlier one (FerretDB issue #3040). Operations sent over a single connection are executed one
 * after the other, which restores atomicity for everything this process does; so on FerretDB
 * the models get a connection with a pool of one (the platform's connection is kept for
 * readiness). One Sales process per FerretDB database, which is how the local stack runs it.
 */
export async function salesConnection(
  db: Connection,
  uri: string,
  logger: Logger,
): Promise<{ connection: Connection; close: () => Promise<void> }> {
  const info = await db.db!.admin().command({ buildInfo: 1 });
  const ferretdb = "ferretdbVersion" in info;
  if (!ferretdb || db.getClient().options.maxPoolSize === 1) return { connection: db, close: async () => undefined };
  const single = await mongoose
    .createConnection(uri, { maxPoolSize: 1, serverSelectionTimeoutMS: 5_000, heartbeatFrequencyMS: 2_000, autoIndex: false, autoCreate: false })
    .asPromise();
  logger.info("FerretDB detected: database operations go over one connection so that single-document updates stay atomic");
  return { connection: single, close: () => single.close() };
}
