import type { EventBus } from "@relata/platform";
import { CustomerValueChanged } from "@relata/proto/events/v1/reporting";
import { nextSequence, readStream, testServerPort } from "@relata/testing";
import {
  account, activity, as, connectBus, dropDatabase, eventually, failureOf, opportunity, publishAll, reportingClientsAt, startReportingProcess, testTenant,
  type ReportingClients, type ReportingProcess,
} from "./support";

// A hand-computed example (docs/reporting.md, "Customer value"): five customers, so each score
// is the customer's rank (1 worst .. 5 best) unless tied. Revenue in EUR, 10,000.00 in all.
let bus: EventBus;
let reporting: ReportingProcess;
let clients: ReportingClients;
let fromSeq: number;
const tenant = testTenant("value");
const other = testTenant("value-other");
const analyst = as(tenant, ["analyst"]);
const PUBLISH_INTERVAL_MS = 1000;

/** Noon (UTC) `days` calendar days ago: recency in UTC is exactly `days`. */
const daysAgo = (days: number) => {
  const d = new Date();
  d.setUTCHours(12, 0, 0, 0);
  return new Date(d.getTime() - days * 86_400_000).toISOString();
};

let dealNumber = 0;
const won = (t: string, accountId: string, amount: string, at: string, currency = "EUR") =>
  opportunity(t, { id: `o${++dealNumber}`, accountId, amount: { amount, currency }, version: "2" }, "won", at);

beforeAll(async () => {
  bus = await connectBus("reporting-customer-value-test");
  await bus.ensureStream({ name: "REPORTING", subjects: ["reporting.>"] });
  fromSeq = await nextSequence(bus, "REPORTING");
  // Published before Reporting starts: its first run, once caught up, sees the whole example.
  await publishAll(bus, [
    account(tenant, { id: "a1", name: "Alpha", territory: "north", ownerId: "rep-1" }),
    account(tenant, { id: "a2", name: "Beta", territory: "north", ownerId: "rep-1" }),
    account(tenant, { id: "a3", name: "Gamma", territory: "north", ownerId: "rep-2" }),
    account(tenant, { id: "a4", name: "Delta", territory: "north", ownerId: "rep-2" }),
    account(tenant, { id: "a5", name: "Epsilon", territory: "south", ownerId: "rep-3" }),
    won(tenant, "a1", "3000.00", daysAgo(3)),
    won(tenant, "a1", "1000.00", daysAgo(20)),
    won(tenant, "a1", "1000.00", daysAgo(40)),
    won(tenant, "a2", "2000.50", daysAgo(10)),
    won(tenant, "a2", "499.75", daysAgo(50)),
    won(tenant, "a3", "1500.00", daysAgo(30)),
    won(tenant, "a4", "700.00", daysAgo(200)),
    won(tenant, "a5", "299.75", daysAgo(1)),
    // Not revenue: another currency, a lost deal, an open one.
    won(tenant, "a2", "50.00", daysAgo(2), "USD"),
    opportunity(tenant, { id: "lost-1", accountId: "a1", amount: { amount: "9999.00", currency: "EUR" } }, "lost", daysAgo(2)),
    opportunity(tenant, { id: "open-1", accountId: "a3", amount: { amount: "8888.00", currency: "EUR" } }, "created", daysAgo(2)),
    // a4: the last activity 100 days ago (churn risk); a3: one 5 days ago.
    activity(tenant, { id: "act-4", accountId: "a4" }, "logged", daysAgo(100)),
    activity(tenant, { id: "act-3", accountId: "a3" }, "logged", daysAgo(5)),
    // Another tenant: same account ids, a territory of its own, far more revenue.
    account(other, { id: "a1", name: "Other", territory: "north" }),
    account(other, { id: "w1", name: "West", territory: "west" }),
    won(other, "a1", "900000.00", daysAgo(1)),
    won(other, "w1", "800000.00", daysAgo(1)),
  ]);
  reporting = await startReportingProcess({ port: testServerPort(550), env: { REPORTING_VALUE_PUBLISH_INTERVAL_MS: String(PUBLISH_INTERVAL_MS) } });
  clients = reportingClientsAt(reporting.address);
});

