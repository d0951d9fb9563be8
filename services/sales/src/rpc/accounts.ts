import { randomUUID } from "node:crypto";
import { implement, InvalidArgument, type ServiceRegistration } from "@relata/platform";
import { AccountServiceService } from "@relata/proto/sales/v1/account";
import { z } from "zod";
import type { AccountRecord } from "../domain/types";
import { accountEvent } from "../events/builders";
import { toAccount } from "../store/mappers";
import { changedFields, filterOf, findInTenant, getInTenant, listPage, requireReference } from "../store/queries";
import { createIdempotent, updateVersioned } from "../store/write";
import { actorOf, newRecord, type SalesDeps } from "./context";
import { expectedVersion, id, optionalId, optionalText, requiredText, text, validate, optionalWebsite, website } from "./validation";

export const ACCOUNT_SORTS = ["createdAt", "updatedAt", "name"] as const;

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
};

export function accountService(deps: SalesDeps): ServiceRegistration {
  const { models, nudge } = deps;

  /** A parent must exist in the tenant and must not be the account itself or one of its descendants. */
  async function checkParent(tenantId: string, accountId: string | undefined, parentId: string): Promise<void> {
    if (!parentId) return;
    if (parentId === accountId) throw new InvalidArgument("parent_account_id", "parent_account_id: an account cannot be its own parent");
    let ancestor = await requireReference(models.accounts, tenantId, parentId, "parent_account_id", "account");
    for (let depth = 0; accountId && ancestor.parentAccountId && depth < MAX_HIERARCHY_DEPTH; depth++) {
      if (ancestor.parentAccountId === accountId) {
        throw new InvalidArgument("parent_account_id", "parent_account_id: the account would become its own ancestor");
      }
      const up = await findInTenant(models.accounts, tenantId, ancestor.parentAccountId);
      if (!up) break;
      ancestor = up;
    }
  }

  return implement(
    AccountServiceService,
    {
      async createAccount(request, ctx) {
        const input = validate(CreateAccountInput, request);
        const actor = actorOf(ctx);
        const record = await createIdempotent<AccountRecord>(
          models.accounts,
          {
            what: "account",
            tenantId: actor.tenantId,
            idempotencyKey: input.idempotencyKey,
            request: input,
            build: async () => {
              await checkParent(actor.tenantId, undefined, input.parentAccountId);
              return {
                ...newRecord(actor.tenantId, randomUUID()),
                name: input.name,
                parentAccountId: input.parentAccountId,
                industry: input.industry,
                territory: input.territory,
                ownerId: input.ownerId || actor.actorId,
                website: input.website,
              };
            },
            events: (r) => [accountEvent("created", r, actor)],
          },
          nudge,
        );
        return toAccount(record);
      },

      async getAccount(request, ctx) {
        const input = validate(GetAccountInput, request);
        return toAccount(await getInTenant(models.accounts, ctx.identity.tenantId, input.id, "account"));
      },

      async listAccounts(request, ctx) {
        const input = validate(ListAccountsInput, request);
        const filter = filterOf({
          industry: input.industry,
          territory: input.territory,
          ownerId: input.ownerId,
          parentAccountId: input.parentAccountId,
        });
        const { rows, nextCursor } = await listPage(models.accounts, ctx.identity.tenantId, filter, request.page, ACCOUNT_SORTS, "-createdAt");
        return { accounts: rows.map(toAccount), page: { nextCursor } };
      },

      async updateAccount(request, ctx) {
        const input = validate(UpdateAccountInput, request);
        const actor = actorOf(ctx);
        const record = await updateVersioned<AccountRecord>(
          models.accounts,
          {
            what: "account",
            tenantId: actor.tenantId,
            id: input.id,
            expectedVersion: input.expectedVersion,
            decide: async (current) => {
              const set = changedFields(current, {
                name: input.name,
                parentAccountId: input.parentAccountId,
                industry: input.industry,
                territory: input.territory,
                ownerId: input.ownerId,
                website: input.website,
              });
              if (Object.keys(set).length === 0) return null;
              if (set.parentAccountId !== undefined) await checkParent(actor.tenantId, current._id, set.parentAccountId);
              return { set, events: (next) => [accountEvent("updated", next, actor)] };
            },
          },
          nudge,
        );
        return toAccount(record);
      },
    },
    deps.logger,
  );
}
