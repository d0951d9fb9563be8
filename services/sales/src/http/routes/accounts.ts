import { CreateAccountRequest, ListAccountsRequest, UpdateAccountRequest } from "@relata/proto/sales/v1/account";
import { account } from "../../resources";
import type { SalesClients } from "../../client";
import { TimelineEntryJson, timelineEntryJson, TimelineQuery } from "../schemas/timeline";
import { crudRoutes, IdParams, listReply, page, pageOf, route, type RouteSpec } from "@relata/platform/http";

const TimelinePage = pageOf("TimelinePage", TimelineEntryJson);

export function accountRoutes(sales: SalesClients): RouteSpec[] {
  return [
    ...crudRoutes(
      account,
      {
        list: async (request, call) => {
          const res = await sales.accounts.listAccounts(ListAccountsRequest.fromPartial(request), call);
          return { records: res.accounts, nextCursor: res.page?.nextCursor };
        },
        create: (request, call) => sales.accounts.createAccount(CreateAccountRequest.fromPartial(request), call),
        get: (request, call) => sales.accounts.getAccount(request, call),
        update: (request, call) => sales.accounts.updateAccount(UpdateAccountRequest.fromPartial(request), call),
        delete: (request, call) => sales.accounts.deleteAccount(request, call),
        restore: (request, call) => sales.accounts.restoreAccount(request, call),
      },
      { tag: "Accounts", refusedWhen: "while contacts, opportunities or child accounts depend on it" },
    ),
    route({
      operationId: "listAccountTimeline",
      method: "get",
      path: "/v1/accounts/:id/timeline",
      operation: "accounts.timeline",
      tag: "Accounts",
      summary: "An account's timeline of interactions, newest first",
      params: IdParams,
      query: TimelineQuery,
      responses: { 200: page(TimelinePage) },
      handler: async (ctx) => {
        const res = await sales.timeline.listAccountTimeline(
          { accountId: ctx.params.id, page: { pageSize: ctx.query.limit ?? 0, cursor: ctx.query.cursor ?? "", sort: "" } },
          ctx.call,
        );
        return listReply(ctx, res.entries.map(timelineEntryJson), res.page?.nextCursor);
      },
    }),
  ];
}
