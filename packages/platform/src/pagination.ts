import type { QueryFilter, SortOrder } from "mongoose";
import { InvalidArgument } from "./errors";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** A PageRequest as the proto carries it (page_size 0 = the default, cursor "" = the first page). */
export interface PageRequest {
  pageSize?: number;
  cursor?: string;
  sort?: string;
}

export interface PageQuery {
  pageSize: number;
  field: string;
  direction: 1 | -1;
  after?: { value: unknown; id: string };
}

interface CursorBody {
  f: string;
  d: 1 | -1;
  v: unknown;
  id: string;
}

/**
 * Reads a PageRequest: the sort field must be one of `sortable` (a '-' prefix sorts
 * descending); the cursor must have been made for the same sort.
 */
export function readPage(
  page: PageRequest | undefined,
  sortable: readonly string[],
  defaultSort: string,
): PageQuery {
  const pageSize = page?.pageSize || DEFAULT_PAGE_SIZE;
  if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw new InvalidArgument("page_size", `page_size must be between 1 and ${MAX_PAGE_SIZE}`);
  const sort = page?.sort || defaultSort;
  const direction = sort.startsWith("-") ? -1 : 1;
  const field = sort.replace(/^-/, "");
  if (!sortable.includes(field)) throw new InvalidArgument("sort", `sort must be one of ${sortable.join(", ")} (prefix '-' for descending)`);
  let after: PageQuery["after"];
  if (page?.cursor) {
    let body: CursorBody;
    try {
      body = JSON.parse(Buffer.from(page.cursor, "base64url").toString("utf8")) as CursorBody;
    } catch {
      throw new InvalidArgument("cursor", "cursor is not one this service issued");
    }
    if (body.f !== field || body.d !== direction || typeof body.id !== "string") {
      throw new InvalidArgument("cursor", "cursor was issued for another sort order");
    }
    after = { value: field.endsWith("At") && typeof body.v === "string" ? new Date(body.v) : body.v, id: body.id };
  }
  return { pageSize, field, direction, after };
}

/** The filter and sort that continue after the cursor; `_id` breaks ties so no row repeats. */
export function pageFilter<T>(query: PageQuery): { filter: QueryFilter<T>; sort: Record<string, SortOrder> } {
  const sort: Record<string, SortOrder> = { [query.field]: query.direction, _id: query.direction };
  if (!query.after) return { filter: {}, sort };
  const op = query.direction === 1 ? "$gt" : "$lt";
  const { value, id } = query.after;
  const filter =
    query.field === "_id"
      ? { _id: { [op]: id } }
      : { $or: [{ [query.field]: { [op]: value } }, { [query.field]: value, _id: { [op]: id } }] };
  return { filter: filter as QueryFilter<T>, sort };
}

/** The cursor for the page after `rows`, or "" when this page was the last. */
export function nextCursor(query: PageQuery, rows: Record<string, unknown>[], fetched: number): string {
  if (fetched <= query.pageSize || rows.length === 0) return "";
  const last = rows[rows.length - 1]!;
  const value = last[query.field];
  const body: CursorBody = {
    f: query.field,
    d: query.direction,
    v: value instanceof Date ? value.toISOString() : value,
    id: String(last._id),
  };
  return Buffer.from(JSON.stringify(body)).toString("base64url");
}
