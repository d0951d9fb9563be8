import { competitorFigures, type CompetitorCounts } from "../../src/domain/competitors";
import { competitorQuery, orderedQuery } from "../../src/domain/sales";
import { TABLES } from "../../src/facts/apply";
import { decodeFactEvent, FACT_SOURCES } from "../../src/facts/decode";
import { FACT_TABLES, STORE_VERSION } from "../../src/facts/schema";
import { reportingBackend } from "../../src/gateway";
import { CompetitorReportQuery, competitorReportJson, salesDashboardJson } from "../../src/http/schemas/sales";
import { competitor, opportunity, order } from "../support/events";

// Sales' commerce events in Reporting's store: how an order, a competitor and an opportunity's
// competitors are decoded, and the pure parts of the competitor report.
const decoded = (e: { subject: string; data: Uint8Array }) => decodeFactEvent(e.data, e.subject);

describe("decoding Sales' commerce events", () => {
  test("the SALES source reads orders and competitors, not quotes; the store's version is raised", () => {
    const sales = FACT_SOURCES.find((s) => s.stream === "SALES")!;
    expect(sales.filterSubjects).toEqual(expect.arrayContaining(["sales.order.>", "sales.competitor.>"]));
    expect(sales.filterSubjects.some((s) => s.startsWith("sales.quote"))).toBe(false);
    expect(STORE_VERSION).toBe(2);
  });

  test("an order: its net and total as Sales computed them, status, times; never deleted", () => {
    const e = order("t1", { id: "o1", number: "O-000007", accountId: "a1", ownerId: "rep", opportunityId: "op1", net: "1000.5", tax: "230.1150", total: "1230.615", currency: "PLN" }, "created", "2026-11-10T10:00:00.000Z");
    expect(decoded(e)).toEqual({
      tenantId: "t1",
      subject: "sales.order.created",
      rows: [{ table: "orders", row: {
        tenant_id: "t1", order_id: "o1", number: "O-000007", quote_id: "q-o1", opportunity_id: "op1", account_id: "a1", owner_id: "rep", status: "submitted",
        currency: "PLN", subtotal: "1000.5", net: "1000.5", tax: "230.1150", total: "1230.615", submitted_at: "2026-11-10T10:00:00.000Z",
        fulfilled_at: null, cancelled_at: null, created_at: "2026-11-10T10:00:00.000Z", version: 1, deleted: false,
      } }],
    });
    const cancelled = decoded(order("t1", { id: "o1", net: "5", version: "3", submittedAt: "2026-11-10T10:00:00.000Z" }, "cancelled", "2026-11-12T08:00:00.000Z")).rows[0]!.row;
    expect(cancelled).toMatchObject({ status: "cancelled", cancelled_at: "2026-11-12T08:00:00.000Z", submitted_at: "2026-11-10T10:00:00.000Z", version: 3, deleted: false });
    expect(decoded(order("t1", { id: "o1", net: "5", version: "2" }, "fulfilled", "2026-11-11T08:00:00.000Z")).rows[0]!.row).toMatchObject({ status: "fulfilled", fulfilled_at: "2026-11-11T08:00:00.000Z" });
  });

  test("a competitor: its name; deleted and restored", () => {
    expect(decoded(competitor("t1", { id: "c1", name: "Acme", website: "https://acme.example" }, "created"))).toEqual({
      tenantId: "t1",
      subject: "sales.competitor.created",
      rows: [{ table: "competitors", row: { tenant_id: "t1", competitor_id: "c1", name: "Acme", website: "https://acme.example", version: 1, deleted: false } }],
    });
    expect(decoded(competitor("t1", { id: "c1", name: "Acme", version: "2" }, "deleted")).rows[0]!.row).toMatchObject({ deleted: true, version: 2 });
    expect(decoded(competitor("t1", { id: "c1", name: "Acme", version: "3" }, "restored")).rows[0]!.row).toMatchObject({ deleted: false, version: 3 });
  });

  test("an opportunity keeps its competitors (a JSON list, [] for none), the competitor it was lost to and its primary quote", () => {
    const lost = decoded(opportunity("t1", { id: "o1", competitorIds: { values: ["c1", "c2"] }, lostToCompetitorId: "c2", primaryQuoteId: "q1", version: "2" }, "lost")).rows[0]!.row;
    expect(lost).toMatchObject({ status: "lost", competitor_ids: '["c1","c2"]', lost_to_competitor_id: "c2", primary_quote_id: "q1" });
    const none = decoded(opportunity("t1", { id: "o2" })).rows[0]!.row;
    expect(none).toMatchObject({ competitor_ids: "[]", lost_to_competitor_id: null, primary_quote_id: null });
  });

  test("every column a decoded row carries is a column of its table's upsert and of the DDL", () => {
    for (const e of [order("t1", { id: "o1", net: "1" }), competitor("t1", { id: "c1" }), opportunity("t1", { id: "p1" })]) {
      for (const { table, row } of decoded(e).rows) {
        expect(Object.keys(row).sort()).toEqual(Object.keys(TABLES[table]!.columns).sort());
        const ddl = FACT_TABLES.find((t) => t.includes(`EXISTS ${table} (`))!;
        for (const column of Object.keys(row)) expect({ table, column, inDdl: new RegExp(`\\b${column} `).test(ddl) }).toEqual({ table, column, inDdl: true });
      }
    }
  });
});

