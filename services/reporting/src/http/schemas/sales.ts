import { CalendarDate, LastDay, named, text, TimeZoneName } from "@relata/platform/http";
import { CURRENCY_CODES } from "@relata/platform/resource";
import type { CompetitorFigures, CompetitorReport, Forecast, ForecastRow, PipelineGroup, SalesDashboard } from "@relata/proto/reporting/v1/dashboards";
import { z } from "zod";
import { PERIOD_PATTERN } from "../../domain/period";

const TimeZone = TimeZoneName;
const Currency = z.enum(CURRENCY_CODES, { error: "must be an ISO 4217 currency code such as EUR" }).meta({
  description: "Only opportunities (and quotas) in this currency are counted; absent: the currency most of the tenant's opportunities are in.",
});

export const SalesDashboardQuery = z
  .strictObject({
    from: CalendarDate.optional().meta({ description: "First calendar day of the closed opportunities counted (included)." }),
    to: LastDay.optional(),
    ownerId: text(100).optional(),
    territory: text(100).optional(),
    currency: Currency.optional(),
    timeZone: TimeZone.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "must not be before from", path: ["to"] });

export const ForecastQuery = z.strictObject({
  period: z.string().regex(PERIOD_PATTERN, "must be a year (2026), a quarter (2026-Q4) or a month (2026-11)"),
  groupBy: z.enum(["owner", "territory"], { error: 'must be "owner" or "territory"' }),
  currency: Currency.optional(),
  timeZone: TimeZone.optional(),
  ownerId: text(100).optional(),
  territory: text(100).optional(),
});

const Amount = z.string().meta({ description: "A decimal amount with two decimals, in the answer's currency.", example: "1250.00" });

const PipelineGroupJson = named(
  "PipelineGroup",
  z.object({ key: z.string(), openCount: z.number().int(), openAmount: Amount, weightedAmount: Amount }),
  "Open opportunities of one stage, owner or territory: their count, amount and amount weighted by probability.",
);

export const SalesDashboardJson = named(
  "SalesDashboard",
  z.object({
    currency: z.string(),
    timeZone: z.string(),
    byStage: z.array(PipelineGroupJson),
    byOwner: z.array(PipelineGroupJson),
    byTerritory: z.array(PipelineGroupJson),
    total: PipelineGroupJson,
    won: z.number().int(),
    lost: z.number().int(),
    winRate: z.number(),
    wonAmount: Amount,
    averageSalesCycleDays: z.number(),
    orders: z.number().int().meta({ description: "Orders submitted between from and to (in timeZone) in the currency and not cancelled now. Never added to won: an order usually comes from a won opportunity." }),
    orderedAmount: Amount.meta({ description: "The sum of those orders' net totals (before tax, as an opportunity's amount), with two decimals." }),
  }),
  "The open pipeline now, and the opportunities closed between from and to.",
);

const ForecastRowJson = named(
  "ForecastRow",
  z.object({
    key: z.string(),
    quota: z.string().nullable(),
    won: Amount,
    pipeline: Amount,
    weightedPipeline: Amount,
    forecast: Amount,
    attainment: z.string().nullable().meta({ description: "won / quota as a decimal fraction (4 decimals); null without a quota." }),
    gap: z.string().nullable().meta({ description: "quota - forecast; null without a quota." }),
    ordered: Amount.meta({ description: "Net totals of the orders submitted in the period (in timeZone) and not cancelled; beside won, never added to won, forecast, attainment or gap." }),
  }),
  "An owner's or territory's quota, what it won and what it has in the pipeline for the period.",
);

export const ForecastJson = named(
  "Forecast",
  z.object({ period: z.string(), currency: z.string(), from: z.string(), to: z.string(), rows: z.array(ForecastRowJson), total: ForecastRowJson }),
  "The forecast of a period per owner or territory, against the quotas.",
);

