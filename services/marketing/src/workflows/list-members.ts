import { InvalidArgument, isDuplicateKey } from "@relata/platform";
import type { AudienceReader, ListMemberRecord } from "../domain/types";
import type { MarketingModels } from "../store/models";

/** How many people one call may add or remove by id. */
export const MAX_MEMBER_IDS = 1_000;
/** How many members are written at once (a segment's members are added in batches of this many). */
export const MEMBER_BATCH = 1_000;

export interface MembersAdded {
  added: number;
  alreadyMembers: number;
}

/** Where members are written: the list_members collection (an in-memory one in unit tests). */
export interface ListMemberStore {
  /** Inserts the members not yet on the list (each once, by `_id`); answers how many were new. */
  insertNew(members: ListMemberRecord[]): Promise<number>;
}

export const listMemberId = (tenantId: string, listId: string, personId: string) => `${tenantId}/${listId}:${personId}`;

/**
 * The collection as a ListMemberStore: one unordered insertMany per batch; a member already on
 * the list is a duplicate-key error of its own that leaves the others written (the insert of a
 * unique `_id` is the one atomic step, so two concurrent adds of the same person add it once).
 */
export function listMemberStore(models: MarketingModels): ListMemberStore {
  return {
    async insertNew(members) {
      if (members.length === 0) return 0;
      try {
        await models.listMembers.insertMany(members, { ordered: false });
        return members.length;
      } catch (err) {
        const writeErrors = (err as { writeErrors?: unknown[] }).writeErrors;
        if (!Array.isArray(writeErrors) || writeErrors.length === 0 || !writeErrors.every(isDuplicateKey)) throw err;
        return members.length - writeErrors.length;
      }
    },
  };
}

function distinct(personIds: readonly string[]): string[] {
  return [...new Set(personIds)];
}

async function insertBatch(store: ListMemberStore, tenantId: string, listId: string, personIds: readonly string[], at: Date): Promise<MembersAdded> {
  const added = await store.insertNew(personIds.map((personId) => ({ _id: listMemberId(tenantId, listId, personId), tenantId, listId, personId, addedAt: at })));
  return { added, alreadyMembers: personIds.length - added };
}

/**
 * Adds these people of the audience to the list; an id the audience does not know is refused,
 * naming `person_ids` (nothing is added then). Ids named twice count once.
 */
export async function addListMembers(audience: AudienceReader, store: ListMemberStore, tenantId: string, listId: string, personIds: readonly string[], at = new Date()): Promise<MembersAdded> {
  const ids = distinct(personIds);
  if (ids.length > MAX_MEMBER_IDS) throw new InvalidArgument("person_ids", `person_ids: at most ${MAX_MEMBER_IDS} a call`);
  const known = new Set((await audience.people(tenantId, ids)).map((p) => p.personId));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new InvalidArgument("person_ids", `person_ids: not in the audience: ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ""}`);
  }
  return insertBatch(store, tenantId, listId, ids, at);
}

/**
 * Adds a segment's members as they are now, batch by batch as the audience yields them (never
 * one array of the whole segment, never one write per person).
 */
export async function addSegmentToList(audience: AudienceReader, store: ListMemberStore, tenantId: string, listId: string, segmentId: string, at = new Date()): Promise<MembersAdded> {
  const total: MembersAdded = { added: 0, alreadyMembers: 0 };
  for await (const people of audience.targets(tenantId, { segmentIds: [segmentId], listIds: [] })) {
    for (let i = 0; i < people.length; i += MEMBER_BATCH) {
      const batch = await insertBatch(store, tenantId, listId, distinct(people.slice(i, i + MEMBER_BATCH).map((p) => p.personId)), at);
      total.added += batch.added;
      total.alreadyMembers += batch.alreadyMembers;
    }
  }
  return total;
}

/** Removes these people from the list; answers how many were on it. */
export async function removeListMembers(models: MarketingModels, tenantId: string, listId: string, personIds: readonly string[]): Promise<{ removed: number; notMembers: number }> {
  const ids = distinct(personIds);
  if (ids.length > MAX_MEMBER_IDS) throw new InvalidArgument("person_ids", `person_ids: at most ${MAX_MEMBER_IDS} a call`);
  if (ids.length === 0) return { removed: 0, notMembers: 0 };
  const result = await models.listMembers.deleteMany({ tenantId, listId, _id: { $in: ids.map((id) => listMemberId(tenantId, listId, id)) } });
  return { removed: result.deletedCount, notMembers: ids.length - result.deletedCount };
}
