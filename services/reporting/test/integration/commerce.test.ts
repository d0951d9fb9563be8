import type { EventBus } from "@relata/platform";
import { GetCompetitorReportRequest, GetForecastRequest, GetSalesDashboardRequest, type CompetitorFigures } from "@relata/proto/reporting/v1/dashboards";
import { RunQueryRequest } from "@relata/proto/reporting/v1/query";
import { testServerPort } from "@relata/testing";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import {
  account, as, asPartner, competitor, connectBus, dropDatabase, eventually, failureOf, opportunity, order, publishAll, reportingClientsAt,
  startReportingProcess, storeHolds, testTenant, type ReportingClients, type ReportingProcess, type TestEvent,
} from "./support";
import { status as GrpcStatus } from "@grpc/grpc-js";

// Sales' commerce events as Reporting counts them: revenue ordered (sales.order.*) next to the
// opportunities won, and wins and losses per competitor (sales.competitor.*, an opportunity's
// competitor_ids and lost_to_competitor_id). Every figure is worked out by hand in the comments;
// closes and submissions just around midnight in Europe/Warsaw (UTC+1 in winter) fall in another
// quarter there.
let bus: EventBus;
let reporting: ReportingProcess;
let clients: ReportingClients;
let dir: string;
const tenant = testTenant("commerce");
const other = testTenant("commerce-other");
const manager = as(tenant, ["sales-manager"]);

const eur = (amount: string) => ({ amount, currency: "EUR" });
const Q4 = { from: "2026-10-01", to: "2026-12-31" };

/** An opportunity created on 1 September, then won or lost at `closedAt`, meeting `competitors`. */
function deal(
  tenantId: string,
  verb: "won" | "lost",
  d: { id: string; amount: string; closedAt: string; competitors: string[]; lostTo?: string; ownerId?: string; currency?: string },
): TestEvent[] {
  const fields = {
    id: d.id, ownerId: d.ownerId ?? "rep-a", accountId: "a-n", amount: { amount: d.amount, currency: d.currency ?? "EUR" }, createdAt: "2026-09-01T00:00:00Z",
    probability: 50, competitorIds: { values: d.competitors },
  };
  return [
    opportunity(tenantId, fields, "created", "2026-09-01T00:00:00Z"),
    opportunity(tenantId, { ...fields, version: "2", stageId: verb === "won" ? "closed-won" : "closed-lost", probability: verb === "won" ? 100 : 0, lostToCompetitorId: d.lostTo ?? "" }, verb, d.closedAt),
  ];
}

/** The same event published again under another message id: what a redelivery or a producer's retry looks like to the store. */
const again = (e: TestEvent): TestEvent => ({ ...e, id: randomUUID() });

const ord1 = order(tenant, { id: "ord1", ownerId: "rep-a", accountId: "a-n", net: "1000.00", tax: "230.00", total: "1230.00" }, "created", "2026-11-10T10:00:00Z");

