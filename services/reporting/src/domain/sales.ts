import type { SqlValue } from "@relata/platform/projection";
import { all, equalsIfGiven, moneyText, withinDays, type Condition } from "../facts/sql";

/**
 * The SQL of the sales dashboard and the forecast. Every statement starts from the caller's
 * tenant; values are bound; the only names put in the text are the columns written here.
 */

/** An opportunity with its account's territory (the territory a pipeline is counted under). */
const OPPORTUNITIES_WITH_TERRITORY = `opportunities o LEFT JOIN accounts a ON a.tenant_id = o.tenant_id AND a.account_id = o.account_id`;
const TERRITORY = "COALESCE(a.territory, '')";

/** Sum of amount × probability / 100 in exact decimals (a DECIMAL divided by 100 would turn into a DOUBLE). */
const WEIGHTED = "o.amount * o.probability * CAST(0.01 AS DECIMAL(3,2))";

export interface SalesSlice {
  tenantId: string;
  currency: string;
  ownerId: string;
  territory: string;
}

/** The tenant's live opportunities in the slice's currency, owner and territory. */
function sliceOf(s: SalesSlice): Condition {
  return all(
    { sql: "o.tenant_id = ? AND NOT o.deleted AND o.currency = ?", params: [s.tenantId, s.currency] },
    equalsIfGiven("o.owner_id", s.ownerId),
    equalsIfGiven(TERRITORY, s.territory),
  );
}

/** The currency most of the tenant's live opportunities are in (ties: the first alphabetically); "" when it has none. */
export const DEFAULT_CURRENCY_SQL = `SELECT currency FROM opportunities WHERE tenant_id = ? AND NOT deleted AND COALESCE(currency, '') <> ''
  GROUP BY currency ORDER BY COUNT(*) DESC, currency LIMIT 1`;

/**
 * The open pipeline now, one row per (dimension, key): dimension 'stage', 'owner', 'territory',
 * and 'total' (key '').
 */
export function pipelineQuery(s: SalesSlice): { sql: string; params: SqlValue[] } {
  const where = sliceOf(s);
  const group = (dimension: string, key: string) =>
    `SELECT '${dimension}' AS dimension, ${key} AS key, COUNT(*) AS open_count, ${moneyText("SUM(amount)")} AS open_amount,
       ${moneyText("SUM(weighted)")} AS weighted_amount FROM open GROUP BY ALL`;
  return {
    sql: `WITH open AS (
        SELECT COALESCE(o.stage_id, '') AS stage, COALESCE(o.owner_id, '') AS owner, ${TERRITORY} AS territory,
          o.amount AS amount, ${WEIGHTED} AS weighted
        FROM ${OPPORTUNITIES_WITH_TERRITORY} WHERE ${where.sql} AND o.status = 'open')
      ${group("stage", "stage")} UNION ALL ${group("owner", "owner")} UNION ALL ${group("territory", "territory")}
      UNION ALL SELECT 'total', '', COUNT(*), ${moneyText("SUM(amount)")}, ${moneyText("SUM(weighted)")} FROM open
      ORDER BY dimension, key`,
    params: where.params,
  };
}

/**
 * The opportunities closed between from and to (calendar days in the time zone): won, lost,
 * the amount won and the average days from creation to close of those won (2 decimals).
 */
export function closedQuery(s: SalesSlice, from: string, to: string, timeZone: string): { sql: string; params: SqlValue[] } {
  const where = all(sliceOf(s), { sql: "o.status IN ('won', 'lost')", params: [] }, withinDays("o.closed_at", from, to, timeZone));
  return {
    sql: `SELECT COUNT(*) FILTER (WHERE o.status = 'won') AS won, COUNT(*) FILTER (WHERE o.status = 'lost') AS lost,
        ${moneyText("SUM(o.amount) FILTER (WHERE o.status = 'won')")} AS won_amount,
        COALESCE(ROUND(AVG(epoch(o.closed_at) - epoch(o.created_at)) FILTER (WHERE o.status = 'won' AND o.created_at IS NOT NULL) / 86400.0, 2), 0) AS cycle_days
      FROM ${OPPORTUNITIES_WITH_TERRITORY} WHERE ${where.sql}`,
    params: where.params,
  };
}

