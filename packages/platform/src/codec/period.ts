/**
 * Reporting periods as the API writes them: a year ("2026"), a quarter ("2026-Q4") or a month
 * ("2026-11"), and the calendar days they cover.
 */
export const PERIOD_PATTERN = /^(\d{4})(?:-(Q[1-4]|0[1-9]|1[0-2]))?$/;

const pad = (n: number) => String(n).padStart(2, "0");

/** The first and last calendar day of a period ("2026-Q4" → 2026-10-01..2026-12-31); undefined when it is not one. */
export function periodDays(period: string): { from: string; to: string } | undefined {
  const m = PERIOD_PATTERN.exec(period);
  if (!m) return undefined;
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
  return { from: `${year}-${pad(firstMonth)}-01`, to: `${year}-${pad(firstMonth + months - 1)}-${pad(lastDay)}` };
}

/** The quarter ("2026-Q4") `now` falls in, as the calendar of `timeZone` has it. */
export function quarterAt(now: Date, timeZone = "UTC"): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" }).formatToParts(now);
  const year = parts.find((p) => p.type === "year")!.value;
  const month = Number(parts.find((p) => p.type === "month")!.value);
  return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
}
