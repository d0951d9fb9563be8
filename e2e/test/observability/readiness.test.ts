import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { jetstream, jetstreamManager, DeliverPolicy, AckPolicy } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { CreateLeadRequest } from "@relata/proto/sales/v1/lead";
import { LeadChanged } from "@relata/proto/events/v1/sales";
import { spawnProcess, testServerPort, waitFor, type SpawnedProcess } from "@relata/testing";
import { healthClient, salesClientsAt, sample, startSales, type SalesUnderTest } from "./support";

// A NATS server of this test's own, so it can be stopped under a running Sales service, and
// started again on the same port. Ports in the stack's block (docs/local-stack.md: test server
// ports, 120-122 for this file).
const natsPort = testServerPort(120);
const natsUrl = `nats://127.0.0.1:${natsPort}`;
const storeDir = mkdtempSync(join(tmpdir(), "relata-nats-"));
let nats: SpawnedProcess | undefined;
let sales: SalesUnderTest;

async function startNats(): Promise<SpawnedProcess> {
  return spawnProcess({
    name: "nats",
    command: "nats-server",
    args: ["-js", "-a", "127.0.0.1", "-p", String(natsPort), "-sd", storeDir],
    ready: async (child) => child.logs().includes("Server is ready"),
  });
}

beforeAll(async () => {
  nats = await startNats();
  sales = await startSales({ grpcPort: testServerPort(121), metricsPort: testServerPort(122), natsUrl });
}, 120_000);

afterAll(async () => {
  await sales?.stop();
  await nats?.stop();
  rmSync(storeDir, { recursive: true, force: true });
});

describe("readiness follows the real dependencies", () => {
  it("falls when NATS goes away, rises when it returns, and loses no event written meanwhile", async () => {
    const health = healthClient(sales.grpcAddr);
    const clients = salesClientsAt(sales.grpcAddr, 5_000);
    const leads = clients.leads;
    const identity = { tenantId: "acme", subject: "readiness-test", roles: ["sales-rep"], requestId: randomUUID() };
    try {
      expect(await health.status()).toBe("SERVING");

      await nats!.stop();
      await waitFor(async () => (await health.status()) === "NOT_SERVING", { timeoutMs: 15_000, what: "NOT_SERVING without NATS" });
      const down = await (await fetch(sales.metricsUrl)).text();
      expect(sample(down, "relata_dependency_up", { dependency: "nats" })).toBe(0);

      // The database is still there: a write succeeds and its event waits in the outbox.
      const lead = await leads.createLead(CreateLeadRequest.fromPartial({ lastName: "Outage", company: `Outage ${randomUUID().slice(0, 6)}` }), { identity });
      // Counted as waiting from the moment the relay reads it until it is published.
      await waitFor(async () => (sample(await (await fetch(sales.metricsUrl)).text(), "relata_outbox_pending_events") ?? 0) >= 1, {
        timeoutMs: 15_000,
        what: "the outbox backlog to count the event",
      });

      nats = await startNats();
      await waitFor(async () => (await health.status()) === "SERVING", { timeoutMs: 30_000, what: "SERVING after NATS returns" });

      // The event written during the outage reaches the stream, once.
      const nc = await connect({ servers: natsUrl });
      try {
        const jsm = await jetstreamManager(nc);
        const durable = `readiness-${randomUUID().slice(0, 8)}`;
        await jsm.consumers.add("SALES", { durable_name: durable, filter_subject: "sales.lead.created", deliver_policy: DeliverPolicy.All, ack_policy: AckPolicy.Explicit });
        const consumer = await jetstream(nc).consumers.get("SALES", durable);
        const seen: string[] = [];
        await waitFor(
          async () => {
            const batch = await consumer.fetch({ max_messages: 50, expires: 1_000 });
            for await (const m of batch) {
              seen.push(LeadChanged.decode(m.data).lead?.id ?? "");
              m.ack();
            }
            return seen.includes(lead.id);
          },
          { timeoutMs: 20_000, what: "the lead.created written during the outage" },
        );
        expect(seen.filter((id) => id === lead.id)).toHaveLength(1);
      } finally {
        await nc.close();
      }
    } finally {
      health.close();
      clients.close();
    }
  });
});
