import { calendarDate, implement, text, timeZone, validate, type CallContext, type ServiceRegistration } from "@relata/platform";
import type { SqlRow } from "@relata/platform/projection";
import { CURRENCY_CODES } from "@relata/platform/resource";
import { SalesAnalyticsServiceService, type CompetitorReport, type Forecast, type PipelineGroup, type SalesDashboard } from "@relata/proto/reporting/v1/dashboards";
import { z } from "zod";
import { competitorFigures } from "../domain/competitors";
import { forecastRow, forecastTotal, type ForecastFigures } from "../domain/forecast";
import { periodRange } from "../domain/period";
import { closedQuery, competitorQuery, DEFAULT_CURRENCY_SQL, forecastOrderedQuery, forecastQuery, orderedQuery, pipelineQuery, type ForecastSlice, type SalesSlice } from "../domain/sales";
import type { ReportingDeps } from "./context";

const currency = () =>
  text(3).refine((v) => v === "" || (CURRENCY_CODES as readonly string[]).includes(v), "must be an ISO 4217 currency code such as EUR");

/** The request schemas, by RPC (exported for tests). */
export const salesSchemas = {
  getSalesDashboard: z
    .object({ from: calendarDate(), to: calendarDate(), ownerId: text(100), territory: text(100), currency: currency(), timeZone: timeZone() })
    .refine((r) => !r.from || !r.to || r.from <= r.to, { message: "must not be before from", path: ["to"] }),
  getForecast: z.object({
    period: text(7).refine((v) => v !== "", "is required"),
    groupBy: z.enum(["owner", "territory"], { error: 'must be "owner" or "territory"' }),
    currency: currency(),
    timeZone: timeZone(),
    ownerId: text(100),
    territory: text(100),
  }),
  getCompetitorReport: z
    .object({
      from: calendarDate(),
      to: calendarDate(),
      ownerId: text(100),
      territory: text(100),
      currency: currency(),
      timeZone: timeZone(),
      competitorId: text(100),
    })
    .refine((r) => !r.from || !r.to || r.from <= r.to, { message: "must not be before from", path: ["to"] }),
};

const count = (v: unknown) => String(v ?? 0);

/** Sales analytics: the pipeline now and what closed in a range; the forecast of a period against the quotas. */
export function salesAnalyticsService({ store, logger }: ReportingDeps): ServiceRegistration {
  /** The asked currency, else the one most of the tenant's opportunities are in ("" when there are none). */
  const currencyOf = async (tenantId: string, asked: string): Promise<string> => {
    if (asked) return asked;
    const [row] = await store.query(DEFAULT_CURRENCY_SQL, [tenantId]);
    return row ? String(row.currency) : "";
  };

  async function getSalesDashboard(request: unknown, ctx: CallContext): Promise<SalesDashboard> {
    const input = validate(salesSchemas.getSalesDashboard, request);
    const tenantId = ctx.identity.tenantId;
    const slice: SalesSlice = { tenantId, currency: await currencyOf(tenantId, input.currency), ownerId: input.ownerId, territory: input.territory };
    const pipeline = pipelineQuery(slice);
    const closed = closedQuery(slice, input.from, input.to, input.timeZone);
    const ordered = orderedQuery(slice, input.from, input.to, input.timeZone);
    const [groups, [figures], [orders]] = await Promise.all([
      store.query(pipeline.sql, pipeline.params),
      store.query(closed.sql, closed.params),
      store.query(ordered.sql, ordered.params),
    ]);
    const of = (dimension: string): PipelineGroup[] => groups.filter((g) => g.dimension === dimension).map(toGroup);
    const won = Number(figures?.won ?? 0);
    const lost = Number(figures?.lost ?? 0);
    return {
      currency: slice.currency,
      timeZone: input.timeZone,
      byStage: of("stage"),
      byOwner: of("owner"),
      byTerritory: of("territory"),
      total: of("total")[0] ?? { key: "", openCount: "0", openAmount: "0.00", weightedAmount: "0.00" },
      won: String(won),
      lost: String(lost),
      winRate: won + lost ? Math.round((won / (won + lost)) * 10_000) / 10_000 : 0,
      wonAmount: String(figures?.won_amount ?? "0.00"),
      averageSalesCycleDays: Number(figures?.cycle_days ?? 0),
      orders: count(orders?.orders),
      orderedAmount: String(orders?.ordered_amount ?? "0.00"),
    };
  }

  async function getCompetitorReport(request: unknown, ctx: CallContext): Promise<CompetitorReport> {
    const input = validate(salesSchemas.getCompetitorReport, request);
    const tenantId = ctx.identity.tenantId;
    const slice: SalesSlice = { tenantId, currency: await currencyOf(tenantId, input.currency), ownerId: input.ownerId, territory: input.territory };
    const q = competitorQuery(slice, input.from, input.to, input.timeZone, input.competitorId);
    const rows = await store.query(q.sql, q.params);
    return {
      currency: slice.currency,
      timeZone: input.timeZone,
      competitors: rows.map((r) =>
        competitorFigures({
          competitorId: String(r.competitor_id),
          name: String(r.name),
          deleted: Boolean(r.deleted),
          met: Number(r.met),
          won: Number(r.won),
          lostTo: Number(r.lost_to),
          lostToOther: Number(r.lost_to_other),
          lostUnknown: Number(r.lost_unknown),
          wonAmount: String(r.won_amount),
          lostToAmount: String(r.lost_to_amount),
        }),
      ),
    };
  }

  async function getForecast(request: unknown, ctx: CallContext): Promise<Forecast> {
    const input = validate(salesSchemas.getForecast, request);
    const range = periodRange(input.period);
    const tenantId = ctx.identity.tenantId;
    const slice = { tenantId, currency: await currencyOf(tenantId, input.currency), ownerId: input.ownerId, territory: input.territory };
    const forecastSlice: ForecastSlice = { ...slice, period: input.period, from: range.from, to: range.to, timeZone: input.timeZone, groupBy: input.groupBy };
    const q = forecastQuery(forecastSlice);
    const o = forecastOrderedQuery(forecastSlice);
    const [rows, orderedRows] = await Promise.all([store.query(q.sql, q.params), store.query(o.sql, o.params)]);
    const ordered = new Map(orderedRows.map((r) => [String(r.key), String(r.ordered)]));
    const figures: ForecastFigures[] = rows.map((r) => ({
      key: String(r.key),
      quota: r.has_quota ? String(r.quota) : null,
      won: String(r.won),
      pipeline: String(r.pipeline),
      weightedPipeline: String(r.weighted),
      ordered: ordered.get(String(r.key)) ?? "0.00",
    }));
    // A key with orders only (no quota, nothing won or open in the period) has a row too, in key order.
    const onlyOrdered = [...ordered].filter(([key]) => !figures.some((f) => f.key === key));
    if (onlyOrdered.length) {
      for (const [key, amount] of onlyOrdered) figures.push({ key, quota: null, won: "0.00", pipeline: "0.00", weightedPipeline: "0.00", ordered: amount });
      figures.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    }
    return { period: input.period, currency: slice.currency, from: range.from, to: range.to, rows: figures.map(forecastRow), total: forecastTotal(figures) };
  }

  return implement(SalesAnalyticsServiceService, { getSalesDashboard, getForecast, getCompetitorReport }, logger);
}

function toGroup(r: SqlRow): PipelineGroup {
  return { key: String(r.key), openCount: count(r.open_count), openAmount: String(r.open_amount), weightedAmount: String(r.weighted_amount) };
}