describe("the competitor report", () => {
  const counts = (over: Partial<CompetitorCounts>): CompetitorCounts => ({
    competitorId: "c1", name: "Acme", deleted: false, met: 0, won: 0, lostTo: 0, lostToOther: 0, lostUnknown: 0, wonAmount: "0.00", lostToAmount: "0.00", ...over,
  });

  test("win rate = won / met, exact to 4 decimals half away from zero; empty when nothing was met", () => {
    expect(competitorFigures(counts({ met: 3, won: 2, lostTo: 1 })).winRate).toBe("0.6667");
    expect(competitorFigures(counts({ met: 3, won: 1, lostTo: 2 })).winRate).toBe("0.3333");
    // 1 / 8 = 0.125 exactly; 1 / 16 = 0.0625 exactly: four decimals keep both.
    expect(competitorFigures(counts({ met: 8, won: 1 })).winRate).toBe("0.1250");
    expect(competitorFigures(counts({ met: 16, won: 1 })).winRate).toBe("0.0625");
    // 1 / 32 = 0.03125 → 0.0313 (half away from zero, not half-even 0.0312).
    expect(competitorFigures(counts({ met: 32, won: 1 })).winRate).toBe("0.0313");
    expect(competitorFigures(counts({ met: 4, won: 4 })).winRate).toBe("1.0000");
    expect(competitorFigures(counts({})).winRate).toBe("");
    expect(competitorFigures(counts({ met: 5, won: 1, lostTo: 2, lostToOther: 1, lostUnknown: 1, wonAmount: "10.00" }))).toEqual({
      competitorId: "c1", name: "Acme", deleted: false, met: "5", won: "1", lostTo: "2", lostToOther: "1", lostUnknown: "1", winRate: "0.2000", wonAmount: "10.00", lostToAmount: "0.00",
    });
  });

  test("the JSON answer: counts as numbers, no win rate as null", () => {
    const json = competitorReportJson({
      currency: "EUR",
      timeZone: "UTC",
      competitors: [competitorFigures(counts({ met: 2, won: 1, lostTo: 1, wonAmount: "5.00", lostToAmount: "7.50" })), competitorFigures(counts({ competitorId: "c2", name: "" }))],
    });
    expect(json.competitors).toEqual([
      { competitorId: "c1", name: "Acme", deleted: false, met: 2, won: 1, lostTo: 1, lostToOther: 0, lostUnknown: 0, winRate: "0.5000", wonAmount: "5.00", lostToAmount: "7.50" },
      { competitorId: "c2", name: "", deleted: false, met: 0, won: 0, lostTo: 0, lostToOther: 0, lostUnknown: 0, winRate: null, wonAmount: "0.00", lostToAmount: "0.00" },
    ]);
  });

  test("the query string: real days, to not before from, a known time zone and currency, nothing else", () => {
    const path = (q: Record<string, string>) => {
      const r = CompetitorReportQuery.safeParse(q);
      return r.success ? undefined : r.error.issues[0]!.path.join(".");
    };
    expect(path({ from: "2026-10-01", to: "2026-12-31", timeZone: "Europe/Warsaw", currency: "EUR", competitorId: "c1", ownerId: "u", territory: "north" })).toBeUndefined();
    expect(path({ from: "2026-02-30" })).toBe("from");
    expect(path({ from: "2026-12-01", to: "2026-11-01" })).toBe("to");
    expect(path({ timeZone: "Mars/Olympus" })).toBe("timeZone");
    expect(path({ currency: "XYZ" })).toBe("currency");
    expect(path({ competitorId: "x".repeat(101) })).toBe("competitorId");
    expect(path({ period: "2026-Q4" })).toBeDefined();
  });

  test("the SQL starts from the caller's tenant and binds every value; the competitor names are the tenant's", () => {
    const slice = { tenantId: "t1", currency: "EUR", ownerId: "", territory: "north" };
    const q = competitorQuery(slice, "2026-10-01", "2026-12-31", "Europe/Warsaw", "c'1");
    expect(q.sql).not.toContain("c'1");
    expect(q.sql).toContain("FROM competitors WHERE tenant_id = ?");
    expect(q.params).toEqual(["t1", "EUR", "north", "Europe/Warsaw", "2026-10-01", "Europe/Warsaw", "2026-12-31", "t1", "c'1"]);
    const o = orderedQuery(slice, "", "", "UTC");
    expect(o.sql).toContain("o.status <> 'cancelled'");
    expect(o.params).toEqual(["t1", "EUR", "north"]);
  });

  test("the sales dashboard's JSON carries orders apart from won", () => {
    const json = salesDashboardJson({
      currency: "EUR", timeZone: "UTC", byStage: [], byOwner: [], byTerritory: [], total: undefined, won: "2", lost: "1", winRate: 0.6667, wonAmount: "10.00",
      averageSalesCycleDays: 1, orders: "3", orderedAmount: "12.34",
    });
    expect(json).toMatchObject({ won: 2, wonAmount: "10.00", orders: 3, orderedAmount: "12.34" });
  });

  test("the route is read by the sales readers (tenant admins, analysts, sales managers) and partners with reporting:read", () => {
    const row = reportingBackend.permissions["analytics.competitors"]!;
    expect([...row.roles].sort()).toEqual(["analyst", "sales-manager", "tenant-admin"]);
    expect(row.scopes).toEqual(["reporting:read"]);
    expect(reportingBackend.permissions["analytics.sales"]!.roles).toEqual(row.roles);
  });
});
