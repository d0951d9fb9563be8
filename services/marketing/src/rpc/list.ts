import { id, implement, nextCursor, pageFilter, readPage, RecycleBinInput, recycleBinHandlers, validate, type NewFields, type ServiceRegistration } from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { MarketingListServiceService } from "@relata/proto/marketing/v1/marketing_list";
import { z } from "zod";
import { toMarketingList } from "../codec/mappers";
import type { ListMemberRecord, MarketingListRecord } from "../domain/types";
import { marketingListEvent } from "../events/builders";
import { marketingList } from "../resources";
import { addListMembers, addSegmentToList, listMemberStore, MAX_MEMBER_IDS, removeListMembers } from "../workflows/list-members";
import type { MarketingDeps } from "./context";

const described = serviceSchemas(marketingList);
const PersonIds = z.array(id()).min(1, "is required").max(MAX_MEMBER_IDS, `at most ${MAX_MEMBER_IDS} a call`);
const Page = z.object({ pageSize: z.number().int().default(0), cursor: z.string().max(1024).default("") }).optional();

/** The request schemas, by RPC (exported for tests). */
export const listSchemas = {
  createMarketingList: described.create,
  getMarketingList: described.get,
  listMarketingLists: described.list,
  updateMarketingList: described.update,
  deleteMarketingList: RecycleBinInput,
  restoreMarketingList: RecycleBinInput,
  addListMembers: z.object({ listId: id(), personIds: PersonIds }),
  addSegmentToList: z.object({ listId: id(), segmentId: id() }),
  removeListMembers: z.object({ listId: id(), personIds: PersonIds }),
  listListMembers: z.object({ listId: id(), page: Page }),
};

export function marketingListService({ repos, models, logger, audience }: MarketingDeps): ServiceRegistration {
  const crud = resourceHandlers(marketingList, repos.marketingLists, marketingListEvent, {
    create(input, _records, ctx) {
      return { ...input, ownerId: input.ownerId || ctx.identity.subject } as unknown as NewFields<MarketingListRecord>;
    },
  });
  const bin = recycleBinHandlers(repos.marketingLists, toMarketingList, marketingListEvent);
  const store = listMemberStore(models);
  return implement(
    MarketingListServiceService,
    {
      createMarketingList: (request, ctx) => crud.create(request, ctx),
      getMarketingList: (request, ctx) => crud.get(request, ctx),
      listMarketingLists: async (request, ctx) => {
        const { rows, nextCursor: cursor } = await crud.list(request, ctx);
        return { lists: rows, page: { nextCursor: cursor } };
      },
      updateMarketingList: (request, ctx) => crud.update(request, ctx),
      deleteMarketingList: bin.delete,
      restoreMarketingList: bin.restore,

      async addListMembers(request, ctx) {
        const { listId, personIds } = validate(listSchemas.addListMembers, request);
        await repos.marketingLists.in(ctx).get(listId);
        return addListMembers(audience, store, ctx.identity.tenantId, listId, personIds);
      },

      async addSegmentToList(request, ctx) {
        const { listId, segmentId } = validate(listSchemas.addSegmentToList, request);
        await repos.marketingLists.in(ctx).get(listId);
        return addSegmentToList(audience, store, ctx.identity.tenantId, listId, segmentId);
      },

      async removeListMembers(request, ctx) {
        const { listId, personIds } = validate(listSchemas.removeListMembers, request);
        await repos.marketingLists.in(ctx).get(listId);
        return removeListMembers(models, ctx.identity.tenantId, listId, personIds);
      },

      async listListMembers(request, ctx) {
        const { listId, page } = validate(listSchemas.listListMembers, request);
        await repos.marketingLists.in(ctx).get(listId);
        const query = readPage({ pageSize: page?.pageSize ?? 0, cursor: page?.cursor ?? "" }, ["_id"], "_id");
        const { filter, sort } = pageFilter<ListMemberRecord>(query);
        const tenantId = ctx.identity.tenantId;
        const rows = await models.listMembers
          .find({ $and: [{ tenantId, listId }, filter] })
          .sort(sort)
          .limit(query.pageSize + 1)
          .lean();
        const members = rows.slice(0, query.pageSize);
        return {
          members: members.map((m) => ({ personId: m.personId, addedAt: m.addedAt.toISOString() })),
          page: { nextCursor: nextCursor(query, members as unknown as Record<string, unknown>[], rows.length) },
        };
      },
    },
    logger,
  );
}
