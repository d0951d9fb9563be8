import { GrpcStatus, type EventBus } from "@relata/platform";
import { GetForecastRequest, GetSalesDashboardRequest } from "@relata/proto/reporting/v1/dashboards";
import { CreateQuotaRequest } from "@relata/proto/reporting/v1/quota";
import { testServerPort } from "@relata/testing";
import {
  account, as, asPartner, connectBus, dropDatabase, eventually, failureOf, opportunity, publishAll, reportingClientsAt, startReportingProcess, testTenant,
  type ReportingClients, type ReportingProcess, type TestEvent,
} from "./support";

// A hand-computed example: two owners (rep-a, rep-b), two territories (north, south), open, won
// and lost opportunities, one deleted, one in another currency, and closes just around midnight
// in Europe/Warsaw (UTC+1 in winter, UTC+2 in summer) that fall in another day, quarter or year
// depending on the time zone. Every figure below is worked out by hand in the comments.
let bus: EventBus;
let reporting: ReportingProcess;
let clients: ReportingClients;
const tenant = testTenant("sales");
const other = testTenant("sales-other");
const manager = as(tenant, ["sales-manager"]);

const eur = (amount: string) => ({ amount, currency: "EUR" });

/** An opportunity created at `createdAt`, then won or lost at `closedAt`. */
function closed(tenantId: string, verb: "won" | "lost", o: { id: string; ownerId: string; accountId: string; amount: string; createdAt: string; closedAt: string }): TestEvent[] {
  const fields = { id: o.id, ownerId: o.ownerId, accountId: o.accountId, amount: eur(o.amount), createdAt: o.createdAt, probability: 60 };
  return [
    opportunity(tenantId, fields, "created", o.createdAt),
    opportunity(tenantId, { ...fields, version: "2", stageId: verb === "won" ? "closed-won" : "closed-lost", probability: verb === "won" ? 100 : 0 }, verb, o.closedAt),
  ];
}

function example(tenantId: string): TestEvent[] {
  return [
    account(tenantId, { id: "a-n", territory: "north" }),
    account(tenantId, { id: "a-s", territory: "south" }),
    // Open: weighted o1 1000.00 × 50% = 500.00, o2 333.33 × 10% = 33.333, o3 200.10 × 25% = 50.025.
    opportunity(tenantId, { id: "o1", ownerId: "rep-a", accountId: "a-n", stageId: "proposal", probability: 50, amount: eur("1000.00"), expectedCloseDate: "2026-11-15" }),
    opportunity(tenantId, { id: "o2", ownerId: "rep-a", accountId: "a-s", stageId: "prospecting", probability: 10, amount: eur("333.33"), expectedCloseDate: "2026-12-31" }),
    opportunity(tenantId, { id: "o3", ownerId: "rep-b", accountId: "a-n", stageId: "proposal", probability: 25, amount: eur("200.10"), expectedCloseDate: "2027-01-05" }),
    // Deleted: never counted.
    opportunity(tenantId, { id: "o4", ownerId: "rep-a", accountId: "a-n", stageId: "proposal", probability: 90, amount: eur("5000.00"), expectedCloseDate: "2026-11-01" }),
    opportunity(tenantId, { id: "o4", ownerId: "rep-a", accountId: "a-n", stageId: "proposal", probability: 90, amount: eur("5000.00"), expectedCloseDate: "2026-11-01", version: "2" }, "deleted"),
    // Another currency: not counted in EUR (and EUR stays the currency of most opportunities).
    opportunity(tenantId, { id: "o5", ownerId: "rep-a", accountId: "a-n", stageId: "proposal", probability: 50, amount: { amount: "7000.00", currency: "USD" }, expectedCloseDate: "2026-11-20" }),
    // w1: 10.5 days, in Q4 anywhere.
    ...closed(tenantId, "won", { id: "w1", ownerId: "rep-a", accountId: "a-n", amount: "400.00", createdAt: "2026-10-01T00:00:00Z", closedAt: "2026-10-11T12:00:00Z" }),
    // w2: 2026-12-31 23:30 UTC is 2027-01-01 00:30 in Warsaw: Q4 2026 in UTC, Q1 2027 in Warsaw. 60 days 23.5 hours.
    ...closed(tenantId, "won", { id: "w2", ownerId: "rep-b", accountId: "a-s", amount: "250.00", createdAt: "2026-11-01T00:00:00Z", closedAt: "2026-12-31T23:30:00Z" }),
    // w3: 2026-09-30 22:30 UTC is 2026-10-01 00:30 in Warsaw: Q3 in UTC, Q4 in Warsaw. 10 days.
    ...closed(tenantId, "won", { id: "w3", ownerId: "rep-a", accountId: "a-s", amount: "150.00", createdAt: "2026-09-20T22:30:00Z", closedAt: "2026-09-30T22:30:00Z" }),
    ...closed(tenantId, "lost", { id: "l1", ownerId: "rep-b", accountId: "a-n", amount: "100.00", createdAt: "2026-11-01T00:00:00Z", closedAt: "2026-11-20T10:00:00Z" }),
  ];
}