export type ForecastGrouping = "owner" | "territory";

export interface ForecastSlice extends SalesSlice {
  period: string;
  /** The period's first and last calendar day. */
  from: string;
  to: string;
  timeZone: string;
  groupBy: ForecastGrouping;
}

/**
 * Per owner or territory: the quota set for exactly this period and currency, the amount won
 * with a close in the period (in the time zone), and the open pipeline expected to close in it
 * (plain and weighted). A key appears when it has a quota or any opportunity counted.
 */
export function forecastQuery(s: ForecastSlice): { sql: string; params: SqlValue[] } {
  const key = s.groupBy === "owner" ? "COALESCE(o.owner_id, '')" : TERRITORY;
  const quotaKey = s.groupBy === "owner" ? "COALESCE(owner_id, '')" : "COALESCE(territory, '')";
  const where = sliceOf(s);
  const closedIn = withinDays("closed_at", s.from, s.to, s.timeZone);
  const quotaFilter = s.groupBy === "owner" ? equalsIfGiven(quotaKey, s.ownerId) : equalsIfGiven(quotaKey, s.territory);
  const openIn = "status = 'open' AND expected_close_date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)";
  return {
    sql: `WITH opp AS (
        SELECT ${key} AS key, o.status AS status, o.amount AS amount, ${WEIGHTED} AS weighted, o.closed_at AS closed_at,
          o.expected_close_date AS expected_close_date
        FROM ${OPPORTUNITIES_WITH_TERRITORY} WHERE ${where.sql}),
      figures AS (
        SELECT key, SUM(amount) FILTER (WHERE status = 'won' AND ${closedIn.sql}) AS won,
          SUM(amount) FILTER (WHERE ${openIn}) AS pipeline, SUM(weighted) FILTER (WHERE ${openIn}) AS weighted,
          COUNT(*) FILTER (WHERE (status = 'won' AND ${closedIn.sql}) OR (${openIn})) AS counted
        FROM opp GROUP BY key),
      quota AS (
        SELECT ${quotaKey} AS key, SUM(amount) AS amount FROM quotas
        WHERE tenant_id = ? AND NOT deleted AND period = ? AND currency = ? AND ${quotaKey} <> '' AND ${quotaFilter.sql}
        GROUP BY 1)
      SELECT COALESCE(f.key, q.key) AS key, q.amount IS NOT NULL AS has_quota, ${moneyText("q.amount")} AS quota,
        ${moneyText("f.won")} AS won, ${moneyText("f.pipeline")} AS pipeline, ${moneyText("f.weighted")} AS weighted
      FROM figures f FULL OUTER JOIN quota q ON q.key = f.key
      WHERE q.key IS NOT NULL OR f.counted > 0
      ORDER BY 1`,
    params: [
      ...where.params,
      ...closedIn.params,
      s.from,
      s.to,
      s.from,
      s.to,
      ...closedIn.params,
      s.from,
      s.to,
      s.tenantId,
      s.period,
      s.currency,
      ...quotaFilter.params,
    ],
  };
}

/** The orders of the slice not cancelled now (the alias `o`, joined to the account `a` for its territory). */
function ordersOf(s: SalesSlice): Condition {
  return all(
    { sql: "o.tenant_id = ? AND NOT o.deleted AND o.currency = ? AND o.status <> 'cancelled'", params: [s.tenantId, s.currency] },
    equalsIfGiven("o.owner_id", s.ownerId),
    equalsIfGiven(TERRITORY, s.territory),
  );
}
const ORDERS_WITH_TERRITORY = `orders o LEFT JOIN accounts a ON a.tenant_id = o.tenant_id AND a.account_id = o.account_id`;

/**
 * Per owner (the order's) or territory (its account's): the net totals of the orders of the slice
 * submitted in the forecast's period (in its time zone) and not cancelled.
 */
export function forecastOrderedQuery(s: ForecastSlice): { sql: string; params: SqlValue[] } {
  const key = s.groupBy === "owner" ? "COALESCE(o.owner_id, '')" : TERRITORY;
  const where = all(ordersOf(s), withinDays("o.submitted_at", s.from, s.to, s.timeZone));
  return {
    sql: `SELECT ${key} AS key, ${moneyText("SUM(o.net)")} AS ordered FROM ${ORDERS_WITH_TERRITORY} WHERE ${where.sql} GROUP BY 1 ORDER BY 1`,
    params: where.params,
  };
}