function example(tenantId: string): TestEvent[] {
  return [
    account(tenantId, { id: "a-n", territory: "north" }),
    account(tenantId, { id: "a-s", territory: "south" }),
    // Orders. ord1: net 1000.00 (total 1230.00 with tax: the net is counted), submitted in November,
    // delivered twice, then fulfilled (still counted, once).
    ord1,
    again(ord1),
    order(tenantId, { id: "ord1", ownerId: "rep-a", accountId: "a-n", net: "1000.00", tax: "230.00", total: "1230.00", version: "2", submittedAt: "2026-11-10T10:00:00Z" }, "fulfilled", "2026-11-20T10:00:00Z"),
    // ord2: 2026-12-31 23:30 UTC is 1 January 2027 in Warsaw.
    order(tenantId, { id: "ord2", ownerId: "rep-b", accountId: "a-s", net: "333.33", tax: "26.67", total: "360.00" }, "created", "2026-12-31T23:30:00Z"),
    // ord3: 2026-09-30 22:30 UTC is 1 October in Warsaw.
    order(tenantId, { id: "ord3", ownerId: "rep-a", accountId: "a-s", net: "150.25", tax: "0.00", total: "150.25" }, "created", "2026-09-30T22:30:00Z"),
    // ord4: cancelled; its cancellation (version 2) arrives before its creation: it stays cancelled and counts nowhere.
    order(tenantId, { id: "ord4", ownerId: "rep-a", accountId: "a-n", net: "500.00", version: "2", submittedAt: "2026-11-05T09:00:00Z" }, "cancelled", "2026-11-06T09:00:00Z"),
    order(tenantId, { id: "ord4", ownerId: "rep-a", accountId: "a-n", net: "500.00" }, "created", "2026-11-05T09:00:00Z"),
    // ord5: USD, counted only in USD.
    order(tenantId, { id: "ord5", ownerId: "rep-a", accountId: "a-n", net: "7000.00", currency: "USD" }, "created", "2026-11-12T09:00:00Z"),

    // Competitors: c1 renamed (version 2), c4 deleted (met nothing: not listed), c5 met nothing (zeros).
    competitor(tenantId, { id: "c1", name: "Acme" }),
    competitor(tenantId, { id: "c1", name: "Acme Corp", version: "2" }, "updated"),
    competitor(tenantId, { id: "c2", name: "Globex" }),
    competitor(tenantId, { id: "c3", name: "Initech" }),
    competitor(tenantId, { id: "c4", name: "Umbrella" }),
    competitor(tenantId, { id: "c4", name: "Umbrella", version: "2" }, "deleted"),
    competitor(tenantId, { id: "c5", name: "Zeta" }),
    // Deals closed in Q4 (UTC), EUR.
    ...deal(tenantId, "won", { id: "d1", amount: "1000.00", closedAt: "2026-10-15T10:00:00Z", competitors: ["c1", "c2"] }),
    ...deal(tenantId, "won", { id: "d2", amount: "500.00", closedAt: "2026-11-15T10:00:00Z", competitors: ["c1"] }),
    ...deal(tenantId, "lost", { id: "d3", amount: "800.00", closedAt: "2026-11-16T10:00:00Z", competitors: ["c1", "c2"], lostTo: "c1" }),
    ...deal(tenantId, "lost", { id: "d4", amount: "300.00", closedAt: "2026-11-17T10:00:00Z", competitors: ["c2"], lostTo: "c2" }),
    // Lost naming no competitor: "lost, competitor unknown" under c1 and c3.
    ...deal(tenantId, "lost", { id: "d5", amount: "200.00", closedAt: "2026-12-01T10:00:00Z", competitors: ["c1", "c3"] }),
    // Lost to c3 without c3 being linked: it met c3 all the same.
    ...deal(tenantId, "lost", { id: "d6", amount: "700.00", closedAt: "2026-12-02T10:00:00Z", competitors: [], lostTo: "c3" }),
    // Won on 30 September in UTC, 1 October in Warsaw.
    ...deal(tenantId, "won", { id: "d7", amount: "100.00", closedAt: "2026-09-30T22:30:00Z", competitors: ["c3"], ownerId: "rep-b" }),
    // Not counted: open; USD; deleted.
    opportunity(tenantId, { id: "d8", accountId: "a-n", amount: eur("9000.00"), competitorIds: { values: ["c1"] } }),
    ...deal(tenantId, "won", { id: "d9", amount: "50.00", closedAt: "2026-11-01T10:00:00Z", competitors: ["c1"], currency: "USD" }),
    ...deal(tenantId, "lost", { id: "d10", amount: "400.00", closedAt: "2026-11-01T10:00:00Z", competitors: ["c1"], lostTo: "c1" }),
    opportunity(tenantId, { id: "d10", accountId: "a-n", amount: eur("400.00"), competitorIds: { values: ["c1"] }, version: "3" }, "deleted", "2026-11-02T10:00:00Z"),
  ];
}

/** The other tenant: the same ids, its own figures, and a competitor only it has. */
function otherExample(tenantId: string): TestEvent[] {
  return [
    account(tenantId, { id: "a-n", territory: "north" }),
    order(tenantId, { id: "ord1", ownerId: "rep-a", accountId: "a-n", net: "9999.00" }, "created", "2026-11-10T10:00:00Z"),
    order(tenantId, { id: "ord9", ownerId: "rep-a", accountId: "a-n", net: "1.00" }, "created", "2026-11-10T10:00:00Z"),
    competitor(tenantId, { id: "c1", name: "Their Acme" }),
    competitor(tenantId, { id: "ox", name: "Oxide" }),
    ...deal(tenantId, "won", { id: "d1", amount: "5555.00", closedAt: "2026-10-15T10:00:00Z", competitors: ["c1", "ox"] }),
    ...deal(tenantId, "lost", { id: "dx", amount: "44.00", closedAt: "2026-10-16T10:00:00Z", competitors: ["ox"], lostTo: "ox" }),
  ];
}

