import type { ForecastRow } from "@relata/proto/reporting/v1/dashboards";
import { decimalRatio, decimalUnits, formatDecimal } from "@relata/platform";

/** One key's figures as the store sums them (money strings with two decimals; quota null when none is set). */
export interface ForecastFigures {
  key: string;
  quota: string | null;
  won: string;
  pipeline: string;
  weightedPipeline: string;
  /** Net totals of the orders submitted in the period and not cancelled (apart from won). */
  ordered: string;
}

/**
 * A forecast row: forecast = won + weighted pipeline; with a quota, attainment = won / quota
 * (4 decimals, half away from zero; "" for a zero quota) and gap = quota - forecast. What was
 * ordered is shown beside won and enters none of them.
 */
export function forecastRow(f: ForecastFigures): ForecastRow {
  const won = decimalUnits(f.won);
  const weighted = decimalUnits(f.weightedPipeline);
  const forecast = won + weighted;
  const quota = f.quota === null ? null : decimalUnits(f.quota);
  return {
    key: f.key,
    quota: quota === null ? "" : formatDecimal(quota),
    won: formatDecimal(won),
    pipeline: formatDecimal(decimalUnits(f.pipeline)),
    weightedPipeline: formatDecimal(weighted),
    forecast: formatDecimal(forecast),
    attainment: quota === null ? "" : decimalRatio(won, quota, 4),
    gap: quota === null ? "" : formatDecimal(quota - forecast),
    ordered: formatDecimal(decimalUnits(f.ordered)),
  };
}

/** The total row ("" key): every row's figures summed; its quota the sum of the rows' quotas, "" when no row has one. */
export function forecastTotal(rows: readonly ForecastFigures[]): ForecastRow {
  const sum = (pick: (f: ForecastFigures) => string) => formatDecimal(rows.reduce((acc, f) => acc + decimalUnits(pick(f)), 0n));
  const quotas = rows.filter((f) => f.quota !== null);
  return forecastRow({
    key: "",
    quota: quotas.length ? formatDecimal(quotas.reduce((acc, f) => acc + decimalUnits(f.quota!), 0n)) : null,
    won: sum((f) => f.won),
    pipeline: sum((f) => f.pipeline),
    weightedPipeline: sum((f) => f.weightedPipeline),
    ordered: sum((f) => f.ordered),
  });
}
