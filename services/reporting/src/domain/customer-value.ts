import { decimalUnits, formatDecimal } from "@relata/platform";
import type { CustomerValue, CustomerValueReport } from "@relata/proto/reporting/v1/customer_value";
import type { FactStore } from "../facts/store";
import { all, equalsIfGiven } from "../facts/sql";
import { RFM_CLASSES, scoreCustomers, type CustomerFacts, type CustomerScores } from "./rfm";

/** Who is ranked: a tenant's accounts (optionally of one territory or owner), in one currency. */
export interface CustomerPopulation {
  tenantId: string;
  /** ISO 4217; empty: the tenant's main currency (mainCurrency). */
  currency: string;
  territory: string;
  ownerId: string;
  timeZone: string;
}

export interface CustomerRow extends CustomerFacts {
  name: string;
  territory: string;
  ownerId: string;
  lastPurchaseAt: Date | null;
  lastActivityAt: Date | null;
}

const DAY_MS = 86_400_000;

const str = (v: unknown) => (v === null || v === undefined ? "" : String(v));
const dateOrNull = (v: unknown) => (v instanceof Date ? v : v ? new Date(String(v)) : null);

/** The tenant's currency with the most won revenue (ties: alphabetical), or "" when it has won nothing. */
export async function mainCurrency(store: FactStore, tenantId: string): Promise<string> {
  const rows = await store.query(
    `SELECT currency FROM opportunities
      WHERE tenant_id = ? AND status = 'won' AND NOT deleted AND currency IS NOT NULL AND currency <> ''
      GROUP BY currency ORDER BY SUM(amount) DESC, currency ASC LIMIT 1`,
    [tenantId],
  );
  return rows.length ? str(rows[0]!.currency) : "";
}

/** The tenants with any won deal: those the publisher computes. */
export async function tenantsWithWonDeals(store: FactStore): Promise<string[]> {
  const rows = await store.query("SELECT DISTINCT tenant_id FROM opportunities WHERE status = 'won' AND NOT deleted ORDER BY tenant_id");
  return rows.map((r) => str(r.tenant_id));
}

/**
 * Every customer of the population: accounts (not deleted) with at least one won, not deleted
 * opportunity in the currency; revenue exact, recency in the time zone's calendar days as of `now`,
 * the last activity (not deleted, not after `now`).
 */
export async function loadCustomers(store: FactStore, p: CustomerPopulation & { currency: string }, now: Date): Promise<CustomerRow[]> {
  const at = now.toISOString();
  const population = all(equalsIfGiven("a.territory", p.territory), equalsIfGiven("a.owner_id", p.ownerId));
  const rows = await store.query(
    `WITH won AS (
        SELECT account_id, CAST(SUM(amount) AS VARCHAR) AS revenue, COUNT(*) AS purchases, MAX(COALESCE(closed_at, created_at)) AS last_purchase_at
          FROM opportunities
         WHERE tenant_id = ? AND status = 'won' AND NOT deleted AND currency = ? AND account_id IS NOT NULL AND account_id <> ''
         GROUP BY account_id),
      touched AS (
        SELECT account_id, MAX(occurred_at) AS last_activity_at
          FROM activities
         WHERE tenant_id = ? AND NOT deleted AND account_id IS NOT NULL AND occurred_at <= CAST(? AS TIMESTAMPTZ)
         GROUP BY account_id)
     SELECT a.account_id, a.name, a.territory, a.owner_id, won.revenue, won.purchases, won.last_purchase_at,
            GREATEST(0, date_diff('day', CAST(timezone(?, won.last_purchase_at) AS DATE), CAST(timezone(?, CAST(? AS TIMESTAMPTZ)) AS DATE))) AS recency_days,
            touched.last_activity_at
       FROM accounts a
       JOIN won ON won.account_id = a.account_id
       LEFT JOIN touched ON touched.account_id = a.account_id
      WHERE a.tenant_id = ? AND NOT a.deleted AND ${population.sql}
      ORDER BY a.account_id`,
    [p.tenantId, p.currency, p.tenantId, at, p.timeZone, p.timeZone, at, p.tenantId, ...population.params],
  );
  return rows.map((r) => {
    const lastActivityAt = dateOrNull(r.last_activity_at);
    return {
      accountId: str(r.account_id),
      name: str(r.name),
      territory: str(r.territory),
      ownerId: str(r.owner_id),
      revenue: decimalUnits(str(r.revenue)),
      purchases: Number(r.purchases),
      lastPurchaseAt: dateOrNull(r.last_purchase_at),
      recencyDays: Number(r.recency_days ?? 0),
      lastActivityAt,
      daysSinceActivity: lastActivityAt ? Math.floor((now.getTime() - lastActivityAt.getTime()) / DAY_MS) : null,
    };
  });
}

/** The population's customers with their scores and classes, and the Pareto cut. */
export async function computeCustomerValue(store: FactStore, population: CustomerPopulation, now: Date) {
  const currency = population.currency || (await mainCurrency(store, population.tenantId));
  const customers = currency ? await loadCustomers(store, { ...population, currency }, now) : [];
  return { currency, customers, ...scoreCustomers(customers) };
}

export interface ReportOptions {
  rfmClass: string;
  limit: number;
}

/** The report of GetCustomerValue: customers by revenue (filtered by class, limited), the Pareto cut, the class counts. */
export async function customerValueReport(store: FactStore, population: CustomerPopulation, options: ReportOptions, now: Date): Promise<CustomerValueReport> {
  const { currency, customers, scores, pareto } = await computeCustomerValue(store, population, now);
  const byId = new Map(customers.map((c) => [c.accountId, c]));
  const listed = pareto.ordered
    .filter((c) => !options.rfmClass || scores.get(c.accountId)!.rfmClass === options.rfmClass)
    .slice(0, options.limit)
    .map((c) => customerJson(byId.get(c.accountId)!, scores.get(c.accountId)!));
  const counts = new Map<string, number>();
  let atRisk = 0;
  for (const s of scores.values()) {
    counts.set(s.rfmClass, (counts.get(s.rfmClass) ?? 0) + 1);
    if (s.churnRisk) atRisk++;
  }
  return {
    currency,
    computedAt: now.toISOString(),
    customers: listed,
    pareto: {
      customers: String(customers.length),
      customersFor80Percent: String(pareto.topCount),
      shareOfCustomers: customers.length ? pareto.topCount / customers.length : 0,
      revenue: formatDecimal(pareto.total),
      revenueOfTop: formatDecimal(pareto.topRevenue),
      topAccountIds: pareto.ordered.slice(0, Math.min(pareto.topCount, options.limit)).map((c) => c.accountId),
    },
    classes: RFM_CLASSES.map((rfmClass) => ({ rfmClass, customers: String(counts.get(rfmClass) ?? 0) })),
    churnRiskCustomers: String(atRisk),
  };
}

function customerJson(c: CustomerRow, s: CustomerScores): CustomerValue {
  return {
    accountId: c.accountId,
    name: c.name,
    territory: c.territory,
    ownerId: c.ownerId,
    lifetimeRevenue: formatDecimal(c.revenue),
    purchases: String(c.purchases),
    lastPurchaseAt: c.lastPurchaseAt?.toISOString(),
    recencyDays: c.recencyDays,
    recencyScore: s.recencyScore,
    frequencyScore: s.frequencyScore,
    monetaryScore: s.monetaryScore,
    rfmClass: s.rfmClass,
    valueClass: s.valueClass,
    churnRisk: s.churnRisk,
    churnReason: s.churnReason,
    lastActivityAt: c.lastActivityAt?.toISOString(),
  };
}
