import {
  changedFields,
  expectedVersion,
  id,
  implement,
  InvalidArgument,
  optionalId,
  optionalText,
  optionalWebsite,
  RecycleBinInput,
  recycleBinHandlers,
  requiredText,
  text,
  validate,
  website,
  type ServiceRegistration,
  type TenantReads,
} from "@relata/platform";
import { AccountServiceService } from "@relata/proto/sales/v1/account";
import { z } from "zod";
import { toAccount } from "../codec/mappers";
import type { AccountRecord } from "../domain/types";
import { accountEvent } from "../events/builders";
import { salesDependents, salesRestoreChecks } from "../store/repositories";
import type { SalesDeps } from "./context";

const CreateAccountInput = z.object({
  name: requiredText(),
  parentAccountId: optionalId(),
  industry: text(),
  territory: text(),
  ownerId: text(),
  website: website(),
  idempotencyKey: text(),
});

const GetAccountInput = z.object({ id: id() });

const ListAccountsInput = z.object({
  industry: text(),
  territory: text(),
  ownerId: text(),
  parentAccountId: text(),
});

const UpdateAccountInput = z.object({
  id: id(),
  expectedVersion: expectedVersion(),
  name: requiredText().optional(),
  parentAccountId: optionalText(),
  industry: optionalText(),
  territory: optionalText(),
  ownerId: optionalText(),
  website: optionalWebsite(),
});

const MAX_HIERARCHY_DEPTH = 50;

/** The request schemas, by RPC (exported for tests). */
export const accountSchemas = {
  createAccount: CreateAccountInput,
  getAccount: GetAccountInput,
  listAccounts: ListAccountsInput,
  updateAccount: UpdateAccountInput,
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
        const input = validate(CreateAccountInput, request);
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
        const input = validate(GetAccountInput, request);
        return toAccount(await repos.accounts.in(ctx).get(input.id));
      },

      async listAccounts(request, ctx) {
        const input = validate(ListAccountsInput, request);
        const { rows, nextCursor } = await repos.accounts.in(ctx).list(input, request.page);
        return { accounts: rows.map(toAccount), page: { nextCursor } };
      },

      async updateAccount(request, ctx) {
        const input = validate(UpdateAccountInput, request);
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
