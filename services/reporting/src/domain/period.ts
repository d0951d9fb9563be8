import { InvalidArgument } from "@relata/platform";

/** A reporting period: a year ("2026"), a quarter ("2026-Q4") or a month ("2026-11"). */
export const PERIOD_PATTERN = /^(\d{4})(?:-(Q[1-4]|0[1-9]|1[0-2]))?$/;

/** The first and last calendar day of a period ("2026-Q4" → 2026-10-01..2026-12-31). */
export function periodRange(period: string, field = "period"): { from: string; to: string } {
  const m = PERIOD_PATTERN.exec(period);
  if (!m) throw new InvalidArgument(field, `${field}: must be a year (2026), a quarter (2026-Q4) or a month (2026-11)`);
  const year = Number(m[1]);
  const part = m[2];
  let firstMonth = 1;
  let months = 12;
  if (part?.startsWith("Q")) {
    firstMonth = (Number(part.slice(1)) - 1) * 3 + 1;
    months = 3;
  } else if (part) {
    firstMonth = Number(part);
    months = 1;
  }
  const lastDay = new Date(Date.UTC(year, firstMonth - 1 + months, 0)).getUTCDate();
  const lastMonth = firstMonth + months - 1;
  const pad = (n: number) => String(n).padStart(2, "0");
  return { from: `${year}-${pad(firstMonth)}-01`, to: `${year}-${pad(lastMonth)}-${pad(lastDay)}` };
}
