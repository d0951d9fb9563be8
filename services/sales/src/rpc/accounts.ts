import {
  changedFields,
  implement,
  InvalidArgument,
  RecycleBinInput,
  recycleBinHandlers,
  type ServiceRegistration,
  type TenantReads,
} from "@relata/platform";
import { parseRequest, serviceSchemas } from "@relata/platform/resource";
import { AccountServiceService } from "@relata/proto/sales/v1/account";
import { toAccount } from "../codec/mappers";
import type { AccountRecord } from "../domain/types";
import { accountEvent } from "../events/builders";
import { account } from "../resources";
import { salesDependents, salesRestoreChecks } from "../store/repositories";
import type { SalesDeps } from "./context";

const described = serviceSchemas(account);

const MAX_HIERARCHY_DEPTH = 50;

/** The request schemas, by RPC (exported for tests). */
export const accountSchemas = {
  createAccount: described.create,
  getAccount: described.get,
  listAccounts: described.list,
  updateAccount: described.update,
  deleteAccount: RecycleBinInput,
  restoreAccount: RecycleBinInput,
};

/** A parent must exist in the tenant and must not be the account itself or one of its descendants. */
async function checkParent(accounts: TenantReads<AccountRecord>, accountId: string | undefined, parentId: string): Promise<void> {
  if (!parentId) return;
  if (parentId === accountId) throw new InvalidArgument("parent_account_id", "parent_account_id: an account cannot be its own parent");
  let ancestor = await accounts.require(parentId, "parent_account_id");
  for (let depth = 0; accountId && ancestor.parentAccountId && depth < MAX_HIERARCHY_DEPTH; depth++) {
    if (ancestor.parentAccountId === accountId) {
      throw new InvalidArgument("parent_account_id", "parent_account_id: the account would become its own ancestor");
    }
    const up = await accounts.find(ancestor.parentAccountId);
    if (!up) break;
    ancestor = up;
  }
}

export function accountService({ repos, logger }: SalesDeps): ServiceRegistration {
  const bin = recycleBinHandlers(repos.accounts, toAccount, accountEvent, {
    delete: { dependents: salesDependents(repos).account },
    restore: salesRestoreChecks(repos).account,
  });
  return implement(
    AccountServiceService,
    {
      async createAccount(request, ctx) {
        const input = parseRequest(described.create, request);
        const accounts = repos.accounts.in(ctx);
        const record = await accounts.create({
          idempotencyKey: input.idempotencyKey,
          request: input,
          build: async () => {
            await checkParent(accounts, undefined, input.parentAccountId);
            const { idempotencyKey: _key, ...fields } = input;
            return { ...fields, ownerId: input.ownerId || accounts.actor.actorId };
          },
          events: (r, actor) => [accountEvent("created", r, actor)],
        });
        return toAccount(record);
      },

      async getAccount(request, ctx) {
        const input = parseRequest(described.get, request);
        return toAccount(await repos.accounts.in(ctx).get(input.id));
      },

      async listAccounts(request, ctx) {
        const input = parseRequest(described.list, request);
        const { rows, nextCursor } = await repos.accounts.in(ctx).list(input, request.page);
        return { accounts: rows.map(toAccount), page: { nextCursor } };
      },

      async updateAccount(request, ctx) {
        const input = parseRequest(described.update, request);
        const accounts = repos.accounts.in(ctx);
        const { id, expectedVersion, ...fields } = input;
        const record = await accounts.update(id, expectedVersion, async (current) => {
          const set = changedFields(current, fields);
          if (Object.keys(set).length === 0) return null;
          if (set.parentAccountId !== undefined) await checkParent(accounts, current._id, set.parentAccountId);
          return { set, events: (next, actor) => [accountEvent("updated", next, actor)] };
        });
        return toAccount(record);
      },

      deleteAccount: bin.delete,
      restoreAccount: bin.restore,
    },
    logger,
  );
}
