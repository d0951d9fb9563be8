import type { Forecast, ForecastFigures } from "@relata/proto/sales/v1/forecast";
import { named, OwnerId, RefId, TimeZoneName } from "@relata/platform/http";
import { PERIOD_PATTERN } from "@relata/platform/http";
import { CURRENCY_CODES } from "@relata/platform/resource";
import { z } from "zod";

export const SalesForecastQuery = z.strictObject({
  period: z
    .string()
    .regex(PERIOD_PATTERN, "must be a year (2026), a quarter (2026-Q4) or a month (2026-11)")
    .optional()
    .meta({ description: 'A year ("2026"), a quarter ("2026-Q4") or a month ("2026-11"); absent: the current quarter in timeZone.', example: "2026-Q4" }),
  groupBy: z.enum(["owner", "territory"], { error: 'must be "owner" or "territory"' }),
  territoryId: RefId("sales.territory").optional().meta({ description: "Only this territory and its descendants." }),
  ownerId: OwnerId.optional().meta({ description: "Only this owner's opportunities." }),
  currency: z.enum(CURRENCY_CODES, { error: "must be an ISO 4217 currency code such as EUR" }).meta({
    description: "Only opportunities and quotas in this currency are counted (never converted); the others are counted in otherCurrencyCount.",
  }),
  timeZone: TimeZoneName.optional().meta({ description: "The zone whose calendar decides the current quarter when period is absent; absent: UTC." }),
});

const Amount = z.string().meta({ description: "A decimal amount in the forecast's currency.", example: "1250.00" });
const Maybe = (description: string) => z.string().nullable().meta({ description });

const FiguresJson = named(
  "ForecastFigures",
  z.object({
    pipeline: Amount,
    bestCase: Amount,
    commit: Amount,
    closed: Amount.meta({ description: "Won." }),
    weighted: Amount.meta({ description: "Σ amount × probability / 100 of the open ones counted, four decimals." }),
    opportunities: z.number().int(),
    quota: Maybe("Reporting's quota (null: none, or Reporting did not answer)."),
    attainment: Maybe("closed / quota, four decimals."),
    gap: Maybe("quota − closed (negative once exceeded)."),
  }),
  "Sums of the opportunities counted, per forecast category of their stage.",
);

const GroupJson = named(
  "SalesForecastGroup",
  z.object({
    kind: z.enum(["owner", "territory", "unassigned"]),
    ownerId: z.string().nullable(),
    territoryId: z.string().nullable(),
    code: z.string().nullable(),
    name: z.string().nullable(),
    parentId: z.string().nullable(),
    depth: z.number().int(),
    own: FiguresJson,
    rolledUp: FiguresJson.meta({ description: "A territory with all its descendants (the territory's quota is set against it); the same as own otherwise." }),
  }),
);

export const SalesForecastJson = named(
  "SalesForecast",
  z.object({
    period: z.string(),
    from: z.string(),
    to: z.string(),
    currency: z.string(),
    groupBy: z.enum(["owner", "territory"]),
    quotasAvailable: z.boolean().meta({ description: "False when Reporting did not answer in time: the figures stand, without quotas." }),
    total: FiguresJson,
    groups: z.array(GroupJson),
    otherCurrencyCount: z.number().int(),
  }),
);

const orNull = (s: string) => (s === "" ? null : s);

function figuresJson(f: ForecastFigures | undefined) {
  const x = f ?? ({} as ForecastFigures);
  return {
    pipeline: x.pipeline ?? "0.00",
    bestCase: x.bestCase ?? "0.00",
    commit: x.commit ?? "0.00",
    closed: x.closed ?? "0.00",
    weighted: x.weighted ?? "0.0000",
    opportunities: x.opportunities ?? 0,
    quota: orNull(x.quota ?? ""),
    attainment: orNull(x.attainment ?? ""),
    gap: orNull(x.gap ?? ""),
  };
}

export function salesForecastJson(f: Forecast): z.output<typeof SalesForecastJson> {
  return {
    period: f.period,
    from: f.from,
    to: f.to,
    currency: f.currency,
    groupBy: f.groupBy as "owner" | "territory",
    quotasAvailable: f.quotasAvailable,
    total: figuresJson(f.total),
    groups: f.groups.map((g) => ({
      kind: g.kind as "owner" | "territory" | "unassigned",
      ownerId: orNull(g.ownerId),
      territoryId: orNull(g.territoryId),
      code: orNull(g.code),
      name: orNull(g.name),
      parentId: orNull(g.parentId),
      depth: g.depth,
      own: figuresJson(g.own),
      rolledUp: figuresJson(g.rolledUp),
    })),
    otherCurrencyCount: f.otherCurrencyCount,
  };
}
