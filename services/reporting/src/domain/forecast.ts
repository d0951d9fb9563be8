import type { ForecastRow } from "@relata/proto/reporting/v1/dashboards";
import { fromCents, ratio, toCents } from "./sales-money";

/** One key's figures as the store sums them (money strings with two decimals; quota null when none is set). */
export interface ForecastFigures {
  key: string;
  quota: string | null;
  won: string;
  pipeline: string;
  weightedPipeline: string;
}

/**
 * A forecast row: forecast = won + weighted pipeline; with a quota, attainment = won / quota
 * (4 decimals, half away from zero; "" for a zero quota) and gap = quota - forecast.
 */
export function forecastRow(f: ForecastFigures): ForecastRow {
  const won = toCents(f.won);
  const weighted = toCents(f.weightedPipeline);
  const forecast = won + weighted;
  const quota = f.quota === null ? null : toCents(f.quota);
  return {
    key: f.key,
    quota: quota === null ? "" : fromCents(quota),
    won: fromCents(won),
    pipeline: fromCents(toCents(f.pipeline)),
    weightedPipeline: fromCents(weighted),
    forecast: fromCents(forecast),
    attainment: quota === null ? "" : ratio(won, quota, 4),
    gap: quota === null ? "" : fromCents(quota - forecast),
  };
}

/** The total row ("" key): every row's figures summed; its quota the sum of the rows' quotas, "" when no row has one. */
export function forecastTotal(rows: readonly ForecastFigures[]): ForecastRow {
  const sum = (pick: (f: ForecastFigures) => string) => fromCents(rows.reduce((acc, f) => acc + toCents(pick(f)), 0n));
  const quotas = rows.filter((f) => f.quota !== null);
  return forecastRow({
    key: "",
    quota: quotas.length ? fromCents(quotas.reduce((acc, f) => acc + toCents(f.quota!), 0n)) : null,
    won: sum((f) => f.won),
    pipeline: sum((f) => f.pipeline),
    weightedPipeline: sum((f) => f.weightedPipeline),
  });
}