const dashboard = (r: Partial<GetSalesDashboardRequest>, call: ReturnType<typeof as>) => clients.sales.getSalesDashboard(GetSalesDashboardRequest.fromPartial(r), call);
const forecastOf = (r: Partial<GetForecastRequest>, call: ReturnType<typeof as>) => clients.sales.getForecast(GetForecastRequest.fromPartial(r), call);
const competitors = (r: Partial<GetCompetitorReportRequest>, call: ReturnType<typeof as>) => clients.sales.getCompetitorReport(GetCompetitorReportRequest.fromPartial(r), call);

const row = (competitorId: string, name: string, f: Partial<CompetitorFigures>): CompetitorFigures => ({
  competitorId, name, deleted: false, met: "0", won: "0", lostTo: "0", lostToOther: "0", lostUnknown: "0", winRate: "", wonAmount: "0.00", lostToAmount: "0.00", ...f,
});

const mine = example(tenant);
const theirs = otherExample(other);
const bySubject = (events: TestEvent[]) => events.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.subject]: (acc[e.subject] ?? 0) + 1 }), {});

beforeAll(async () => {
  bus = await connectBus("reporting-commerce-test");
  dir = mkdtempSync(join(tmpdir(), "reporting-commerce-"));
  reporting = await startReportingProcess({ port: testServerPort(590), env: { REPORTING_DB_PATH: join(dir, "facts.duckdb") } });
  clients = reportingClientsAt(reporting.address);
  await publishAll(bus, [...mine, ...theirs]);
  await storeHolds(clients, tenant, bySubject(mine));
  await storeHolds(clients, other, bySubject(theirs));
});