afterAll(async () => {
  clients?.close();
  await reporting?.stop();
  if (reporting?.database) await dropDatabase(reporting.database);
  await bus?.close();
});

const report = (request: Partial<{ currency: string; territory: string; ownerId: string; rfmClass: string; limit: number; timeZone: string }> = {}) =>
  clients.customerValue.getCustomerValue({ currency: "", territory: "", ownerId: "", rfmClass: "", limit: 0, timeZone: "", ...request }, analyst);

async function published(): Promise<Array<{ accountId: string; valueClass: string; churnRisk: boolean; rfmClass: string }>> {
  const messages = await readStream(bus, "REPORTING", fromSeq, "reporting.customer.value_changed", (d) => CustomerValueChanged.decode(d).meta);
  return messages
    .filter((m) => m.meta.tenantId === tenant)
    .map((m) => {
      const e = CustomerValueChanged.decode(m.data);
      return { accountId: e.accountId, valueClass: e.valueClass, churnRisk: e.churnRisk, rfmClass: e.rfmClass };
    });
}

test("revenue, RFM scores, classes, the Pareto cut and churn risk are the hand-computed ones", async () => {
  const r = await eventually(report, (x) => x.customers.length === 5, "the example in the store");
  expect(r.currency).toBe("EUR"); // the tenant's currency with the most won revenue
  const rows = r.customers.map((c) => [c.accountId, c.lifetimeRevenue, c.purchases, c.recencyDays, c.recencyScore, c.frequencyScore, c.monetaryScore, c.rfmClass, c.valueClass, c.churnRisk]);
  expect(rows).toEqual([
    ["a1", "5000.00", "3", 3, 4, 5, 5, "champions", "a", false],
    ["a2", "2500.25", "2", 10, 3, 4, 4, "loyal", "a", false],
    ["a3", "1500.00", "1", 30, 2, 3, 3, "at_risk", "a", false],
    ["a4", "700.00", "1", 200, 1, 3, 2, "at_risk", "b", true],
    ["a5", "299.75", "1", 1, 5, 3, 1, "potential", "c", false],
  ]);
  const a4 = r.customers[3]!;
  expect(a4.churnReason).toBe("no purchase for 200 days (over 180) and no activity in the last 90 days");
  expect(a4.lastActivityAt).toBe(daysAgo(100));
  expect(r.customers[0]!.lastPurchaseAt).toBe(daysAgo(3));
  expect(r.customers[0]!.name).toBe("Alpha");
  // 5000 (50%), 7500.25 (75.0025%), 9000.25 (90.0025%): three customers reach 80%.
  expect(r.pareto).toEqual({ customers: "5", customersFor80Percent: "3", shareOfCustomers: 0.6, revenue: "10000.00", revenueOfTop: "9000.25", topAccountIds: ["a1", "a2", "a3"] });
  expect(Object.fromEntries(r.classes.map((c) => [c.rfmClass, Number(c.customers)]))).toEqual({
    champions: 1, loyal: 1, new: 0, potential: 1, needs_attention: 0, at_risk: 2, lost: 0, hibernating: 0,
  });
  expect(r.churnRiskCustomers).toBe("1");

  const atRisk = await report({ rfmClass: "at_risk", limit: 1 });
  expect(atRisk.customers.map((c) => c.accountId)).toEqual(["a3"]);
  expect(atRisk.pareto?.customers).toBe("5");
  const usd = await report({ currency: "USD" });
  expect(usd.customers.map((c) => [c.accountId, c.lifetimeRevenue])).toEqual([["a2", "50.00"]]);
  const rep2 = await report({ ownerId: "rep-2" });
  expect(rep2.customers.map((c) => [c.accountId, c.valueClass, c.recencyScore, c.frequencyScore, c.monetaryScore])).toEqual([
    ["a3", "a", 5, 5, 5], // ranked among rep-2's two only: 1500 of 2200 (68%) is short of 80%
    ["a4", "a", 3, 5, 3],
  ]);
});

