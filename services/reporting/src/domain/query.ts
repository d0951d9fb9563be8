import { InvalidArgument, isCalendarDate, PermissionDenied, requiredText, stringValue, text, timeZone, validate } from "@relata/platform";
import { z } from "zod";
import {
  BUCKET_UNITS, canRead, factNamed, FACT_NAMES, fieldOfFact, FILTER_OPERATORS, QUERY_FUNCTIONS,
  type BucketUnit, type CatalogueEntry, type FactDefinition, type FilterOperator, type QueryFunction,
} from "./catalogue";

/**
 * An ad-hoc query as a client sends it (catalogue names only), checked against the catalogue
 * and the caller's roles into a {@link ResolvedQuery} the SQL builder (./query-sql) reads. Every
 * refusal names the field of the query that caused it ("fact", "measures.1.field",
 * "filters.0.values.0"): the query is the REST body as it is, and the gRPC request's `query`.
 */

export const DEFAULT_LIMIT = 1000;
export const MAX_LIMIT = 10_000;
export const MAX_MEASURES = 20;
export const MAX_DIMENSIONS = 10;
export const MAX_FILTERS = 20;
export const MAX_FILTER_VALUES = 1000;

const NAME = 64;

/** The shape of a query (ts-proto's Query, camelCase); names are checked against the catalogue afterwards. */
export const QueryInput = z.object({
  fact: requiredText(NAME),
  measures: z
    .array(z.object({ function: z.enum(QUERY_FUNCTIONS, { error: `must be one of ${QUERY_FUNCTIONS.join(", ")}` }), field: text(NAME) }))
    .max(MAX_MEASURES, `at most ${MAX_MEASURES} measures`)
    .default([]),
  dimensions: z.array(requiredText(NAME)).max(MAX_DIMENSIONS, `at most ${MAX_DIMENSIONS} dimensions`).default([]),
  bucket: z
    .object({ field: requiredText(NAME), unit: z.enum(BUCKET_UNITS, { error: `must be one of ${BUCKET_UNITS.join(", ")}` }) })
    .optional(),
  filters: z
    .array(
      z.object({
        field: requiredText(NAME),
        operator: z.enum(FILTER_OPERATORS, { error: `must be one of ${FILTER_OPERATORS.join(", ")}` }),
        values: z.array(stringValue().max(200, "must be at most 200 characters")).max(MAX_FILTER_VALUES, `at most ${MAX_FILTER_VALUES} values`).default([]),
      }),
    )
    .max(MAX_FILTERS, `at most ${MAX_FILTERS} filters`)
    .default([]),
  timeZone: timeZone(),
  /** 0: the default. */
  limit: z.number().int("must be a whole number").min(0, "must not be negative").max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`).default(0),
});

export interface ResolvedMeasure {
  function: QueryFunction;
  /** None for count(*). */
  field?: CatalogueEntry;
}

/** A filter's value as the SQL builder binds it: a text to cast to the field's type, or a whole day of a timestamp field in the query's time zone. */
export type FilterValue = { kind: "value"; text: string } | { kind: "day"; date: string };

export interface ResolvedFilter {
  field: CatalogueEntry;
  operator: FilterOperator;
  values: FilterValue[];
}

export interface ResolvedQuery {
  fact: FactDefinition;
  measures: ResolvedMeasure[];
  dimensions: CatalogueEntry[];
  bucket?: { field: CatalogueEntry; unit: BucketUnit };
  filters: ResolvedFilter[];
  timeZone: string;
  /** Rows at most (an export ignores it). */
  limit: number;
}

/** How many values each operator takes. */
const VALUE_COUNT: Record<FilterOperator, { min: number; max: number; says: string }> = {
  equals: { min: 1, max: 1, says: "takes exactly one value" },
  not_equals: { min: 1, max: 1, says: "takes exactly one value" },
  greater: { min: 1, max: 1, says: "takes exactly one value" },
  less: { min: 1, max: 1, says: "takes exactly one value" },
  in: { min: 1, max: MAX_FILTER_VALUES, says: "takes at least one value" },
  between: { min: 2, max: 2, says: "takes exactly two values (from, to; both included)" },
  exists: { min: 0, max: 0, says: "takes no value" },
  not_exists: { min: 0, max: 0, says: "takes no value" },
};

const ORDERED_OPERATORS: readonly FilterOperator[] = ["greater", "less", "between"];

const INTEGER = /^[+-]?\d{1,18}$/;
const DECIMAL = /^[+-]?\d{1,15}(\.\d{1,4})?$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** A filter value read as its field's type; undefined with the reason when it is not one. */
function typedValue(field: CatalogueEntry, value: string): FilterValue | string {
  const v = value.trim();
  switch (field.type) {
    case "string":
      return { kind: "value", text: value };
    case "integer":
      return INTEGER.test(v) ? { kind: "value", text: v } : `${field.name} is a whole number: must be one such as "42"`;
    case "decimal":
      return DECIMAL.test(v) ? { kind: "value", text: v } : `${field.name} is a decimal: must be a number such as "1250.50" (at most 15 digits and 4 decimals)`;
    case "number":
      return NUMBER.test(v) && Number.isFinite(Number(v)) ? { kind: "value", text: v } : `${field.name} is a number: must be one such as "2.5"`;
    case "boolean":
      return v === "true" || v === "false" ? { kind: "value", text: v } : `${field.name} is a boolean: must be true or false`;
    case "date":
      return isCalendarDate(v) ? { kind: "value", text: v } : `${field.name} is a date: must be written YYYY-MM-DD`;
    case "timestamp":
      if (isCalendarDate(v)) return { kind: "day", date: v };
      if (INSTANT.test(v) && !Number.isNaN(Date.parse(v))) return { kind: "value", text: new Date(v).toISOString() };
      return `${field.name} is an instant: must be a day (YYYY-MM-DD, in the query's time zone) or an RFC 3339 timestamp`;
  }
}

const listed = (names: string[]) => (names.length ? names.join(", ") : "none");

/**
 * Checks a query against the catalogue and the caller's roles. Unknown names are an
 * InvalidArgument naming their place in the query; a fact the roles may not read is a
 * PermissionDenied naming `fact`.
 */
export function resolveQuery(input: unknown, roles: readonly string[]): ResolvedQuery {
  const query = validate(QueryInput, input ?? {});
  const fact = factNamed(query.fact);
  if (!fact) throw new InvalidArgument("fact", `fact: unknown fact "${query.fact}"; the catalogue has ${FACT_NAMES.join(", ")}`);
  if (!canRead(fact, roles)) throw new PermissionDenied(`fact: the caller's roles may not read ${fact.name}`, "fact");

  const measureNames = fact.measures.map((m) => m.name);
  const timeNames = fact.times.map((t) => t.name);
  const measures = query.measures.map((m, i): ResolvedMeasure => {
    const path = `measures.${i}.field`;
    if (m.function === "count") {
      if (!m.field) return { function: "count" };
      const found = fieldOfFact(fact, m.field);
      if (!found) throw new InvalidArgument(path, `${path}: ${fact.name} has no field "${m.field}"`);
      return { function: "count", field: found.entry };
    }
    if (!m.field) throw new InvalidArgument(path, `${path}: ${m.function} needs a measure of ${fact.name} (${listed(measureNames)})`);
    const measure = fact.measures.find((e) => e.name === m.field);
    // The earliest and latest instants are as useful as the smallest and largest amounts.
    const time = m.function === "min" || m.function === "max" ? fact.times.find((e) => e.name === m.field) : undefined;
    if (!measure && !time) {
      const allowed = m.function === "min" || m.function === "max" ? [...measureNames, ...timeNames] : measureNames;
      throw new InvalidArgument(path, `${path}: ${fact.name} has no ${m.function === "min" || m.function === "max" ? "measure or time" : "measure"} "${m.field}" (it has ${listed(allowed)})`);
    }
    return { function: m.function, field: measure ?? time };
  });

  const dimensions = query.dimensions.map((name, i) => {
    const path = `dimensions.${i}`;
    const dimension = fact.dimensions.find((d) => d.name === name);
    if (!dimension) throw new InvalidArgument(path, `${path}: ${fact.name} has no dimension "${name}" (it has ${listed(fact.dimensions.map((d) => d.name))})`);
    if (query.dimensions.indexOf(name) !== i) throw new InvalidArgument(path, `${path}: ${name} is listed twice`);
    return dimension;
  });

  let bucket: ResolvedQuery["bucket"];
  if (query.bucket) {
    const time = fact.times.find((t) => t.name === query.bucket!.field);
    if (!time) throw new InvalidArgument("bucket.field", `bucket.field: ${fact.name} has no time "${query.bucket.field}" (it has ${listed(timeNames)})`);
    bucket = { field: time, unit: query.bucket.unit };
  }

  if (!measures.length && !dimensions.length && !bucket) throw new InvalidArgument("measures", "measures: name at least one measure, dimension or bucket");

  const filters = query.filters.map((f, i): ResolvedFilter => {
    const found = fieldOfFact(fact, f.field);
    if (!found) throw new InvalidArgument(`filters.${i}.field`, `filters.${i}.field: ${fact.name} has no field "${f.field}"`);
    const field = found.entry;
    if (field.type === "boolean" && ORDERED_OPERATORS.includes(f.operator)) {
      throw new InvalidArgument(`filters.${i}.operator`, `filters.${i}.operator: ${field.name} is a boolean: use equals, not_equals, in, exists or not_exists`);
    }
    const count = VALUE_COUNT[f.operator];
    if (f.values.length < count.min || f.values.length > count.max) throw new InvalidArgument(`filters.${i}.values`, `filters.${i}.values: ${f.operator} ${count.says}`);
    const values = f.values.map((value, j) => {
      const typed = typedValue(field, value);
      if (typeof typed === "string") throw new InvalidArgument(`filters.${i}.values.${j}`, `filters.${i}.values.${j}: ${typed}`);
      return typed;
    });
    return { field, operator: f.operator, values };
  });

  return { fact, measures, dimensions, bucket, filters, timeZone: query.timeZone, limit: query.limit || DEFAULT_LIMIT };
}
