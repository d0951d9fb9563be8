import { implement, PERIOD_PATTERN, PermissionDenied, periodDays, quarterAt, text, timeZone, validate, type ServiceRegistration, type Role } from "@relata/platform";
import { ForecastServiceService } from "@relata/proto/sales/v1/forecast";
import { z } from "zod";
import { Forecaster } from "../workflows/forecast";
import type { SalesDeps } from "./context";

/**
 * Who reads the forecast: the whole tenant's figures against its quotas, so the roles that read
 * Reporting's quotas; a sales rep is refused (403) rather than shown a partial forecast that
 * would not add up to the territories' quotas.
 */
export const FORECAST_READERS: readonly Role[] = ["tenant-admin", "sales-manager", "analyst"];

const GetForecastInput = z.object({
  period: z
    .string()
    .default("")
    .refine((v) => v === "" || PERIOD_PATTERN.test(v), "must be a year (2026), a quarter (2026-Q4) or a month (2026-11)"),
  groupBy: z.enum(["owner", "territory"], { error: 'must be "owner" or "territory"' }),
  territoryId: z.string().default(""),
  ownerId: text(),
  currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR"),
  timeZone: timeZone(),
});

export const forecastSchemas = { getForecast: GetForecastInput };

export function forecastService({ repos, pipelines, quotas, logger }: SalesDeps): ServiceRegistration {
  const forecaster = new Forecaster(repos, pipelines, quotas, logger.child({ component: "forecast" }));
  return implement(
    ForecastServiceService,
    {
      async getForecast(request, ctx) {
        if (!ctx.identity.roles.some((r) => FORECAST_READERS.includes(r as Role))) {
          throw new PermissionDenied("the forecast is read by tenant admins, sales managers and analysts");
        }
        const input = validate(GetForecastInput, request);
        const period = input.period || quarterAt(new Date(), input.timeZone);
        const range = periodDays(period)!;
        // Another tenant's territory (or none) is not found, as a get of it would be.
        if (input.territoryId) await repos.territories.in(ctx).get(input.territoryId);
        const f = await forecaster.forecast(ctx, { period, range, groupBy: input.groupBy, territoryId: input.territoryId, ownerId: input.ownerId, currency: input.currency });
        return {
          period,
          from: range.from,
          to: range.to,
          currency: input.currency,
          groupBy: input.groupBy,
          quotasAvailable: f.quotasAvailable,
          total: f.total,
          groups: f.groups,
          otherCurrencyCount: f.otherCurrencyCount,
        };
      },
    },
    logger,
  );
}
