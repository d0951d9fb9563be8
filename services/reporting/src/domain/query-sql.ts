import type { SqlRow, SqlValue } from "@relata/platform/projection";
import type { BucketUnit, CatalogueEntry, FieldType } from "./catalogue";
import type { FilterValue, ResolvedFilter, ResolvedMeasure, ResolvedQuery } from "./query";

/**
 * SQL of a resolved ad-hoc query. The text holds only what this service's code wrote (the
 * catalogue's expressions, the units and functions below); every value a client sent is bound
 * as a numbered parameter ($1 is always the tenant, and `WHERE f.tenant_id = $1` comes first).
 * Groups are the bucket then the dimensions, in that order, and so is the ordering.
 */

export interface QueryColumn {
  name: string;
  type: FieldType;
}

export interface BuiltQuery {
  sql: string;
  params: SqlValue[];
  /** The result's columns, in order; the SQL names them c0, c1, ... */
  columns: QueryColumn[];
}

/** Numbered parameters, so that one value (the time zone) can be used in several places. */
class Params {
  readonly values: SqlValue[] = [];
  add(value: SqlValue): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const UNITS: Record<BucketUnit, string> = { day: "'day'", week: "'week'", month: "'month'", quarter: "'quarter'", year: "'year'" };

/** How a bound text becomes a value of the field's type (the text was checked against the type). */
const CASTS: Record<FieldType, (p: string) => string> = {
  string: (p) => p,
  integer: (p) => `CAST(${p} AS BIGINT)`,
  decimal: (p) => `CAST(${p} AS DECIMAL(38,4))`,
  number: (p) => `CAST(${p} AS DOUBLE)`,
  boolean: (p) => `CAST(${p} AS BOOLEAN)`,
  date: (p) => `CAST(${p} AS DATE)`,
  timestamp: (p) => `CAST(${p} AS TIMESTAMPTZ)`,
};

/** A result cell's SQL: exact text for decimals (DuckDB's DECIMAL read by JavaScript would lose digits), BIGINT for whole numbers, text for days. */
function cell(expression: string, type: FieldType): string {
  switch (type) {
    case "decimal":
      return `CAST(${expression} AS VARCHAR)`;
    case "integer":
      return `CAST(${expression} AS BIGINT)`;
    case "number":
      return `CAST(${expression} AS DOUBLE)`;
    case "date":
      return `strftime(${expression}, '%Y-%m-%d')`;
    default:
      return expression;
  }
}

function measureColumn(m: ResolvedMeasure): { sql: string; column: QueryColumn } {
  const name = m.field ? `${m.function}(${m.field.name})` : "count";
  if (m.function === "count") return { sql: m.field ? `count(${m.field.sql})` : "count(*)", column: { name, type: "integer" } };
  const field = m.field!;
  // An average is a rate (a JSON number), even of money; a sum or an extreme keeps the field's type.
  const type: FieldType = m.function === "avg" ? "number" : field.type;
  return { sql: cell(`${m.function}(${field.sql})`, type), column: { name, type } };
}

/** Where a filter value puts the field: a point, or a whole day [start, next start) of the query's time zone. */
interface Bound {
  point?: string;
  start?: string;
  end?: string;
}

function bound(field: CatalogueEntry, value: FilterValue, params: Params, timeZone: () => string): Bound {
  if (value.kind === "value") return { point: CASTS[field.type](params.add(value.text)) };
  const day = `CAST(CAST(${params.add(value.date)} AS DATE) AS TIMESTAMP)`;
  const zone = timeZone();
  return { start: `timezone(${zone}, ${day})`, end: `timezone(${zone}, ${day} + INTERVAL 1 DAY)` };
}

function equalsSql(e: string, b: Bound): string {
  return b.point !== undefined ? `${e} = ${b.point}` : `(${e} >= ${b.start} AND ${e} < ${b.end})`;
}

function filterSql(f: ResolvedFilter, params: Params, timeZone: () => string): string {
  const e = f.field.sql;
  const bounds = f.values.map((v) => bound(f.field, v, params, timeZone));
  switch (f.operator) {
    case "equals":
      return equalsSql(e, bounds[0]!);
    // Rows without a value are not equal to it either.
    case "not_equals":
      return `(${e} IS NULL OR NOT (${equalsSql(e, bounds[0]!)}))`;
    case "in":
      return bounds.every((b) => b.point !== undefined) ? `${e} IN (${bounds.map((b) => b.point).join(", ")})` : `(${bounds.map((b) => equalsSql(e, b)).join(" OR ")})`;
    case "greater":
      return bounds[0]!.point !== undefined ? `${e} > ${bounds[0]!.point}` : `${e} >= ${bounds[0]!.end}`;
    case "less":
      return bounds[0]!.point !== undefined ? `${e} < ${bounds[0]!.point}` : `${e} < ${bounds[0]!.start}`;
    case "between": {
      const [from, to] = bounds as [Bound, Bound];
      const lower = from.point !== undefined ? `${e} >= ${from.point}` : `${e} >= ${from.start}`;
      const upper = to.point !== undefined ? `${e} <= ${to.point}` : `${e} < ${to.end}`;
      return `(${lower} AND ${upper})`;
    }
    case "exists":
      return `${e} IS NOT NULL`;
    case "not_exists":
      return `${e} IS NULL`;
  }
}

/**
 * The SQL of a query for the tenant. `limit` (a number, bound) caps the rows; none for an
 * export.
 */
export function buildQuery(q: ResolvedQuery, tenantId: string, limit?: number): BuiltQuery {
  const params = new Params();
  const tenant = params.add(tenantId);
  // The time zone is bound once, on first use, and shared by the bucket and day filters.
  let zone: string | undefined;
  const timeZone = () => (zone ??= params.add(q.timeZone));

  const where = [`f.tenant_id = ${tenant}`];
  if (q.fact.snapshot) where.push("NOT f.deleted");
  for (const f of q.filters) where.push(filterSql(f, params, timeZone));

  const selects: string[] = [];
  const columns: QueryColumn[] = [];
  if (q.bucket) {
    const { field, unit } = q.bucket;
    // A day is already a calendar day; an instant is read on the clocks of the time zone first.
    const local = field.type === "date" ? field.sql : `timezone(${timeZone()}, ${field.sql})`;
    selects.push(`strftime(CAST(date_trunc(${UNITS[unit]}, ${local}) AS DATE), '%Y-%m-%d')`);
    columns.push({ name: `${unit}(${field.name})`, type: "date" });
  }
  for (const d of q.dimensions) {
    selects.push(cell(d.sql, d.type));
    columns.push({ name: d.name, type: d.type });
  }
  const groups = selects.length;
  for (const m of q.measures) {
    const { sql, column } = measureColumn(m);
    selects.push(sql);
    columns.push(column);
  }

  // A join only when a field of the query reads it (the territory of an opportunity's account).
  const used = [...q.dimensions, ...q.measures.flatMap((m) => (m.field ? [m.field] : [])), ...q.filters.map((f) => f.field), ...(q.bucket ? [q.bucket.field] : [])];
  const joins = q.fact.joins.filter((j) => used.some((field) => new RegExp(`\\b${j.alias}\\.`).test(field.sql)));

  const ordinals = Array.from({ length: groups }, (_, i) => i + 1);
  const sql = [
    `SELECT ${selects.map((s, i) => `${s} AS c${i}`).join(", ")}`,
    `FROM ${[q.fact.from, ...joins.map((j) => j.sql)].join(" ")}`,
    `WHERE ${where.join(" AND ")}`,
    groups ? `GROUP BY ${ordinals.join(", ")}` : "",
    groups ? `ORDER BY ${ordinals.map((o) => `${o} ASC NULLS LAST`).join(", ")}` : "",
    limit !== undefined ? `LIMIT ${params.add(limit)}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  return { sql, params: params.values, columns };
}

/** A decimal's exact text with at least two decimals and no trailing zeros beyond them ("1234.5000" → "1234.50", "0.1250" → "0.125"). */
export function decimalText(value: string): string {
  const [whole, fraction = ""] = value.split(".");
  const trimmed = fraction.replace(/0+$/, "").padEnd(2, "0");
  return `${whole}.${trimmed}`;
}

/** A result row as the proto carries it: every cell as text, and which cells are null. */
export interface RowCells {
  cells: string[];
  nullCells: number[];
}

function cellText(value: unknown, type: FieldType): string {
  switch (type) {
    case "decimal":
      return decimalText(String(value));
    case "timestamp":
      return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
    case "boolean":
      return value ? "true" : "false";
    default:
      return String(value);
  }
}

/** A row of the store (c0, c1, ...) as text cells in the columns' order. */
export function rowCells(row: SqlRow, columns: readonly QueryColumn[]): RowCells {
  const cells: string[] = [];
  const nullCells: number[] = [];
  columns.forEach((column, i) => {
    const value = row[`c${i}`];
    if (value === null || value === undefined) {
      cells.push("");
      nullCells.push(i);
    } else cells.push(cellText(value, column.type));
  });
  return { cells, nullCells };
}
