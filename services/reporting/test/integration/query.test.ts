import type { EventBus } from "@relata/platform";
import { status } from "@grpc/grpc-js";
import type { Query, QueryResult } from "@relata/proto/reporting/v1/query";
import { testServerPort } from "@relata/testing";
import {
  account, as, asPartner, connectBus, dropDatabase, eventually, failureOf, opportunity, publishAll, reportingClientsAt, serviceCase, startReportingProcess, testTenant,
  type ReportingClients, type ReportingProcess,
} from "./support";

// Ad-hoc queries over the store, with figures computed by hand from the events each test publishes.
let bus: EventBus;
let reporting: ReportingProcess;
let clients: ReportingClients;

const tenantA = testTenant("qa");
const tenantB = testTenant("qb");
const ids = (tenant: string) => ({
  rep1: `${tenant}-rep-1`,
  rep2: `${tenant}-rep-2`,
  north: `${tenant}-acc-north`,
  south: `${tenant}-acc-south`,
  opp: (n: number) => `${tenant}-opp-${n}`,
});
const A = ids(tenantA);
const B = ids(tenantB);
const analystA = as(tenantA, ["analyst"]);
const analystB = as(tenantB, ["analyst"]);

const eur = (amount: string) => ({ amount, currency: "EUR" });

/** A query with the defaults a client leaves out. */
const query = (q: Partial<Query> & { fact: string }): Query => ({ measures: [], dimensions: [], filters: [], timeZone: "", limit: 0, ...q });

/** The rows as arrays, nulls as null. */
const table = (r: QueryResult) => r.rows.map((row) => row.cells.map((c, i) => (row.nullCells.includes(i) ? null : c)));

const storeEvents = async (tenant: string) =>
  (await clients.store.getStoreStatus({}, as(tenant, ["analyst"]))).events.reduce((sum, e) => sum + Number(e.events), 0);

beforeAll(async () => {
  bus = await connectBus("reporting-query-test");
  reporting = await startReportingProcess({ port: testServerPort(570) });
  clients = reportingClientsAt(reporting.address);

  // Tenant A, in Europe/Warsaw (UTC+1 in winter):
  //   o1 rep-1 north 100.50 EUR created 2026-01-10 10:00Z (Jan), won 2026-01-20 10:00Z (a 10-day cycle)
  //   o2 rep-1 north 200.25 EUR created 2026-01-31 23:30Z: Feb 1 00:30 in Warsaw (Jan in UTC)
  //   o3 rep-2 south  50.00 EUR created 2026-02-15 12:00Z (Feb)
  //   o4 rep-2 south 1000.10 USD created 2026-03-01 08:00Z (Mar)
  //   o5 rep-1 north  10.00 EUR created 2026-02-28 22:59Z: Feb 28 23:59 in Warsaw (Feb either way)
  //   o6 rep-1 north 5000 EUR created in Jan, then deleted: never counted
  const opp = (n: number, owner: string, accountId: string, amount: { amount: string; currency: string }, createdAt: string) => ({
    id: A.opp(n), ownerId: owner, accountId, amount, createdAt, stageId: "qualification",
  });
  const o1 = opp(1, A.rep1, A.north, eur("100.50"), "2026-01-10T10:00:00.000Z");
  const o6 = opp(6, A.rep1, A.north, eur("5000"), "2026-01-11T10:00:00.000Z");
  await publishAll(bus, [
    account(tenantA, { id: A.north, territory: "north" }),
    account(tenantA, { id: A.south, territory: "south" }),
    opportunity(tenantA, o1, "created", o1.createdAt),
    opportunity(tenantA, { ...o1, stageId: "closed-won", version: "2" }, "won", "2026-01-20T10:00:00.000Z"),
    opportunity(tenantA, opp(2, A.rep1, A.north, eur("200.25"), "2026-01-31T23:30:00.000Z")),
    opportunity(tenantA, opp(3, A.rep2, A.south, eur("50.00"), "2026-02-15T12:00:00.000Z")),
    opportunity(tenantA, opp(4, A.rep2, A.south, { amount: "1000.10", currency: "USD" }, "2026-03-01T08:00:00.000Z")),
    opportunity(tenantA, opp(5, A.rep1, A.north, eur("10"), "2026-02-28T22:59:00.000Z")),
    opportunity(tenantA, o6),
    opportunity(tenantA, { ...o6, version: "2" }, "deleted"),
    // Cases: first replies after 30 and 60 minutes; the second missed its SLA.
    serviceCase(tenantA, { id: `${tenantA}-case-1`, queueId: "q1", createdAt: "2026-02-02T10:00:00.000Z", firstRespondedAt: "2026-02-02T10:30:00.000Z" }),
    serviceCase(tenantA, { id: `${tenantA}-case-2`, queueId: "q1", createdAt: "2026-02-02T11:00:00.000Z", firstRespondedAt: "2026-02-02T12:00:00.000Z", slaBreached: true }),
    // Tenant B: the same months, its own reps and accounts, amounts that would show in A's sums.
    account(tenantB, { id: B.north, territory: "north" }),
    opportunity(tenantB, { id: B.opp(1), ownerId: B.rep1, accountId: B.north, amount: eur("7777.77"), createdAt: "2026-01-15T10:00:00.000Z" }),
    opportunity(tenantB, { id: B.opp(2), ownerId: B.rep1, accountId: B.north, amount: eur("8888.88"), createdAt: "2026-02-15T10:00:00.000Z" }),
  ]);
  await eventually(() => storeEvents(tenantA), (n) => n === 12, "tenant A's events in the store");
  await eventually(() => storeEvents(tenantB), (n) => n === 3, "tenant B's events in the store");
});

