import type { EventBus } from "@relata/platform";
import { decodeExportWork, EXPORT_WORK_FILTER, type ExportWork } from "../events/export";
import { WORK_STREAM } from "../events/stream";
import { EXPORT_MAX_ATTEMPTS, runExportJob, type ExportRunDeps } from "./export";

export interface ExportWorkerOptions {
  /** How often a running job is reported in progress to JetStream (it is redelivered only ackWaitMs after the last report). */
  workingIntervalMs?: number;
  ackWaitMs?: number;
}

/**
 * The export jobs' worker: one job at a time per process (prefetch 1), so a queued job never
 * waits behind another here while another replica is free. A job outlives the ack wait; it is
 * reported in progress while it runs, so only a dead process's job is delivered again.
 * `stop` aborts the running job first (its message comes back for another replica), then stops.
 */
export async function startExportWorker(bus: EventBus, deps: ExportRunDeps, options: ExportWorkerOptions = {}): Promise<{ stop: () => Promise<void> }> {
  const shutdown = new AbortController();
  const loop = await bus.consume<ExportWork>({
    stream: WORK_STREAM.name,
    durable: "integrations-exports",
    filterSubjects: [EXPORT_WORK_FILTER],
    decode: (data) => decodeExportWork(data),
    handle: ({ event, deliveryCount }) => runExportJob(deps, event, deliveryCount, shutdown.signal),
    prefetch: 1,
    maxDeliver: EXPORT_MAX_ATTEMPTS,
    ackWaitMs: options.ackWaitMs ?? 60_000,
    workingIntervalMs: options.workingIntervalMs ?? 15_000,
    // Sales restarting: 5, 10, 20, 40 s between tries before the job fails.
    retryDelayMs: (attempt) => Math.min(60_000, 5_000 * 2 ** (attempt - 1)),
  });
  return {
    stop: async () => {
      shutdown.abort();
      await loop.stop();
    },
  };
}
