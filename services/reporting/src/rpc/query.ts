import { implement, type ServiceRegistration } from "@relata/platform";
import { QueryServiceService, type Catalogue, type CatalogueField, type QueryChunk } from "@relata/proto/reporting/v1/query";
import { BUCKET_UNITS, FILTER_OPERATORS, QUERY_FUNCTIONS, readableFacts, type CatalogueEntry } from "../domain/catalogue";
import { resolveQuery } from "../domain/query";
import { buildQuery, rowCells } from "../domain/query-sql";
import type { ReportingDeps } from "./context";

const fieldMessage = (e: CatalogueEntry): CatalogueField => ({ name: e.name, type: e.type, description: e.description });

/** The catalogue as the caller may read it: only its facts. */
export function catalogueFor(roles: readonly string[]): Catalogue {
  return {
    facts: readableFacts(roles).map((f) => ({
      name: f.name,
      description: f.description,
      dimensions: f.dimensions.map(fieldMessage),
      measures: f.measures.map(fieldMessage),
      times: f.times.map(fieldMessage),
      roles: [...f.readers],
    })),
    functions: [...QUERY_FUNCTIONS],
    buckets: [...BUCKET_UNITS],
    operators: [...FILTER_OPERATORS],
  };
}

/**
 * Ad-hoc queries over the store: the catalogue, a query's first rows (at most 10,000), and a
 * query's every row as a stream of chunks (an export). The tenant is always the caller's.
 */
export function queryService({ store, logger }: ReportingDeps): ServiceRegistration {
  return implement(
    QueryServiceService,
    {
      getCatalogue: async (_request, ctx) => catalogueFor(ctx.identity.roles),
      async runQuery(request, ctx) {
        const query = resolveQuery(request.query, ctx.identity.roles);
        // One row beyond the limit tells whether there were more.
        const built = buildQuery(query, ctx.identity.tenantId, query.limit + 1);
        const rows = await store.query(built.sql, built.params);
        return {
          columns: built.columns,
          rows: rows.slice(0, query.limit).map((r) => rowCells(r, built.columns)),
          truncated: rows.length > query.limit,
        };
      },
      // Every row, in the store's chunks (about 2,000 rows): never held whole. The columns come
      // with the first chunk, which is sent even when no row matched.
      async *exportQuery(request, ctx): AsyncGenerator<QueryChunk> {
        const query = resolveQuery(request.query, ctx.identity.roles);
        const built = buildQuery(query, ctx.identity.tenantId);
        let columns = built.columns;
        for await (const rows of store.queryChunks(built.sql, built.params)) {
          yield { columns, rows: rows.map((r) => rowCells(r, built.columns)) };
          columns = [];
        }
        if (columns.length) yield { columns, rows: [] };
      },
    },
    logger,
  );
}