afterAll(async () => {
  clients?.close();
  await reporting?.stop();
  if (reporting?.database) await dropDatabase(reporting.database);
  await bus?.close();
});

test("counts and exact sums by owner by month, on Warsaw's calendar: 23:30 UTC on January 31 is February", async () => {
  const byOwnerByMonth = (timeZone: string) =>
    clients.query.runQuery(
      {
        query: query({
          fact: "opportunities",
          measures: [{ function: "count", field: "" }, { function: "sum", field: "amount" }],
          dimensions: ["ownerId"],
          bucket: { field: "createdAt", unit: "month" },
          filters: [{ field: "currency", operator: "equals", values: ["EUR"] }],
          timeZone,
        }),
      },
      analystA,
    );
  const warsaw = await byOwnerByMonth("Europe/Warsaw");
  expect(warsaw.columns).toEqual([
    { name: "month(createdAt)", type: "date" },
    { name: "ownerId", type: "string" },
    { name: "count", type: "integer" },
    { name: "sum(amount)", type: "decimal" },
  ]);
  expect(table(warsaw)).toEqual([
    ["2026-01-01", A.rep1, "1", "100.50"],
    ["2026-02-01", A.rep1, "2", "210.25"],
    ["2026-02-01", A.rep2, "1", "50.00"],
  ]);
  expect(warsaw.truncated).toBe(false);
  expect(table(await byOwnerByMonth("UTC"))).toEqual([
    ["2026-01-01", A.rep1, "2", "300.75"],
    ["2026-02-01", A.rep1, "1", "10.00"],
    ["2026-02-01", A.rep2, "1", "50.00"],
  ]);
});

test("filters: a decimal bound, a set of statuses, Warsaw days of a time; averages skip rows without a value", async () => {
  const result = await clients.query.runQuery(
    {
      query: query({
        fact: "opportunities",
        measures: [
          { function: "count", field: "" },
          { function: "sum", field: "amount" },
          { function: "avg", field: "salesCycleDays" },
          { function: "max", field: "createdAt" },
        ],
        dimensions: ["territory"],
        filters: [
          { field: "amount", operator: "greater", values: ["60"] },
          { field: "status", operator: "in", values: ["open", "won"] },
          { field: "createdAt", operator: "between", values: ["2026-01-01", "2026-02-01"] },
        ],
        timeZone: "Europe/Warsaw",
      }),
    },
    analystA,
  );
  // o1 and o2 (created on February 1 in Warsaw); o3 is 50, o4 is in March, o5 is 10.
  expect(table(result)).toEqual([["north", "2", "300.75", "10", "2026-01-31T23:30:00.000Z"]]);

  const closed = await clients.query.runQuery(
    { query: query({ fact: "opportunities", measures: [{ function: "count", field: "" }], dimensions: ["status"], filters: [{ field: "closedAt", operator: "exists", values: [] }] }) },
    analystA,
  );
  expect(table(closed)).toEqual([["won", "1"]]);
  const notNorth = await clients.query.runQuery(
    { query: query({ fact: "opportunities", measures: [{ function: "count", field: "" }, { function: "min", field: "amount" }], dimensions: ["currency"], filters: [{ field: "territory", operator: "not_equals", values: ["north"] }] }) },
    analystA,
  );
  expect(table(notNorth)).toEqual([
    ["EUR", "1", "50.00"],
    ["USD", "1", "1000.10"],
  ]);
});

