import {
  implement,
  InvalidArgument,
  RecycleBinInput,
  recycleBinHandlers,
  type ServiceRegistration,
  type TenantReads,
} from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { AccountServiceService } from "@relata/proto/sales/v1/account";
import { toAccount } from "../codec/mappers";
import type { AccountRecord } from "../domain/types";
import { accountEvent } from "../events/builders";
import { account } from "../resources";
import { salesDependents, salesRestoreChecks } from "../store/repositories";
import type { ChangePlacement } from "../workflows/territories";
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
export async function checkParent(accounts: TenantReads<AccountRecord>, accountId: string | undefined, parentId: string): Promise<void> {
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

export function accountService({ repos, logger, territories }: SalesDeps): ServiceRegistration {
  // An update's territory placement, by call: the open opportunities follow an owner it changed once the account is written.
  const placements = new WeakMap<object, ChangePlacement>();
  const crud = resourceHandlers(account, repos.accounts, accountEvent, {
    async create(input, accounts, ctx) {
      await checkParent(accounts, undefined, input.parentAccountId);
      return territories.placeNew(ctx, "account", { ...input, ownerId: input.ownerId || accounts.actor.actorId });
    },
    async update(set, current, accounts, ctx) {
      if (set.parentAccountId !== undefined) await checkParent(accounts, current._id, set.parentAccountId ?? "");
      const placement = territories.changePlacement(ctx, "account");
      placements.set(ctx, placement);
      await placement.place(set, current);
    },
  });
  const bin = recycleBinHandlers(repos.accounts, toAccount, accountEvent, {
    delete: { dependents: salesDependents(repos).account },
    restore: salesRestoreChecks(repos).account,
  });
  return implement(
    AccountServiceService,
    {
      createAccount: crud.create,
      getAccount: crud.get,
      listAccounts: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { accounts: rows, page: { nextCursor } };
      },
      updateAccount: async (request, ctx) => {
        const updated = await crud.update(request, ctx);
        await placements.get(ctx)?.followOwners([{ _id: updated.id, ownerId: updated.ownerId }]);
        return updated;
      },
      deleteAccount: bin.delete,
      restoreAccount: bin.restore,
    },
    logger,
  );
}