afterAll(async () => {
  clients?.close();
  await reporting?.stop();
  if (reporting?.database) await dropDatabase(reporting.database);
  await bus?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("orders: counted once (a redelivered event adds nothing), net totals, cancelled left out, apart from the opportunities won", async () => {
  const d = await dashboard({ ...Q4 }, manager);
  expect(d).toMatchObject({
    currency: "EUR",
    // Opportunities: d1 + d2 won (1500.00); d3, d4, d5, d6 lost.
    won: "2",
    lost: "4",
    wonAmount: "1500.00",
    // Orders: ord1 (1000.00, once although delivered twice and fulfilled since) + ord2 (333.33);
    // ord3 is September's in UTC, ord4 cancelled, ord5 in USD.
    orders: "2",
    orderedAmount: "1333.33",
  });
  const usd = await dashboard({ ...Q4, currency: "USD" }, manager);
  expect([usd.orders, usd.orderedAmount, usd.won, usd.wonAmount]).toEqual(["1", "7000.00", "1", "50.00"]);
  // November alone: ord1 only (ord4, submitted on 5 November, was cancelled).
  const november = await dashboard({ from: "2026-11-01", to: "2026-11-30" }, manager);
  expect([november.orders, november.orderedAmount]).toEqual(["1", "1000.00"]);
});

test("orders across a time-zone boundary: in Europe/Warsaw ord3 is October's and ord2 next year's", async () => {
  const warsaw = await dashboard({ ...Q4, timeZone: "Europe/Warsaw" }, manager);
  // ord1 1000.00 + ord3 150.25.
  expect([warsaw.orders, warsaw.orderedAmount]).toEqual(["2", "1150.25"]);
  const utcDay = await dashboard({ from: "2026-12-31", to: "2026-12-31" }, manager);
  const warsawNewYear = await dashboard({ from: "2027-01-01", to: "2027-01-01", timeZone: "Europe/Warsaw" }, manager);
  expect([utcDay.orders, utcDay.orderedAmount, warsawNewYear.orders, warsawNewYear.orderedAmount]).toEqual(["1", "333.33", "1", "333.33"]);
});

test("orders by owner and by territory (the order's account's)", async () => {
  const repA = await dashboard({ ...Q4, ownerId: "rep-a" }, manager);
  expect([repA.orders, repA.orderedAmount]).toEqual(["1", "1000.00"]);
  const south = await dashboard({ ...Q4, territory: "south" }, manager);
  expect([south.orders, south.orderedAmount]).toEqual(["1", "333.33"]);
});

test("the forecast shows what was ordered beside won, in none of forecast, attainment or gap; a key with orders only has a row", async () => {
  const figures = (f: Awaited<ReturnType<typeof forecastOf>>) => [...f.rows, f.total!].map((r) => [r.key, r.won, r.forecast, r.ordered]);
  // rep-a: won d1 + d2, ordered ord1; rep-b: won nothing in UTC, ordered ord2 (its row only from that).
  expect(figures(await forecastOf({ period: "2026-Q4", groupBy: "owner" }, manager))).toEqual([
    ["rep-a", "1500.00", "1500.00", "1000.00"],
    ["rep-b", "0.00", "0.00", "333.33"],
    ["", "1500.00", "1500.00", "1333.33"],
  ]);
  // In Warsaw: rep-a also ordered ord3 (1 October); rep-b won d7 (1 October) and ord2 is next year's.
  expect(figures(await forecastOf({ period: "2026-Q4", groupBy: "owner", timeZone: "Europe/Warsaw" }, manager))).toEqual([
    ["rep-a", "1500.00", "1500.00", "1150.25"],
    ["rep-b", "100.00", "100.00", "0.00"],
    ["", "1600.00", "1600.00", "1150.25"],
  ]);
  expect(figures(await forecastOf({ period: "2026-Q4", groupBy: "territory" }, manager))).toEqual([
    ["north", "1500.00", "1500.00", "1000.00"],
    ["south", "0.00", "0.00", "333.33"],
    ["", "1500.00", "1500.00", "1333.33"],
  ]);
  const usd = await forecastOf({ period: "2026-11", groupBy: "owner", currency: "USD" }, manager);
  expect(figures(usd)).toEqual([["rep-a", "50.00", "50.00", "7000.00"], ["", "50.00", "50.00", "7000.00"]]);
  expect(usd.total).toMatchObject({ quota: "", attainment: "", gap: "" });
});

test("a cancelled order leaves revenue once its cancellation arrives", async () => {
  const t = testTenant("commerce-cancel");
  const created = order(t, { id: "o1", net: "250.50" }, "created", "2026-11-10T10:00:00Z");
  await publishAll(bus, [opportunity(t, { id: "x", amount: eur("1.00") }), created]);
  await storeHolds(clients, t, { "sales.order.created": 1 });
  const before = await dashboard({ ...Q4 }, as(t, ["analyst"]));
  expect([before.orders, before.orderedAmount]).toEqual(["1", "250.50"]);
  await publishAll(bus, [order(t, { id: "o1", net: "250.50", version: "2", submittedAt: "2026-11-10T10:00:00Z" }, "cancelled", "2026-11-11T10:00:00Z")]);
  await storeHolds(clients, t, { "sales.order.cancelled": 1 });
  const after = await dashboard({ ...Q4 }, as(t, ["analyst"]));
  expect([after.orders, after.orderedAmount]).toEqual(["0", "0.00"]);
  // A late copy of the older snapshot does not bring it back.
  await publishAll(bus, [again(created)]);
  await storeHolds(clients, t, { "sales.order.created": 2 });
  expect((await dashboard({ ...Q4 }, as(t, ["analyst"]))).orders).toBe("0");
});

test("competitors in Q4 (UTC): met, won, lost to it, to another, to an unknown one; win rate won / met, exact", async () => {
  const r = await competitors({ ...Q4 }, manager);
  expect(r).toEqual({
    currency: "EUR",
    timeZone: "UTC",
    competitors: [
      // c1 (renamed): d1, d2 won; d3 lost to it; d5 lost, nobody named. 2 / 4.
      row("c1", "Acme Corp", { met: "4", won: "2", lostTo: "1", lostUnknown: "1", winRate: "0.5000", wonAmount: "1500.00", lostToAmount: "800.00" }),
      // c2: d1 won; d4 lost to it; d3 lost to c1. 1 / 3.
      row("c2", "Globex", { met: "3", won: "1", lostTo: "1", lostToOther: "1", winRate: "0.3333", wonAmount: "1000.00", lostToAmount: "300.00" }),
      // c3: d5 lost naming none; d6 lost to it (not linked); d7 is September's in UTC.
      row("c3", "Initech", { met: "2", lostTo: "1", lostUnknown: "1", winRate: "0.0000", lostToAmount: "700.00" }),
      // c5 met nothing; c4 is deleted and met nothing: not listed.
      row("c5", "Zeta", {}),
    ],
  });
});

test("competitors across the time-zone boundary, by owner, of one competitor, in another currency", async () => {
  const warsaw = await competitors({ ...Q4, timeZone: "Europe/Warsaw" }, manager);
  // d7 (won, 100.00) closes on 1 October in Warsaw: c3 met 3, won 1.
  expect(warsaw.competitors.find((c) => c.competitorId === "c3")).toEqual(
    row("c3", "Initech", { met: "3", won: "1", lostTo: "1", lostUnknown: "1", winRate: "0.3333", wonAmount: "100.00", lostToAmount: "700.00" }),
  );
  const repB = await competitors({ from: "2026-10-01", to: "2026-10-01", timeZone: "Europe/Warsaw", ownerId: "rep-b" }, manager);
  expect(repB.competitors.filter((c) => c.met !== "0").map((c) => [c.competitorId, c.met, c.winRate])).toEqual([["c3", "1", "1.0000"]]);
  const onlyC2 = await competitors({ ...Q4, competitorId: "c2" }, manager);
  expect(onlyC2.competitors.map((c) => [c.competitorId, c.met])).toEqual([["c2", "3"]]);
  const usd = await competitors({ ...Q4, currency: "USD" }, manager);
  expect(usd.competitors[0]).toEqual(row("c1", "Acme Corp", { met: "1", won: "1", winRate: "1.0000", wonAmount: "50.00" }));
});

test("tenant isolation: the other tenant's orders, competitors and deals never count; its competitor ids give nothing", async () => {
  const onlyOx = await competitors({ ...Q4, competitorId: "ox" }, manager);
  expect(onlyOx.competitors).toEqual([]);
  const mineAll = await competitors({ ...Q4 }, manager);
  expect(mineAll.competitors.map((c) => c.competitorId)).toEqual(["c1", "c2", "c3", "c5"]);
  // And the other tenant sees only its own, under its own names.
  const theirs = await competitors({ ...Q4 }, asPartner(other));
  expect(theirs.competitors).toEqual([
    row("ox", "Oxide", { met: "2", won: "1", lostTo: "1", winRate: "0.5000", wonAmount: "5555.00", lostToAmount: "44.00" }),
    row("c1", "Their Acme", { met: "1", won: "1", winRate: "1.0000", wonAmount: "5555.00" }),
  ]);
  const theirDashboard = await dashboard({ ...Q4 }, asPartner(other));
  expect([theirDashboard.orders, theirDashboard.orderedAmount]).toEqual(["2", "10000.00"]);
});

test("the orders fact of the ad-hoc queries: net and total by status and currency, the tenant's own; sales readers only", async () => {
  const request = RunQueryRequest.fromPartial({
    query: {
      fact: "orders",
      measures: [{ function: "count", field: "" }, { function: "sum", field: "net" }, { function: "sum", field: "total" }],
      dimensions: ["status", "currency"],
    },
  });
  const answer = await clients.query.runQuery(request, as(tenant, ["sales-manager"]));
  expect(answer.rows.map((r) => r.cells).sort()).toEqual([
    ["cancelled", "EUR", "1", "500.00", "500.00"],
    ["fulfilled", "EUR", "1", "1000.00", "1230.00"],
    // ord2 333.33 (360.00 with tax) + ord3 150.25.
    ["submitted", "EUR", "2", "483.58", "510.25"],
    ["submitted", "USD", "1", "7000.00", "7000.00"],
  ]);
  expect(await failureOf(clients.query.runQuery(request, as(tenant, ["marketer"])))).toMatchObject({ code: GrpcStatus.PERMISSION_DENIED, field: "fact" });
});

test("invalid requests name the field", async () => {
  const cases: [Promise<unknown>, string][] = [
    [competitors({ from: "2026-13-01" }, manager), "from"],
    [competitors({ from: "2026-12-01", to: "2026-11-01" }, manager), "to"],
    [competitors({ timeZone: "Mars/Olympus" }, manager), "time_zone"],
    [competitors({ currency: "EURO" }, manager), "currency"],
    [competitors({ competitorId: "x".repeat(101) }, manager), "competitor_id"],
  ];
  for (const [call, field] of cases) {
    expect(await failureOf(call)).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field });
  }
});

test("a rebuild by replay gives identical answers", async () => {
  const asked = async () => ({
    dashboards: await Promise.all([dashboard({ ...Q4 }, manager), dashboard({ ...Q4, timeZone: "Europe/Warsaw" }, manager), dashboard({ ...Q4 }, asPartner(other))]),
    forecasts: await Promise.all([forecastOf({ period: "2026-Q4", groupBy: "owner" }, manager), forecastOf({ period: "2026-Q4", groupBy: "territory", timeZone: "Europe/Warsaw" }, manager)]),
    competitors: await Promise.all([competitors({ ...Q4 }, manager), competitors({ ...Q4, timeZone: "Europe/Warsaw" }, manager), competitors({ ...Q4 }, asPartner(other))]),
  });
  const before = JSON.stringify(await asked());
  const started = Date.now();
  await clients.store.rebuildStore({}, as(tenant, ["platform-admin"]));
  await eventually(
    () => clients.store.getStoreStatus({}, as(tenant, ["analyst"])),
    (s) => !s.rebuilding && s.lastRebuild?.finishedAt !== undefined && Date.parse(s.lastRebuild.finishedAt) >= started,
    "the rebuild to switch",
    120_000,
  );
  expect(JSON.stringify(await asked())).toBe(before);
});