/** The other tenant: the same names, its own figures, and an owner and territory only it has. */
function otherExample(tenantId: string): TestEvent[] {
  return [
    account(tenantId, { id: "a-n", territory: "north" }),
    account(tenantId, { id: "a-z", territory: "zulu" }),
    opportunity(tenantId, { id: "o1", ownerId: "rep-a", accountId: "a-n", stageId: "proposal", probability: 50, amount: eur("9999.00"), expectedCloseDate: "2026-11-15" }),
    opportunity(tenantId, { id: "oz", ownerId: "rep-z", accountId: "a-z", stageId: "proposal", probability: 50, amount: eur("123.00"), expectedCloseDate: "2026-11-15" }),
    ...closed(tenantId, "won", { id: "w1", ownerId: "rep-z", accountId: "a-z", amount: "777.00", createdAt: "2026-10-01T00:00:00Z", closedAt: "2026-10-02T00:00:00Z" }),
  ];
}

const quotas = [
  { ownerId: "rep-a", period: "2026-Q4", amount: eur("1000.00") },
  { ownerId: "rep-b", period: "2026-Q4", amount: eur("500.00") },
  { territory: "north", period: "2026-Q4", amount: eur("2000.00") },
  // Not the quarter's: a month's quota counts for that month only, and USD not in EUR.
  { ownerId: "rep-a", period: "2026-11", amount: eur("300.00") },
  { ownerId: "rep-a", period: "2026-Q4", amount: { amount: "9999.00", currency: "USD" } },
];

// The generated clients encode what they are given: a request is always a whole message.
const dashboard = (r: Partial<GetSalesDashboardRequest>, call: ReturnType<typeof as>) => clients.sales.getSalesDashboard(GetSalesDashboardRequest.fromPartial(r), call);
const forecastOf = (r: Partial<GetForecastRequest>, call: ReturnType<typeof as>) => clients.sales.getForecast(GetForecastRequest.fromPartial(r), call);
const createQuota = (r: Partial<CreateQuotaRequest>, call: ReturnType<typeof as>) => clients.quotas.createQuota(CreateQuotaRequest.fromPartial(r), call);

const eventsApplied = async (tenantId: string) =>
  (await clients.store.getStoreStatus({}, as(tenantId, ["analyst"]))).events.reduce((sum, e) => sum + Number(e.events), 0);

beforeAll(async () => {
  bus = await connectBus("reporting-sales-test");
  reporting = await startReportingProcess({ port: testServerPort(510) });
  clients = reportingClientsAt(reporting.address);
  const mine = example(tenant);
  const theirs = otherExample(other);
  await publishAll(bus, [...mine, ...theirs]);
  // Quotas through the API: written with their event in the outbox, published, read back by the store.
  for (const q of quotas) await createQuota(q, manager);
  await createQuota({ ownerId: "rep-z", period: "2026-Q4", amount: eur("50.00") }, as(other, ["sales-manager"]));
  await eventually(() => eventsApplied(tenant), (n) => n >= mine.length + quotas.length, "the tenant's events and quotas in the store");
  await eventually(() => eventsApplied(other), (n) => n >= theirs.length + 1, "the other tenant's events in the store");
});

afterAll(async () => {
  clients?.close();
  await reporting?.stop();
  if (reporting?.database) await dropDatabase(reporting.database);
  await bus?.close();
});

const group = (key: string, openCount: number, openAmount: string, weightedAmount: string) => ({ key, openCount: String(openCount), openAmount, weightedAmount });
const Q4 = { from: "2026-10-01", to: "2026-12-31" };

