import { decimalRatio, decimalUnits, sumDecimals } from "@relata/platform";
import type { SqlValue } from "@relata/platform/projection";
import { all, equalsIfGiven, moneyText, withinDays } from "../facts/sql";

/**
 * The campaign dashboard: per campaign, what it reached (members, responses), what it brought to
 * sales (leads naming it, opportunities made from those leads, won and their revenue) and what it
 * cost, with the return on that cost. docs/reporting.md defines each figure.
 */

/** The currency when neither the request nor any selected campaign's cost names one. */
export const FALLBACK_CURRENCY = "EUR";

export interface CampaignFilters {
  tenantId: string;
  from: string;
  to: string;
  campaignId: string;
  ownerId: string;
  timeZone: string;
}

/** A campaign's figures as the store gives them (money as exact decimal text, "" when absent). */
export interface CampaignFigures {
  campaignId: string;
  name: string;
  status: string;
  members: number;
  responses: number;
  leads: number;
  opportunities: number;
  won: number;
  wonRevenue: string;
  cost: string;
  roi: string;
}

/**
 * (revenue - cost) / cost as a fraction with 4 decimals, rounded half away from zero; "" when
 * there is no cost (or it is zero). Computed on integers: DuckDB divides DECIMALs as DOUBLEs.
 */
export function returnOnCost(revenue: string, cost: string): string {
  if (cost === "") return "";
  const c = decimalUnits(cost);
  return decimalRatio(decimalUnits(revenue || "0") - c, c, 4);
}

/**
 * The dashboard's currency: the request's; else the currency most of the selected campaigns'
 * costs are in (ties: the first in alphabetical order); else EUR.
 */
export function dashboardCurrency(requested: string, costCurrencies: readonly string[]): string {
  if (requested) return requested;
  const counts = new Map<string, number>();
  for (const c of costCurrencies) if (c) counts.set(c, (counts.get(c) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return ranked[0]?.[0] ?? FALLBACK_CURRENCY;
}

/** The campaigns a request selects: not deleted, starting (or, unscheduled, created) in the range, of the campaign and owner named. */
export function selectedCampaigns(f: CampaignFilters): { sql: string; params: SqlValue[] } {
  const where = all(
    { sql: "tenant_id = ?", params: [f.tenantId] },
    { sql: "NOT deleted", params: [] },
    withinDays("COALESCE(starts_at, created_at)", f.from, f.to, f.timeZone),
    equalsIfGiven("campaign_id", f.campaignId),
    equalsIfGiven("owner_id", f.ownerId),
  );
  return {
    sql: `SELECT campaign_id, name, status, members, actual_cost, cost_currency, COALESCE(starts_at, created_at) AS started_at FROM campaigns WHERE ${where.sql}`,
    params: where.params,
  };
}

/** The currencies of the selected campaigns' costs (one row per campaign with a cost). */
export function costCurrenciesQuery(f: CampaignFilters): { sql: string; params: SqlValue[] } {
  const selected = selectedCampaigns(f);
  return { sql: `SELECT cost_currency FROM (${selected.sql}) WHERE actual_cost IS NOT NULL AND cost_currency IS NOT NULL`, params: selected.params };
}

/**
 * Per selected campaign: members, responses, leads, opportunities from those leads (an
 * opportunity naming one of the leads, or the one a lead was converted into), those won, the
 * revenue of those won in `currency`, and the cost when it is in `currency`.
 */
export function campaignFiguresQuery(f: CampaignFilters, currency: string): { sql: string; params: SqlValue[] } {
  const selected = selectedCampaigns(f);
  const sql = `
    WITH selected AS (${selected.sql}),
    campaign_leads AS (
      SELECT l.campaign_id, l.lead_id, l.opportunity_id FROM leads l
      WHERE l.tenant_id = ? AND NOT l.deleted AND l.campaign_id IN (SELECT campaign_id FROM selected)),
    campaign_opportunities AS (
      SELECT DISTINCT cl.campaign_id, o.opportunity_id, o.status, o.amount, o.currency
      FROM campaign_leads cl JOIN opportunities o
        ON o.tenant_id = ? AND NOT o.deleted AND (o.lead_id = cl.lead_id OR o.opportunity_id = cl.opportunity_id)),
    lead_counts AS (SELECT campaign_id, count(*) AS leads FROM campaign_leads GROUP BY campaign_id),
    opportunity_counts AS (
      SELECT campaign_id, count(*) AS opportunities, count(*) FILTER (WHERE status = 'won') AS won,
        sum(amount) FILTER (WHERE status = 'won' AND currency = ?) AS won_revenue
      FROM campaign_opportunities GROUP BY campaign_id),
    response_counts AS (
      SELECT campaign_id, count(*) AS responses FROM campaign_responses
      WHERE tenant_id = ? AND campaign_id IN (SELECT campaign_id FROM selected) GROUP BY campaign_id)
    SELECT s.campaign_id, COALESCE(s.name, '') AS name, s.status, s.members,
      COALESCE(r.responses, 0) AS responses, COALESCE(lc.leads, 0) AS leads,
      COALESCE(oc.opportunities, 0) AS opportunities, COALESCE(oc.won, 0) AS won,
      ${moneyText("oc.won_revenue")} AS won_revenue,
      CASE WHEN s.actual_cost IS NOT NULL AND s.cost_currency = ? THEN ${moneyText("s.actual_cost")} ELSE '' END AS cost
    FROM selected s
      LEFT JOIN response_counts r USING (campaign_id)
      LEFT JOIN lead_counts lc USING (campaign_id)
      LEFT JOIN opportunity_counts oc USING (campaign_id)
    ORDER BY s.started_at, s.campaign_id`;
  return { sql, params: [...selected.params, f.tenantId, f.tenantId, currency, f.tenantId, currency] };
}

type Row = Record<string, unknown>;

/** A row of campaignFiguresQuery as figures, with its return on cost. */
export function campaignFigures(row: Row): CampaignFigures {
  const wonRevenue = String(row.won_revenue);
  const cost = String(row.cost);
  return {
    campaignId: String(row.campaign_id),
    name: String(row.name),
    status: String(row.status),
    members: Number(row.members),
    responses: Number(row.responses),
    leads: Number(row.leads),
    opportunities: Number(row.opportunities),
    won: Number(row.won),
    wonRevenue,
    cost,
    roi: returnOnCost(wonRevenue, cost),
  };
}

/**
 * The total row: counts and revenue summed over the campaigns; the cost summed over those with a
 * cost in the currency ("" when none has one); the return on that cost over the whole revenue.
 */
export function campaignTotal(campaigns: readonly CampaignFigures[]): CampaignFigures {
  const sum = (key: "members" | "responses" | "leads" | "opportunities" | "won") => campaigns.reduce((n, c) => n + c[key], 0);
  const costs = campaigns.map((c) => c.cost).filter((c) => c !== "");
  const wonRevenue = sumDecimals(campaigns.map((c) => c.wonRevenue));
  const cost = costs.length ? sumDecimals(costs) : "";
  return {
    campaignId: "", name: "", status: "",
    members: sum("members"), responses: sum("responses"), leads: sum("leads"), opportunities: sum("opportunities"), won: sum("won"),
    wonRevenue, cost, roi: returnOnCost(wonRevenue, cost),
  };
}