/**
 * The orders submitted between from and to (calendar days in the time zone) in the slice's
 * currency, owner and territory (the order's account's), and not cancelled now: their count and
 * the sum of their net totals. Revenue "ordered", kept apart from "won" (opportunities).
 */
export function orderedQuery(s: SalesSlice, from: string, to: string, timeZone: string): { sql: string; params: SqlValue[] } {
  const where = all(ordersOf(s), withinDays("o.submitted_at", from, to, timeZone));
  return {
    sql: `SELECT COUNT(*) AS orders, ${moneyText("SUM(o.net)")} AS ordered_amount FROM ${ORDERS_WITH_TERRITORY} WHERE ${where.sql}`,
    params: where.params,
  };
}

/**
 * Per competitor, the opportunities of the slice closed between from and to that met it (linked
 * to it, or lost to it): how many, won, lost to it, lost to another, lost naming none, and the
 * amounts won and lost to it. Every live competitor of the tenant has a row (zeros when it met
 * nothing), and so has any other competitor id met (deleted, or not known from an event).
 */
export function competitorQuery(s: SalesSlice, from: string, to: string, timeZone: string, competitorId: string): { sql: string; params: SqlValue[] } {
  const where = all(sliceOf(s), { sql: "o.status IN ('won', 'lost')", params: [] }, withinDays("o.closed_at", from, to, timeZone));
  const only = equalsIfGiven("COALESCE(f.competitor_id, k.competitor_id)", competitorId);
  return {
    sql: `WITH closed AS (
        SELECT o.opportunity_id AS opportunity_id, o.status AS status, o.amount AS amount, o.competitor_ids AS competitor_ids,
          CASE WHEN o.status = 'lost' THEN COALESCE(o.lost_to_competitor_id, '') ELSE '' END AS lost_to
        FROM ${OPPORTUNITIES_WITH_TERRITORY} WHERE ${where.sql}),
      met AS (
        SELECT opportunity_id, status, amount, lost_to, unnest(from_json(competitor_ids, '["VARCHAR"]')) AS competitor_id FROM closed
        UNION
        SELECT opportunity_id, status, amount, lost_to, lost_to FROM closed WHERE lost_to <> ''),
      figures AS (
        SELECT competitor_id, COUNT(*) AS met, COUNT(*) FILTER (WHERE status = 'won') AS won,
          COUNT(*) FILTER (WHERE status = 'lost' AND lost_to = competitor_id) AS lost_to,
          COUNT(*) FILTER (WHERE status = 'lost' AND lost_to <> '' AND lost_to <> competitor_id) AS lost_to_other,
          COUNT(*) FILTER (WHERE status = 'lost' AND lost_to = '') AS lost_unknown,
          SUM(amount) FILTER (WHERE status = 'won') AS won_amount, SUM(amount) FILTER (WHERE status = 'lost' AND lost_to = competitor_id) AS lost_to_amount
        FROM met WHERE competitor_id <> '' GROUP BY competitor_id),
      known AS (SELECT competitor_id, name, deleted FROM competitors WHERE tenant_id = ?)
      SELECT COALESCE(f.competitor_id, k.competitor_id) AS competitor_id, COALESCE(k.name, '') AS name, COALESCE(k.deleted, false) AS deleted,
        COALESCE(f.met, 0) AS met, COALESCE(f.won, 0) AS won, COALESCE(f.lost_to, 0) AS lost_to, COALESCE(f.lost_to_other, 0) AS lost_to_other,
        COALESCE(f.lost_unknown, 0) AS lost_unknown, ${moneyText("f.won_amount")} AS won_amount, ${moneyText("f.lost_to_amount")} AS lost_to_amount
      FROM figures f FULL OUTER JOIN known k ON k.competitor_id = f.competitor_id
      WHERE (f.competitor_id IS NOT NULL OR NOT k.deleted) AND ${only.sql}
      ORDER BY met DESC, name, competitor_id`,
    params: [...where.params, s.tenantId, ...only.params],
  };
}
