import type { Model } from "mongoose";
import { InvalidArgument, NotFound } from "../errors";
import { nextCursor, pageFilter, readPage, type PageRequest } from "../pagination";
import { isDeleted, NOT_DELETED } from "./recycle-bin";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = Model<any>;

/** Reads leave the outbox out: it is the relay's business, never part of a record. */
export const WITHOUT_OUTBOX = { outbox: 0 } as const;

/**
 * A live record of the tenant, or null (also for one in the recycle bin). The filter stays
 * `_id` and tenant, which every backend serves from an index; `deletedAt` is looked at here.
 */
export async function findInTenant<T>(model: Model<T>, tenantId: string, id: string): Promise<T | null> {
  const found = (await (model as unknown as AnyModel).findOne({ _id: id, tenantId }, WITHOUT_OUTBOX).lean()) as T | null;
  return found && !isDeleted(found) ? found : null;
}

/** A record of the tenant; another tenant's record is as absent as a missing one. */
export async function getInTenant<T>(model: Model<T>, tenantId: string, id: string, what: string): Promise<T> {
  const found = await findInTenant(model, tenantId, id);
  if (!found) throw new NotFound(what, id);
  return found;
}

/** A record the request refers to (e.g. an account_id): missing is an invalid argument on that field. */
export async function requireReference<T>(model: Model<T>, tenantId: string, id: string, field: string, what: string): Promise<T> {
  const found = await findInTenant(model, tenantId, id);
  if (!found) throw new InvalidArgument(field, `${field}: no ${what} with id ${id}`);
  return found;
}

export interface Page<T> {
  rows: T[];
  nextCursor: string;
}

/**
 * One page of a tenant's live records (never one in the recycle bin): the filters, then the cursor's position, sorted by a field
 * of `sortable` with `_id` breaking ties; one row more than the page tells whether another
 * page follows.
 */
export async function listPage<T>(
  model: Model<T>,
  tenantId: string,
  filter: Record<string, unknown>,
  page: PageRequest | undefined,
  sortable: readonly string[],
  defaultSort: string,
): Promise<Page<T>> {
  const query = readPage(page, sortable, defaultSort);
  const { filter: after, sort } = pageFilter<T>(query);
  const scoped = { ...filter, tenantId, ...NOT_DELETED };
  const where = Object.keys(after).length ? { $and: [scoped, after] } : scoped;
  const fetched = (await (model as unknown as AnyModel)
    .find(where, WITHOUT_OUTBOX)
    .sort(sort)
    .limit(query.pageSize + 1)
    .lean()) as T[];
  const rows = fetched.slice(0, query.pageSize);
  return { rows, nextCursor: nextCursor(query, rows as Record<string, unknown>[], fetched.length) };
}

/** Drops filter values that are absent or empty (an empty proto field means "any"). */
export function filterOf(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ""));
}

/** The fields of `candidate` whose value differs from `current` (undefined means "not given"). */
export function changedFields<T extends object>(current: T, candidate: { [K in keyof T]?: T[K] }): { [K in keyof T]?: T[K] } {
  const out: { [K in keyof T]?: T[K] } = {};
  for (const key of Object.keys(candidate) as (keyof T)[]) {
    const value = candidate[key];
    if (value === undefined) continue;
    if (JSON.stringify(value) !== JSON.stringify(current[key] ?? "")) out[key] = value;
  }
  return out;
}
