import type { SqlValue } from "@relata/platform/projection";

/**
 * Pieces of SQL every reader of the store shares. Values are always bound (`?`); only column
 * names written in this service's code are ever put into the text.
 */

/** A SQL condition and its bound values. */
export interface Condition {
  sql: string;
  params: SqlValue[];
}

/**
 * `column` within the calendar days from..to (both included, either open when empty) as the
 * time zone's clocks show them: midnight of `from` to midnight after `to`, in that zone.
 */
export function withinDays(column: string, from: string, to: string, timeZone: string): Condition {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  if (from) {
    parts.push(`${column} >= timezone(?, CAST(CAST(? AS DATE) AS TIMESTAMP))`);
    params.push(timeZone, from);
  }
  if (to) {
    parts.push(`${column} < timezone(?, CAST(CAST(? AS DATE) AS TIMESTAMP) + INTERVAL 1 DAY)`);
    params.push(timeZone, to);
  }
  return { sql: parts.length ? parts.join(" AND ") : "TRUE", params };
}

/** `column = ?` when the value is given, else no condition. */
export function equalsIfGiven(column: string, value: string): Condition {
  return value ? { sql: `${column} = ?`, params: [value] } : { sql: "TRUE", params: [] };
}

/** Joins conditions with AND. */
export function all(...conditions: Condition[]): Condition {
  return { sql: conditions.map((c) => `(${c.sql})`).join(" AND "), params: conditions.flatMap((c) => c.params) };
}

/** A money expression as exact text ("1234.5000" → "1234.50"): DuckDB's DECIMAL read as a JavaScript number would lose digits. */
export const moneyText = (expression: string) => `CAST(CAST(COALESCE(${expression}, 0) AS DECIMAL(38,2)) AS VARCHAR)`;
