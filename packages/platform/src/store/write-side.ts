import type { Model } from "mongoose";
import type { EventBus } from "../events/bus";
import { OutboxRelay, type OutboxRelayOptions } from "../events/outbox";
import type { Logger } from "../logger";
import type { PublishAfterWrite } from "./write";

/**
 * The background work of a service's write side, as every composition root starts it: the
 * outbox relay, and the purge of what its recycle bins hold past the retention window.
 */

/** Starts the relay over the models whose documents carry an outbox; `publish` is the nudge repositories call after a write. */
export function startOutboxRelay(
  bus: EventBus,
  models: Model<unknown>[],
  logger: Logger,
  options: Required<Pick<OutboxRelayOptions, "publish" | "sweepIntervalMs">>,
): { relay: OutboxRelay; publish: PublishAfterWrite } {
  const relay = new OutboxRelay(bus, models, logger.child({ component: "outbox-relay" }), options);
  relay.start();
  if (!options.publish) logger.warn("OUTBOX_RELAY_ENABLED=false: events are written to the outboxes but not published by this process");
  return { relay, publish: (model, ids) => relay.publishWritten(model, ids) };
}

/** Anything whose deleted records can be purged: a repository, or a service's own sweep over several. */
export interface Purgeable {
  purgeDeleted(): Promise<number>;
}

/**
 * Purges each named bin now and every `intervalMs` (a scan of its collections: rarely), logging
 * what it removed; a failure is logged and tried again at the next round. Returns the stop.
 */
export function startRecycleBinPurge(bins: Record<string, Purgeable>, intervalMs: number, logger: Logger): () => void {
  const log = logger.child({ component: "recycle-bin-purge" });
  const purge = () => {
    for (const [what, bin] of Object.entries(bins)) {
      void bin.purgeDeleted().then(
        (purged) => purged && log.info({ purged }, `purged ${what} deleted more than 30 days ago`),
        (err: unknown) => log.warn({ err: String(err), what }, "recycle bin purge failed; will retry"),
      );
    }
  };
  const timer = setInterval(purge, intervalMs);
  timer.unref();
  purge();
  return () => clearInterval(timer);
}
