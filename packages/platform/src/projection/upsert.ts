import type { ProjectionWriter } from "./projection";

/** The DuckDB column types a batch upsert carries; instants travel as text and are cast. */
export type UpsertColumnType = "VARCHAR" | "BIGINT" | "INTEGER" | "BOOLEAN" | "DOUBLE" | "DATE" | "TIMESTAMPTZ" | `DECIMAL(${number},${number})`;

/** How a table of a projection takes a batch of rows. */
export interface TableUpsert<T> {
  table: string;
  key: readonly string[];
  /** Column → DuckDB type. */
  columns: Readonly<Record<string, UpsertColumnType>>;
  values: (row: T) => Record<string, string | number | boolean | null>;
  /**
   * When the stored row gives way to the new one (`excluded` is the new row): a version or
   * time comparison. Absent: a row once stored is kept (insert-only facts keyed by event id).
   */
  newer?: string;
}

/** Types that travel as text in the JSON parameter and are cast in SQL (exact decimals, dates, instants). */
const CAST_FROM_TEXT = (type: UpsertColumnType) => type === "DATE" || type === "TIMESTAMPTZ" || type.startsWith("DECIMAL");

/**
 * One statement per table and batch: the rows travel as one JSON parameter, unnested in SQL (ten
 * times faster in DuckDB than a VALUES list of thousands of bound values), and replace a stored
 * row only when `newer` says so. Give it one row per key (see {@link latest}).
 */
export async function upsert<T>(writer: ProjectionWriter, spec: TableUpsert<T>, rows: readonly T[]): Promise<void> {
  if (!rows.length) return;
  const names = Object.keys(spec.columns);
  const shape = JSON.stringify([Object.fromEntries(names.map((c) => [c, CAST_FROM_TEXT(spec.columns[c]!) ? "VARCHAR" : spec.columns[c]]))]);
  const selected = names.map((c) => (CAST_FROM_TEXT(spec.columns[c]!) ? `CAST(r.${c} AS ${spec.columns[c]})` : `r.${c}`)).join(", ");
  const updated = names.filter((c) => !spec.key.includes(c)).map((c) => `${c} = excluded.${c}`).join(", ");
  const onConflict = spec.newer && updated ? `DO UPDATE SET ${updated} WHERE ${spec.newer}` : "DO NOTHING";
  await writer.run(
    `INSERT INTO ${spec.table} (${names.join(", ")}) SELECT ${selected} FROM (SELECT unnest(from_json(?::JSON, '${shape}'), recursive := true)) r
      ON CONFLICT (${spec.key.join(", ")}) ${onConflict}`,
    [JSON.stringify(rows.map(spec.values))],
  );
}

/** Keeps, per key, the row `newer` prefers (the highest version, the latest time): one row per key per statement. */
export function latest<T>(rows: readonly T[], key: (row: T) => string, newer: (a: T, b: T) => boolean): T[] {
  const kept = new Map<string, T>();
  for (const row of rows) {
    const k = key(row);
    const current = kept.get(k);
    if (!current || newer(row, current)) kept.set(k, row);
  }
  return [...kept.values()];
}
