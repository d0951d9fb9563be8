import type { EventBus } from "@relata/platform";
import { testServerPort } from "@relata/testing";
import { as, connectBus, dropDatabase, eventually, opportunity, publishAll, reportingClientsAt, startReportingProcess, testTenant, type ReportingClients, type ReportingProcess } from "./support";

// An export streams every row of a query through the gRPC stream, in order, in the store's chunks.
const ROWS = 25_000;

let bus: EventBus;
let reporting: ReportingProcess;
let clients: ReportingClients;
const tenant = testTenant("qx");
const other = testTenant("qy");
const oppId = (n: number) => `${tenant}-opp-${String(n).padStart(5, "0")}`;
/** Opportunity n's amount: n + n/100 (n cents), so every row's figure is known. */
const amountOf = (n: number) => `${n}.${String(n % 100).padStart(2, "0")}`;

beforeAll(async () => {
  bus = await connectBus("reporting-query-export-test");
  reporting = await startReportingProcess({ port: testServerPort(571) });
  clients = reportingClientsAt(reporting.address);
  const events = Array.from({ length: ROWS }, (_, i) =>
    opportunity(tenant, { id: oppId(i + 1), ownerId: `rep-${(i % 7) + 1}`, stageId: i % 2 ? "proposal" : "=cmd|' /C calc'!A0", amount: { amount: amountOf(i + 1), currency: "EUR" } }),
  );
  // Published in parallel batches: their order does not matter (a row per opportunity).
  for (let i = 0; i < events.length; i += 1000) {
    const batch = events.slice(i, i + 1000);
    await Promise.all(Array.from({ length: 10 }, (_, k) => publishAll(bus, batch.slice(k * 100, (k + 1) * 100))));
  }
  await publishAll(bus, [opportunity(other, { id: `${other}-opp-1`, ownerId: "rep-1", amount: { amount: "1", currency: "EUR" } })]);
  await eventually(
    async () => (await clients.store.getStoreStatus({}, as(tenant, ["analyst"]))).events.reduce((sum, e) => sum + Number(e.events), 0),
    (n) => n === ROWS,
    "the export's opportunities in the store",
    120_000,
  );
}, 300_000);

afterAll(async () => {
  clients?.close();
  await reporting?.stop();
  if (reporting?.database) await dropDatabase(reporting.database);
  await bus?.close();
});

test(`an export of ${ROWS.toLocaleString("en")} rows (a row per opportunity) arrives complete and in order, in chunks, with the columns first`, async () => {
  const chunks: number[] = [];
  let columns: { name: string; type: string }[] = [];
  let expected = 1;
  let mismatches = 0;
  for await (const chunk of clients.query.exportQuery(
    {
      query: {
        fact: "opportunities",
        measures: [{ function: "sum", field: "amount" }],
        dimensions: ["opportunityId", "ownerId", "stageId"],
        filters: [],
        timeZone: "UTC",
        limit: 0,
      },
    },
    { ...as(tenant, ["analyst"]), deadline: new Date(Date.now() + 120_000) },
  )) {
    if (chunks.length === 0) columns = chunk.columns;
    else expect(chunk.columns).toEqual([]);
    chunks.push(chunk.rows.length);
    for (const row of chunk.rows) {
      const n = expected++;
      const want = [oppId(n), `rep-${((n - 1) % 7) + 1}`, (n - 1) % 2 ? "proposal" : "=cmd|' /C calc'!A0", amountOf(n)];
      if (row.cells.join("\u0000") !== want.join("\u0000") || row.nullCells.length) mismatches++;
    }
  }
  expect(columns).toEqual([
    { name: "opportunityId", type: "string" },
    { name: "ownerId", type: "string" },
    { name: "stageId", type: "string" },
    { name: "sum(amount)", type: "decimal" },
  ]);
  expect(expected - 1).toBe(ROWS);
  expect(mismatches).toBe(0);
  // The store's chunks, not one message per row nor the whole result at once.
  expect(chunks.length).toBeGreaterThan(5);
  expect(Math.max(...chunks)).toBeLessThanOrEqual(2048);
});

test("RunQuery of the same fact stops at its limit; an empty export still sends the columns", async () => {
  const first = await clients.query.runQuery(
    { query: { fact: "opportunities", measures: [], dimensions: ["opportunityId"], filters: [], timeZone: "", limit: 10_000 } },
    as(tenant, ["analyst"]),
  );
  expect(first.rows.length).toBe(10_000);
  expect(first.truncated).toBe(true);
  expect(first.rows[9_999]!.cells).toEqual([oppId(10_000)]);

  const empty = [];
  for await (const chunk of clients.query.exportQuery(
    { query: { fact: "opportunities", measures: [{ function: "count", field: "" }], dimensions: ["ownerId"], filters: [{ field: "ownerId", operator: "equals", values: ["nobody"] }], timeZone: "", limit: 0 } },
    as(tenant, ["analyst"]),
  ))
    empty.push(chunk);
  expect(empty).toEqual([{ columns: [{ name: "ownerId", type: "string" }, { name: "count", type: "integer" }], rows: [] }]);
});