test("the sales dashboard in UTC: the open pipeline now, and what closed in Q4 (w2 in, w3 out)", async () => {
  const d = await dashboard({ ...Q4 }, manager);
  expect(d).toEqual({
    // Not asked: the currency of most opportunities (EUR 11 of 12).
    currency: "EUR",
    timeZone: "UTC",
    // proposal: o1 + o3 = 1200.10, weighted 500 + 50.025 = 550.025 → 550.03; prospecting: o2.
    byStage: [group("proposal", 2, "1200.10", "550.03"), group("prospecting", 1, "333.33", "33.33")],
    // rep-a: o1 + o2 = 1333.33, 533.333 → 533.33; rep-b: o3, 50.025 → 50.03.
    byOwner: [group("rep-a", 2, "1333.33", "533.33"), group("rep-b", 1, "200.10", "50.03")],
    byTerritory: [group("north", 2, "1200.10", "550.03"), group("south", 1, "333.33", "33.33")],
    // 583.358 summed, then rounded once.
    total: group("", 3, "1533.43", "583.36"),
    won: "2",
    lost: "1",
    winRate: 0.6667,
    wonAmount: "650.00",
    // (10.5 + 60.979166…) / 2 = 35.739583…
    averageSalesCycleDays: 35.74,
    // No order in this example (commerce.test.ts counts them).
    orders: "0",
    orderedAmount: "0.00",
  });
});

test("the same range in Europe/Warsaw: w3 closes on 1 October there, w2 on 1 January", async () => {
  const d = await dashboard({ ...Q4, timeZone: "Europe/Warsaw", currency: "EUR" }, manager);
  expect({ won: d.won, lost: d.lost, winRate: d.winRate, wonAmount: d.wonAmount, cycle: d.averageSalesCycleDays, timeZone: d.timeZone }).toEqual({
    won: "2",
    lost: "1",
    winRate: 0.6667,
    wonAmount: "550.00",
    cycle: 10.25,
    timeZone: "Europe/Warsaw",
  });
  // The day boundary: 31 December in UTC holds w2; in Warsaw nothing closed that day.
  const utcDay = await dashboard({ from: "2026-12-31", to: "2026-12-31" }, manager);
  const warsawDay = await dashboard({ from: "2026-12-31", to: "2026-12-31", timeZone: "Europe/Warsaw" }, manager);
  expect([utcDay.won, utcDay.wonAmount, warsawDay.won, warsawDay.wonAmount]).toEqual(["1", "250.00", "0", "0.00"]);
});

test("filters: an owner, a territory, another currency", async () => {
  const repB = await dashboard({ ...Q4, ownerId: "rep-b" }, manager);
  expect(repB).toMatchObject({
    byOwner: [group("rep-b", 1, "200.10", "50.03")],
    total: group("", 1, "200.10", "50.03"),
    won: "1",
    lost: "1",
    winRate: 0.5,
    wonAmount: "250.00",
    // 60 days 23.5 hours.
    averageSalesCycleDays: 60.98,
  });
  const south = await dashboard({ ...Q4, territory: "south" }, manager);
  expect(south).toMatchObject({ byStage: [group("prospecting", 1, "333.33", "33.33")], total: group("", 1, "333.33", "33.33"), won: "1", lost: "0", winRate: 1, wonAmount: "250.00" });
  const usd = await dashboard({ ...Q4, currency: "USD" }, manager);
  expect(usd).toMatchObject({ currency: "USD", byOwner: [group("rep-a", 1, "7000.00", "3500.00")], won: "0", winRate: 0, wonAmount: "0.00", averageSalesCycleDays: 0 });
});

test("the forecast of 2026-Q4 by owner, in UTC and in Europe/Warsaw", async () => {
  expect(await forecastOf({ period: "2026-Q4", groupBy: "owner" }, manager)).toEqual({
    period: "2026-Q4",
    currency: "EUR",
    from: "2026-10-01",
    to: "2026-12-31",
    rows: [
      // won w1; pipeline o1 (15 Nov) + o2 (31 Dec); forecast 400 + 533.33.
      { key: "rep-a", quota: "1000.00", won: "400.00", pipeline: "1333.33", weightedPipeline: "533.33", forecast: "933.33", attainment: "0.4000", gap: "66.67", ordered: "0.00" },
      // won w2; o3 is expected in January.
      { key: "rep-b", quota: "500.00", won: "250.00", pipeline: "0.00", weightedPipeline: "0.00", forecast: "250.00", attainment: "0.5000", gap: "250.00", ordered: "0.00" },
    ],
    total: { key: "", quota: "1500.00", won: "650.00", pipeline: "1333.33", weightedPipeline: "533.33", forecast: "1183.33", attainment: "0.4333", gap: "316.67", ordered: "0.00" },
  });
  const warsaw = await forecastOf({ period: "2026-Q4", groupBy: "owner", timeZone: "Europe/Warsaw" }, manager);
  expect(warsaw.rows).toEqual([
    // w1 + w3 (1 October in Warsaw).
    { key: "rep-a", quota: "1000.00", won: "550.00", pipeline: "1333.33", weightedPipeline: "533.33", forecast: "1083.33", attainment: "0.5500", gap: "-83.33", ordered: "0.00" },
    // w2 moved to 2027: only the quota is left.
    { key: "rep-b", quota: "500.00", won: "0.00", pipeline: "0.00", weightedPipeline: "0.00", forecast: "0.00", attainment: "0.0000", gap: "500.00", ordered: "0.00" },
  ]);
});