test("another tenant's accounts are never ranked, and its territory gives an empty report", async () => {
  await eventually(report, (x) => x.customers.length === 5, "the example in the store");
  const north = await report({ territory: "north" });
  expect(north.customers.map((c) => c.accountId)).toEqual(["a1", "a2", "a3", "a4"]);
  expect(north.pareto?.revenue).toBe("9700.25");
  const west = await report({ territory: "west" });
  expect(west.customers).toEqual([]);
  expect(west.pareto).toMatchObject({ customers: "0", customersFor80Percent: "0", revenue: "0.00", topAccountIds: [] });
  const others = await clients.customerValue.getCustomerValue({ currency: "", territory: "", ownerId: "", rfmClass: "", limit: 0, timeZone: "" }, as(other, ["analyst"]));
  expect(others.customers.map((c) => [c.accountId, c.lifetimeRevenue])).toEqual([["a1", "900000.00"], ["w1", "800000.00"]]);
});

test("the request is validated, naming the field", async () => {
  expect((await failureOf(report({ currency: "eur" }))).field).toBe("currency");
  expect((await failureOf(report({ limit: 1001 }))).field).toBe("limit");
  expect((await failureOf(report({ timeZone: "Mars/Olympus" }))).field).toBe("time_zone");
  expect((await failureOf(report({ rfmClass: "vip" }))).field).toBe("rfm_class");
});

test("value_changed is published once per change, not again when nothing changed, and again when a won deal changes classes", async () => {
  const first = await eventually(published, (e) => e.length >= 5, "the first value changes", 60_000);
  expect([...first].sort((a, b) => a.accountId.localeCompare(b.accountId))).toEqual([
    { accountId: "a1", valueClass: "a", churnRisk: false, rfmClass: "champions" },
    { accountId: "a2", valueClass: "a", churnRisk: false, rfmClass: "loyal" },
    { accountId: "a3", valueClass: "a", churnRisk: false, rfmClass: "at_risk" },
    { accountId: "a4", valueClass: "b", churnRisk: true, rfmClass: "at_risk" },
    { accountId: "a5", valueClass: "c", churnRisk: false, rfmClass: "potential" },
  ]);
  // Three more runs with nothing new: nothing more published.
  await new Promise((resolve) => setTimeout(resolve, 3 * PUBLISH_INTERVAL_MS + 500));
  expect(await published()).toHaveLength(5);

  // a5 wins 20,000.00 today: a5, a1 reach 80% (25,299.75 of 30,000.00); a2, a3 to 95%; a4 the rest.
  await publishAll(bus, [won(tenant, "a5", "20000.00", new Date().toISOString())]);
  const all = await eventually(published, (e) => e.length >= 9, "the changes of the new deal", 60_000);
  expect(all.slice(5).sort((a, b) => a.accountId.localeCompare(b.accountId))).toEqual([
    { accountId: "a2", valueClass: "b", churnRisk: false, rfmClass: "loyal" },
    { accountId: "a3", valueClass: "b", churnRisk: false, rfmClass: "hibernating" },
    { accountId: "a4", valueClass: "c", churnRisk: true, rfmClass: "hibernating" },
    { accountId: "a5", valueClass: "a", churnRisk: false, rfmClass: "champions" },
  ]);
  // a1 stays a champion of class "a": nothing for it.
  await new Promise((resolve) => setTimeout(resolve, 2 * PUBLISH_INTERVAL_MS + 500));
  expect(await published()).toHaveLength(9);
});