test("the limit cuts the rows and says so", async () => {
  const result = await clients.query.runQuery({ query: query({ fact: "opportunities", dimensions: ["opportunityId"], limit: 2 }) }, analystA);
  expect(table(result)).toEqual([[A.opp(1)], [A.opp(2)]]);
  expect(result.truncated).toBe(true);
});

test("cases: booleans group, minutes average", async () => {
  const result = await clients.query.runQuery(
    { query: query({ fact: "cases", measures: [{ function: "count", field: "" }, { function: "avg", field: "firstResponseMinutes" }], dimensions: ["slaBreached"] }) },
    as(tenantA, ["support-manager"]),
  );
  expect(result.columns.map((c) => c.type)).toEqual(["boolean", "integer", "number"]);
  expect(table(result)).toEqual([
    ["false", "1", "30"],
    ["true", "1", "60"],
  ]);
});

test("a fact the caller's roles may not read is refused naming fact, for a query and an export; the catalogue lists only the caller's facts", async () => {
  const cases = { query: query({ fact: "cases", measures: [{ function: "count", field: "" }] }) };
  expect(await failureOf(clients.query.runQuery(cases, as(tenantA, ["sales-manager"])))).toMatchObject({ code: status.PERMISSION_DENIED, field: "fact" });
  const exported = (async () => {
    for await (const _ of clients.query.exportQuery(cases, as(tenantA, ["marketer"]))) void _;
  })();
  expect(await failureOf(exported)).toMatchObject({ code: status.PERMISSION_DENIED, field: "fact" });

  expect((await clients.query.getCatalogue({}, as(tenantA, ["marketer"]))).facts.map((f) => f.name)).toEqual(["responses"]);
  expect((await clients.query.getCatalogue({}, as(tenantA, ["sales-rep"]))).facts).toEqual([]);
  expect((await clients.query.getCatalogue({}, asPartner(tenantA))).facts.map((f) => f.name)).toEqual(["opportunities", "leads", "orders", "responses", "cases", "articleViews", "searches"]);
  // A partner client with reporting:read reads any fact.
  const partner = await clients.query.runQuery(cases, asPartner(tenantA));
  expect(table(partner)).toEqual([["2"]]);
});

test("names outside the catalogue and values of the wrong type are refused naming the field", async () => {
  const refused = (q: Partial<Query>) => failureOf(clients.query.runQuery({ query: query({ fact: "opportunities", ...q }) }, analystA));
  expect(await refused({ fact: "users" })).toMatchObject({ code: status.INVALID_ARGUMENT, field: "fact" });
  expect(await refused({ measures: [{ function: "count", field: "" }, { function: "sum", field: "amount; DROP TABLE opportunities" }] })).toMatchObject({
    code: status.INVALID_ARGUMENT,
    field: "measures.1.field",
  });
  expect(await refused({ dimensions: ["owner_id"] })).toMatchObject({ field: "dimensions.0" });
  expect(await refused({ dimensions: ["ownerId"], filters: [{ field: "amount", operator: "greater", values: ["many"] }] })).toMatchObject({ field: "filters.0.values.0" });
  expect(await refused({ dimensions: ["ownerId"], timeZone: "Europe/Atlantis" })).toMatchObject({ field: "time_zone" });
});

test("cross-tenant: tenant B naming tenant A's owners, accounts and opportunities gets nothing; A's figures never hold B's", async () => {
  const filters: Query["filters"][] = [
    [{ field: "ownerId", operator: "equals", values: [A.rep1] }],
    [{ field: "accountId", operator: "in", values: [A.north, A.south] }],
    [{ field: "opportunityId", operator: "in", values: [1, 2, 3, 4, 5].map(A.opp) }],
  ];
  for (const f of filters) {
    const result = await clients.query.runQuery({ query: query({ fact: "opportunities", measures: [{ function: "sum", field: "amount" }], dimensions: ["ownerId"], filters: f }) }, analystB);
    expect(table(result)).toEqual([]);
  }
  // Without filters B sees its own rows only, and A its own.
  const totals = async (call: ReturnType<typeof as>) =>
    table(await clients.query.runQuery({ query: query({ fact: "opportunities", measures: [{ function: "count", field: "" }, { function: "sum", field: "amount" }], filters: [{ field: "currency", operator: "equals", values: ["EUR"] }] }) }, call));
  expect(await totals(analystB)).toEqual([["2", "16666.65"]]);
  expect(await totals(analystA)).toEqual([["4", "360.75"]]);
});