const group = (g: PipelineGroup | undefined) => ({
  key: g?.key ?? "",
  openCount: Number(g?.openCount ?? 0),
  openAmount: g?.openAmount ?? "0.00",
  weightedAmount: g?.weightedAmount ?? "0.00",
});

export function salesDashboardJson(d: SalesDashboard): z.output<typeof SalesDashboardJson> {
  return {
    currency: d.currency,
    timeZone: d.timeZone,
    byStage: d.byStage.map(group),
    byOwner: d.byOwner.map(group),
    byTerritory: d.byTerritory.map(group),
    total: group(d.total),
    won: Number(d.won),
    lost: Number(d.lost),
    winRate: d.winRate,
    wonAmount: d.wonAmount,
    averageSalesCycleDays: d.averageSalesCycleDays,
    orders: Number(d.orders),
    orderedAmount: d.orderedAmount || "0.00",
  };
}

const row = (r: ForecastRow | undefined) => ({
  key: r?.key ?? "",
  quota: r?.quota || null,
  won: r?.won ?? "0.00",
  pipeline: r?.pipeline ?? "0.00",
  weightedPipeline: r?.weightedPipeline ?? "0.00",
  forecast: r?.forecast ?? "0.00",
  attainment: r?.attainment || null,
  gap: r?.gap || null,
  ordered: r?.ordered || "0.00",
});

export function forecastJson(f: Forecast): z.output<typeof ForecastJson> {
  return { period: f.period, currency: f.currency, from: f.from, to: f.to, rows: f.rows.map(row), total: row(f.total) };
}

export const CompetitorReportQuery = z
  .strictObject({
    from: CalendarDate.optional().meta({ description: "First calendar day of the closed opportunities counted (included)." }),
    to: LastDay.optional(),
    ownerId: text(100).optional(),
    territory: text(100).optional(),
    currency: Currency.optional(),
    timeZone: TimeZone.optional(),
    competitorId: text(100).optional().meta({ description: "Only this competitor's row." }),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "must not be before from", path: ["to"] });

const Count = z.number().int();

const CompetitorFiguresJson = named(
  "CompetitorFigures",
  z.object({
    competitorId: z.string(),
    name: z.string().meta({ description: "Its latest name; empty when Reporting has no event of it." }),
    deleted: z.boolean().meta({ description: "Deleted in Sales (then listed only when it met a deal in the range)." }),
    met: Count.meta({ description: "Deals closed in the range that it was linked to or lost to: won + lostTo + lostToOther + lostUnknown." }),
    won: Count,
    lostTo: Count.meta({ description: "Lost naming this competitor as the one the deal went to." }),
    lostToOther: Count.meta({ description: "Lost naming another competitor." }),
    lostUnknown: Count.meta({ description: "Lost naming no competitor (the competitor is unknown)." }),
    winRate: z.string().nullable().meta({ description: "won / met as a decimal fraction (4 decimals); null when it met nothing.", example: "0.6667" }),
    wonAmount: Amount,
    lostToAmount: Amount,
  }),
  "One competitor's deals closed in the range.",
);

export const CompetitorReportJson = named(
  "CompetitorReport",
  z.object({ currency: z.string(), timeZone: z.string(), competitors: z.array(CompetitorFiguresJson) }),
  "Win and loss counts per competitor of the opportunities closed between from and to: every live competitor, and any other met.",
);

const competitor = (c: CompetitorFigures) => ({
  competitorId: c.competitorId,
  name: c.name,
  deleted: c.deleted,
  met: Number(c.met),
  won: Number(c.won),
  lostTo: Number(c.lostTo),
  lostToOther: Number(c.lostToOther),
  lostUnknown: Number(c.lostUnknown),
  winRate: c.winRate || null,
  wonAmount: c.wonAmount || "0.00",
  lostToAmount: c.lostToAmount || "0.00",
});

export function competitorReportJson(r: CompetitorReport): z.output<typeof CompetitorReportJson> {
  return { currency: r.currency, timeZone: r.timeZone, competitors: r.competitors.map(competitor) };
}