test("the forecast by territory, of a month, of one owner", async () => {
  const byTerritory = await forecastOf({ period: "2026-Q4", groupBy: "territory" }, manager);
  expect(byTerritory.rows).toEqual([
    { key: "north", quota: "2000.00", won: "400.00", pipeline: "1000.00", weightedPipeline: "500.00", forecast: "900.00", attainment: "0.2000", gap: "1100.00", ordered: "0.00" },
    { key: "south", quota: "", won: "250.00", pipeline: "333.33", weightedPipeline: "33.33", forecast: "283.33", attainment: "", gap: "", ordered: "0.00" },
  ]);
  expect(byTerritory.total).toEqual({ key: "", quota: "2000.00", won: "650.00", pipeline: "1333.33", weightedPipeline: "533.33", forecast: "1183.33", attainment: "0.3250", gap: "816.67", ordered: "0.00" });

  // Exactly the month's quota; nothing of rep-b's counts in November (l1 was lost).
  const november = await forecastOf({ period: "2026-11", groupBy: "owner" }, manager);
  expect(november.rows).toEqual([
    { key: "rep-a", quota: "300.00", won: "0.00", pipeline: "1000.00", weightedPipeline: "500.00", forecast: "500.00", attainment: "0.0000", gap: "-200.00", ordered: "0.00" },
  ]);
  const usd = await forecastOf({ period: "2026-Q4", groupBy: "owner", currency: "USD" }, manager);
  expect(usd.rows).toEqual([
    { key: "rep-a", quota: "9999.00", won: "0.00", pipeline: "7000.00", weightedPipeline: "3500.00", forecast: "3500.00", attainment: "0.0000", gap: "6499.00", ordered: "0.00" },
  ]);
  const repB = await forecastOf({ period: "2026-Q4", groupBy: "owner", ownerId: "rep-b" }, manager);
  expect(repB.rows.map((r) => r.key)).toEqual(["rep-b"]);
  expect(repB.total).toMatchObject({ quota: "500.00", won: "250.00" });
});

test("tenant isolation: the other tenant's facts and quotas never count; its owner and territory give zeros", async () => {
  const zulu = await dashboard({ ...Q4, territory: "zulu" }, manager);
  const repZ = await dashboard({ ...Q4, ownerId: "rep-z" }, manager);
  for (const d of [zulu, repZ]) {
    expect(d).toMatchObject({ byStage: [], byOwner: [], byTerritory: [], total: group("", 0, "0.00", "0.00"), won: "0", lost: "0", winRate: 0, wonAmount: "0.00", averageSalesCycleDays: 0 });
  }
  const forecast = await forecastOf({ period: "2026-Q4", groupBy: "owner", ownerId: "rep-z" }, manager);
  expect(forecast.rows).toEqual([]);
  expect(forecast.total).toMatchObject({ quota: "", won: "0.00", pipeline: "0.00", forecast: "0.00" });

  // And the other tenant sees only its own (the same account and owner names notwithstanding).
  const theirs = await dashboard({ ...Q4 }, asPartner(other));
  expect(theirs).toMatchObject({ byOwner: [group("rep-a", 1, "9999.00", "4999.50"), group("rep-z", 1, "123.00", "61.50")], won: "1", wonAmount: "777.00" });
  const theirForecast = await forecastOf({ period: "2026-Q4", groupBy: "owner" }, asPartner(other));
  expect(theirForecast.rows.map((r) => [r.key, r.quota, r.won])).toEqual([["rep-a", "", "0.00"], ["rep-z", "50.00", "777.00"]]);
});

test("invalid requests name the field", async () => {
  const cases: [Promise<unknown>, string][] = [
    [dashboard({ from: "2026-13-01" }, manager), "from"],
    [dashboard({ from: "2026-12-01", to: "2026-11-01" }, manager), "to"],
    [dashboard({ timeZone: "Mars/Olympus" }, manager), "time_zone"],
    [dashboard({ currency: "EURO" }, manager), "currency"],
    [forecastOf({ period: "2026-Q5", groupBy: "owner" }, manager), "period"],
    [forecastOf({ period: "2026-Q4", groupBy: "stage" }, manager), "group_by"],
  ];
  for (const [call, field] of cases) {
    expect(await failureOf(call)).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field });
  }
});
