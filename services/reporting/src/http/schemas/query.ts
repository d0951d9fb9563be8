import { named, reference, relation, stateDependent, TimeZoneName } from "@relata/platform/http";
import type { Catalogue, Query, QueryColumn, QueryRow } from "@relata/proto/reporting/v1/query";
import { z } from "zod";
import { BUCKET_UNITS, FACT_NAMES, FIELD_TYPES, FILTER_OPERATORS, QUERY_FUNCTIONS } from "../../domain/catalogue";
import { MAX_DIMENSIONS, MAX_FILTER_VALUES, MAX_FILTERS, MAX_LIMIT, MAX_MEASURES } from "../../domain/query";

/** The REST shapes of ad-hoc queries: the catalogue, a query, and its result. */

// Which names a fact has is the catalogue's (GET /v1/analytics/catalogue), not a pattern.
const FieldName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, "must be a field name of the catalogue")
  .meta(reference("a field of the fact in the catalogue"));

const CatalogueFieldJson = z.object({
  name: z.string(),
  type: z.enum(FIELD_TYPES).meta({ description: "How its values are written in filters and results." }),
  description: z.string(),
});

export const CatalogueJson = named(
  "AnalyticsCatalogue",
  z.object({
    facts: z.array(
      z.object({
        name: z.string(),
        description: z.string(),
        dimensions: z.array(CatalogueFieldJson).meta({ description: "What may be grouped and filtered on." }),
        measures: z.array(CatalogueFieldJson).meta({ description: "What sum, avg, min and max take (count takes none)." }),
        times: z.array(CatalogueFieldJson).meta({ description: "The instants or days a bucket may be taken of; filters take them too." }),
        roles: z.array(z.string()).meta({ description: "The roles that may read it (partner clients with reporting:read read every fact)." }),
      }),
    ),
    functions: z.array(z.enum(QUERY_FUNCTIONS)),
    buckets: z.array(z.enum(BUCKET_UNITS)),
    operators: z.array(z.enum(FILTER_OPERATORS)),
  }),
  "The facts the caller may query, with their dimensions, measures and times, and the functions, bucket units and filter operators.",
);

export function catalogueJson(c: Catalogue): z.output<typeof CatalogueJson> {
  return {
    facts: c.facts.map((f) => ({
      name: f.name,
      description: f.description,
      dimensions: f.dimensions.map((d) => ({ ...d, type: d.type as (typeof FIELD_TYPES)[number] })),
      measures: f.measures.map((m) => ({ ...m, type: m.type as (typeof FIELD_TYPES)[number] })),
      times: f.times.map((t) => ({ ...t, type: t.type as (typeof FIELD_TYPES)[number] })),
      roles: f.roles,
    })),
    functions: c.functions as (typeof QUERY_FUNCTIONS)[number][],
    buckets: c.buckets as (typeof BUCKET_UNITS)[number][],
    operators: c.operators as (typeof FILTER_OPERATORS)[number][],
  };
}

export const QueryJson = named(
  "AnalyticsQuery",
  z.strictObject({
    fact: z.enum(FACT_NAMES).meta({ description: "A fact of the catalogue." }),
    measures: z
      .array(
        z.strictObject({
          function: z.enum(QUERY_FUNCTIONS),
          field: FieldName.optional().meta({ ...reference("a field of the fact in the catalogue"), description: "A measure of the fact (min and max also take a time); none for count: the rows." }),
        }),
      )
      .max(MAX_MEASURES)
      .default([])
      .meta({ ...relation("a query names at least one measure, dimension or bucket"), description: "What to compute per group; a query names at least one measure, dimension or bucket." }),
    dimensions: z.array(FieldName).max(MAX_DIMENSIONS).default([]).meta({ description: "Dimensions of the fact to group by, after the bucket." }),
    bucket: z
      .strictObject({ field: FieldName.meta({ ...reference("a field of the fact in the catalogue"), description: "A time of the fact." }), unit: z.enum(BUCKET_UNITS).meta({ description: "A week starts on Monday (ISO)." }) })
      .optional()
      .meta({ description: "Groups by the day, week, month, quarter or year of a time, on the clocks of timeZone; the column holds the bucket's first day." }),
    filters: z
      .array(
        z.strictObject({
          field: FieldName.meta({ ...reference("a field of the fact in the catalogue"), description: "A dimension, measure or time of the fact." }),
          operator: z.enum(FILTER_OPERATORS),
          values: z
            .array(z.string().max(200).meta(stateDependent("written as the catalogue's type of the filtered field")))
            .max(MAX_FILTER_VALUES)
            .default([])
            .meta({
              ...stateDependent("how many values the operator takes, each of the field's catalogue type"),
              description:
                "As text of the field's type: whole numbers, decimals (\"1250.50\"), true/false, days (YYYY-MM-DD); a time takes a day of timeZone or an RFC 3339 instant. equals, not_equals, greater, less: one; in: one or more; between: two, both included; exists, not_exists: none.",
            }),
        }),
      )
      .max(MAX_FILTERS)
      .default([]),
    timeZone: TimeZoneName.optional(),
    limit: z.number().int().min(1).max(MAX_LIMIT).optional().meta({ description: `Rows at most (default 1000); a CSV export has no limit.` }),
  }),
  "An ad-hoc query: catalogue names only. Rows are grouped and ordered by the bucket, then the dimensions.",
);

/** The REST body as the gRPC query. */
export function queryMessage(q: z.output<typeof QueryJson>): Query {
  return {
    fact: q.fact,
    measures: q.measures.map((m) => ({ function: m.function, field: m.field ?? "" })),
    dimensions: q.dimensions,
    bucket: q.bucket,
    filters: q.filters,
    timeZone: q.timeZone ?? "",
    limit: q.limit ?? 0,
  };
}

const CellJson = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const QueryResultJson = named(
  "AnalyticsQueryResult",
  z.object({
    columns: z.array(
      z.object({
        name: z.string().meta({ description: 'The bucket ("month(createdAt)"), a dimension ("ownerId") or a measure ("sum(amount)", "count").' }),
        type: z.enum(FIELD_TYPES),
      }),
    ),
    rows: z
      .array(z.array(CellJson))
      .meta({ description: "Cells in the columns' order: integers and numbers as JSON numbers, booleans as booleans, decimals (exact) as strings, days as YYYY-MM-DD, instants as ISO 8601; null for none." }),
    truncated: z.boolean().meta({ description: "More rows matched than the limit." }),
  }),
  "An ad-hoc query's rows.",
);

/** A cell as typed JSON (decimals stay exact strings). */
export function cellValue(text: string, type: string): string | number | boolean {
  switch (type) {
    case "integer":
    case "number":
      return Number(text);
    case "boolean":
      return text === "true";
    default:
      return text;
  }
}

/** A row's typed values, null for its null cells. */
export function rowValues(row: QueryRow, columns: readonly QueryColumn[]): (string | number | boolean | null)[] {
  const nulls = new Set(row.nullCells);
  return row.cells.map((text, i) => (nulls.has(i) ? null : cellValue(text, columns[i]?.type ?? "string")));
}
