import { nextCursor, pageFilter, readPage, type PageRequest } from "@relata/platform";
import type { Model } from "mongoose";
import type { CampaignMemberRecord } from "../domain/types";

/** Members and call-list entries are written and read in batches of this many. */
export const BATCH_SIZE = 1_000;

export const memberId = (tenantId: string, campaignId: string, personId: string) => `${tenantId}/${campaignId}:${personId}`;

type RawInsert = { insertMany(docs: object[], options: { ordered: boolean }): Promise<{ insertedCount: number }> };

/**
 * Inserts the documents whose `_id` is not there yet, in one unordered insert: a document
 * already written (a re-run of a launch, a concurrent distribution) is a duplicate-key error of
 * the batch, ignored; any other error is thrown. Returns how many this call inserted.
 */
export async function insertNew<T extends { _id: string }>(model: Model<T>, docs: readonly T[]): Promise<number> {
  if (docs.length === 0) return 0;
  try {
    // The driver's insert: mongoose's would validate and cast what is already exact.
    const result = await (model.collection as unknown as RawInsert).insertMany([...docs], { ordered: false });
    return result.insertedCount;
  } catch (err) {
    const writeErrors = (err as { writeErrors?: unknown }).writeErrors;
    const errors = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    const onlyDuplicates = errors.length > 0 && errors.every((e) => (e as { code?: unknown }).code === 11000);
    if (!onlyDuplicates && (err as { code?: unknown }).code !== 11000) throw err;
    const inserted = (err as { result?: { insertedCount?: number }; insertedCount?: number }).insertedCount ?? (err as { result?: { insertedCount?: number } }).result?.insertedCount;
    return inserted ?? docs.length - errors.length;
  }
}

/**
 * A page of documents of one campaign in `_id` order (the kit's cursor): an index walk, never a
 * count. `_id` starts with the tenant and campaign, so the order follows the person id.
 */
export async function pageById<T extends { _id: string }>(model: Model<T>, where: Record<string, unknown>, page: PageRequest | undefined): Promise<{ rows: T[]; nextCursor: string }> {
  const query = readPage({ ...page, sort: "" }, ["_id"], "_id");
  const { filter, sort } = pageFilter<T>(query);
  const fetched = (await model.find({ ...where, ...filter }).sort({ _id: sort._id! }).limit(query.pageSize + 1).lean()) as T[];
  const rows = fetched.slice(0, query.pageSize);
  return { rows, nextCursor: nextCursor(query, rows as unknown as Record<string, unknown>[], fetched.length) };
}

export type MemberModel = Model<CampaignMemberRecord>;
