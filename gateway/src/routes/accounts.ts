import { CreateAccountRequest, ListAccountsRequest, UpdateAccountRequest } from "@relata/proto/sales/v1/account";
import type { SalesClients } from "../backends";
import { AccountCreate, AccountJson, accountJson, AccountListQuery, AccountUpdate, TimelineEntryJson, timelineEntryJson, TimelineQuery } from "../schemas/accounts";
import { IdParams, pageOf } from "../schemas/common";
import { clearable, listReply, recycleBinRoutes, route, type RouteSpec } from "./define";
import { created, ok, page } from "./responses";

const AccountPage = pageOf("AccountPage", AccountJson);
const TimelinePage = pageOf("TimelinePage", TimelineEntryJson);

export function accountRoutes(sales: SalesClients): RouteSpec[] {
  return [
    route({
      operationId: "listAccounts",
      method: "get",
      path: "/v1/accounts",
      operation: "accounts.read",
      tag: "Accounts",
      summary: "List accounts",
      query: AccountListQuery,
      responses: { 200: page(AccountPage) },
      handler: async (ctx) => {
        const q = ctx.query;
        const res = await sales.accounts.listAccounts(
          ListAccountsRequest.fromPartial({
            page: { pageSize: q.limit ?? 0, cursor: q.cursor ?? "", sort: q.sort ?? "" },
            industry: q.industry ?? "",
            territory: q.territory ?? "",
            ownerId: q.ownerId ?? "",
            parentAccountId: q.parentAccountId ?? "",
          }),
          ctx.call,
        );
        return listReply(ctx, res.accounts.map(accountJson), res.page?.nextCursor);
      },
    }),
    route({
      operationId: "createAccount",
      method: "post",
      path: "/v1/accounts",
      operation: "accounts.write",
      tag: "Accounts",
      summary: "Create an account",
      body: AccountCreate,
      idempotencyKey: true,
      responses: { 201: created(AccountJson) },
      handler: async (ctx) => {
        const b = ctx.body;
        const account = await sales.accounts.createAccount(
          CreateAccountRequest.fromPartial({
            name: b.name,
            parentAccountId: b.parentAccountId ?? "",
            industry: b.industry ?? "",
            territory: b.territory ?? "",
            ownerId: b.ownerId ?? "",
            website: b.website ?? "",
            idempotencyKey: ctx.idempotencyKey,
          }),
          ctx.call,
        );
        return { status: 201, body: accountJson(account), version: account.version, location: `/v1/accounts/${account.id}` };
      },
    }),
    route({
      operationId: "getAccount",
      method: "get",
      path: "/v1/accounts/:id",
      operation: "accounts.read",
      tag: "Accounts",
      summary: "Read an account",
      params: IdParams,
      responses: { 200: ok(AccountJson) },
      handler: async (ctx) => {
        const account = await sales.accounts.getAccount({ id: ctx.params.id }, ctx.call);
        return { body: accountJson(account), version: account.version };
      },
    }),
    route({
      operationId: "updateAccount",
      method: "patch",
      path: "/v1/accounts/:id",
      operation: "accounts.write",
      tag: "Accounts",
      summary: "Change an account",
      params: IdParams,
      body: AccountUpdate,
      ifMatch: "required",
      responses: { 200: ok(AccountJson, "The changed account.") },
      handler: async (ctx) => {
        const b = ctx.body;
        const account = await sales.accounts.updateAccount(
          UpdateAccountRequest.fromPartial({
            id: ctx.params.id,
            expectedVersion: ctx.expectedVersion,
            name: b.name,
            parentAccountId: clearable(b.parentAccountId),
            industry: clearable(b.industry),
            territory: clearable(b.territory),
            ownerId: b.ownerId,
            website: clearable(b.website),
          }),
          ctx.call,
        );
        return { body: accountJson(account), version: account.version };
      },
    }),
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
    ...recycleBinRoutes({
      path: "/v1/accounts",
      name: "Account",
      what: "account",
      tag: "Accounts",
      operation: "accounts.delete",
      schema: AccountJson,
      toJson: accountJson,
      refusedWhen: "while contacts, opportunities or child accounts depend on it",
      calls: {
        delete: (request, call) => sales.accounts.deleteAccount(request, call),
        restore: (request, call) => sales.accounts.restoreAccount(request, call),
      },
    }),
  ];
}
