import { randomUUID } from "node:crypto";
import { CreateLeadRequest, GetLeadRequest } from "@relata/proto/sales/v1/lead";
import { localStack, salesClientsAt, spawnProcess, waitFor, type SpawnedProcess } from "@relata/testing";
import { healthClient, sample, startSales, type SalesUnderTest } from "./support";

// A FerretDB process of this test's own, so it can be stopped under a running Sales service; it
// keeps its data in a database of its own in the stack's PostgreSQL, which outlives the process.
const port = 27263;
const storage = `postgres://relata@127.0.0.1:${localStack.postgresPort}/ferretdb_readiness_test`;
let database: SpawnedProcess | undefined;
let sales: SalesUnderTest;

async function startDatabase(): Promise<SpawnedProcess> {
  return spawnProcess({
    name: "ferretdb",
    command: "relata-ferretdb-pg",
    args: ["-listen", `127.0.0.1:${port}`, "-postgresql-url", storage],
    ready: async (child) => child.logs().includes("FerretDB listening"),
  });
}

beforeAll(async () => {
  database = await startDatabase();
  sales = await startSales({ grpcPort: 50263, metricsPort: 59563, mongoBaseUri: `mongodb://127.0.0.1:${port}` });
}, 120_000);

afterAll(async () => {
  await sales?.process.stop();
  await database?.stop();
});

describe("readiness follows the database", () => {
  it("falls when the database goes away, rises when it returns, with the data written before intact", async () => {
    const health = healthClient(sales.grpcAddr);
    const clients = salesClientsAt(sales.grpcAddr, 5_000);
    const leads = clients.leads;
    const identity = { tenantId: "acme", subject: "readiness-test", roles: ["sales-rep"], requestId: randomUUID() };
    try {
      expect(await health.status()).toBe("SERVING");
      const before = await leads.createLead(CreateLeadRequest.fromPartial({ lastName: "Before", company: "Outage Ltd" }), { identity });

      await database!.stop();
      await waitFor(async () => (await health.status()) === "NOT_SERVING", { timeoutMs: 20_000, what: "NOT_SERVING without the database" });
      const down = await (await fetch(sales.metricsUrl)).text();
      expect(sample(down, "relata_dependency_up", { dependency: "mongo" })).toBe(0);
      expect(sample(down, "relata_ready")).toBe(0);

      database = await startDatabase();
      await waitFor(async () => (await health.status()) === "SERVING", { timeoutMs: 30_000, what: "SERVING after the database returns" });
      const up = await (await fetch(sales.metricsUrl)).text();
      expect(sample(up, "relata_dependency_up", { dependency: "mongo" })).toBe(1);

      const read = await leads.getLead(GetLeadRequest.fromPartial({ id: before.id }), { identity });
      expect(read.lastName).toBe("Before");
      const after = await leads.createLead(CreateLeadRequest.fromPartial({ lastName: "After", company: "Outage Ltd" }), { identity });
      expect(after.id).not.toBe(before.id);
    } finally {
      health.close();
      clients.close();
    }
  });
});
