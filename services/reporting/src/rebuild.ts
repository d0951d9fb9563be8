// Rebuilds the store of the Reporting replica at GRPC_ADDR (or 127.0.0.1:GRPC_PORT) by replay
// (`make reporting-rebuild`): asks it to build a fresh store from the start of the streams and
// switch to it, then waits for the switch and prints what the replay applied.
import { openChannel, promiseClients } from "@relata/platform";
import { randomUUID } from "node:crypto";
import { reportingServices } from "./client";

const POLL_MS = 1_000;

async function main(): Promise<void> {
  const address = process.env.GRPC_ADDR || `127.0.0.1:${process.env.GRPC_PORT ?? "50055"}`;
  const channel = openChannel(address);
  const { store } = promiseClients(reportingServices, channel, { defaultTimeoutMs: 15_000 });
  // An operator's call, as the gateway forwards a platform admin's (the store is installation-wide).
  const call = { identity: { tenantId: "platform", subject: "reporting-rebuild", roles: ["platform-admin"], requestId: randomUUID() } };
  try {
    const requested = Date.now();
    const started = await store.rebuildStore({}, call);
    process.stdout.write(`rebuilding the store of ${address} from the start of the streams (${started.positions.map((p) => `${p.stream} ${p.sequence}`).join(", ")})...\n`);
    for (;;) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const status = await store.getStoreStatus({}, call);
      const last = status.lastRebuild;
      if (!status.rebuilding && last?.finishedAt && Date.parse(last.finishedAt) >= requested) {
        const seconds = (Date.parse(last.finishedAt) - Date.parse(last.startedAt ?? last.finishedAt)) / 1000;
        process.stdout.write(`store rebuilt and switched to: ${last.events} events replayed in ${seconds.toFixed(1)} s\n`);
        return;
      }
      if (!status.rebuilding) throw new Error("the rebuild stopped without switching (see the replica's log)");
    }
  } finally {
    channel.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`reporting-rebuild: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
