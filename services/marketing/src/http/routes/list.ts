import { CreateMarketingListRequest, ListMarketingListsRequest, UpdateMarketingListRequest } from "@relata/proto/marketing/v1/marketing_list";
import { crudRoutes, IdParams, listReply, page, pageOf, route, type RouteSpec } from "@relata/platform/http";
import type { MarketingClients } from "../../client";
import { marketingList } from "../../resources";
import { ListMemberJson, listMemberJson, ListMembersAddedJson, ListMembersInput, ListMembersQuery, ListMembersRemovedJson, ListSegmentInput } from "../schemas/list";

const ListMembersPage = pageOf("ListMembersPage", ListMemberJson);

export function marketingListRoutes(marketing: MarketingClients): RouteSpec[] {
  return [
    ...crudRoutes(
      marketingList,
      {
        list: async (request, call) => {
          const res = await marketing.lists.listMarketingLists(ListMarketingListsRequest.fromPartial(request), call);
          return { records: res.lists, nextCursor: res.page?.nextCursor };
        },
        create: (request, call) => marketing.lists.createMarketingList(CreateMarketingListRequest.fromPartial(request), call),
        get: (request, call) => marketing.lists.getMarketingList(request, call),
        update: (request, call) => marketing.lists.updateMarketingList(UpdateMarketingListRequest.fromPartial(request), call),
        delete: (request, call) => marketing.lists.deleteMarketingList(request, call),
        restore: (request, call) => marketing.lists.restoreMarketingList(request, call),
      },
      { tag: "Marketing lists" },
    ),
    route({
      operationId: "listMarketingListMembers",
      method: "get",
      path: "/v1/marketing-lists/:id/members",
      operation: "marketing-lists.read",
      tag: "Marketing lists",
      summary: "The people on a marketing list",
      params: IdParams,
      query: ListMembersQuery,
      responses: { 200: page(ListMembersPage) },
      handler: async (ctx) => {
        const res = await marketing.lists.listListMembers({ listId: ctx.params.id, page: { pageSize: ctx.query.limit ?? 0, cursor: ctx.query.cursor ?? "", sort: "" } }, ctx.call);
        return listReply(ctx, res.members.map(listMemberJson), res.page?.nextCursor);
      },
    }),
    route({
      operationId: "addMarketingListMembers",
      method: "post",
      path: "/v1/marketing-lists/:id/members",
      operation: "marketing-lists.members",
      tag: "Marketing lists",
      summary: "Add people of the audience to a list by id",
      description: "At most 1,000 ids a call; an id the audience does not know is refused (400 naming `personIds`) and nothing is added. People already on the list are counted, not added twice.",
      params: IdParams,
      body: ListMembersInput,
      responses: { 200: { description: "What was added.", schema: ListMembersAddedJson } },
      handler: async (ctx) => ({ body: await marketing.lists.addListMembers({ listId: ctx.params.id, personIds: ctx.body.personIds }, ctx.call) }),
    }),
    route({
      operationId: "addMarketingListSegment",
      method: "post",
      path: "/v1/marketing-lists/:id/members/from-segment",
      operation: "marketing-lists.members",
      tag: "Marketing lists",
      summary: "Add a segment's current members to a list",
      description: "The segment's members at this moment, written in batches; later changes of the segment do not follow (the list is static).",
      params: IdParams,
      body: ListSegmentInput,
      responses: { 200: { description: "What was added.", schema: ListMembersAddedJson } },
      handler: async (ctx) => ({ body: await marketing.lists.addSegmentToList({ listId: ctx.params.id, segmentId: ctx.body.segmentId }, ctx.call) }),
    }),
    route({
      operationId: "removeMarketingListMembers",
      method: "post",
      path: "/v1/marketing-lists/:id/members/remove",
      operation: "marketing-lists.members",
      tag: "Marketing lists",
      summary: "Remove people from a list by id",
      params: IdParams,
      body: ListMembersInput,
      responses: { 200: { description: "What was removed.", schema: ListMembersRemovedJson } },
      handler: async (ctx) => ({ body: await marketing.lists.removeListMembers({ listId: ctx.params.id, personIds: ctx.body.personIds }, ctx.call) }),
    }),
  ];
}
