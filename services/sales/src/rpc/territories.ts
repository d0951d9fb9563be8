import {
  AlreadyExists,
  dependentsBy,
  NOT_DELETED,
  type Dependent,
  expectedVersion,
  id,
  implement,
  InvalidArgument,
  isDuplicateKey,
  RecycleBinInput,
  recycleBinHandlers,
  StateConflict,
  validate,
  type Actor,
  type ServiceRegistration,
  type TenantReads,
} from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { TerritoryServiceService, type TerritoryRule } from "@relata/proto/sales/v1/territory";
import type { Model } from "mongoose";
import { z } from "zod";
import { toTerritory } from "../codec/mappers";
import { checkDefaultOwner, checkTerritoryParent } from "../domain/territory";
import type { TerritoryRecord } from "../domain/types";
import { territoryEvent } from "../events/builders";
import { territory, TerritoryRuleRow } from "../resources";
import type { SalesDeps } from "./context";

const described = serviceSchemas(territory);

const ReplaceRulesInput = z.object({
  id: id(),
  expectedVersion: expectedVersion(),
  rules: z
    .object({ values: z.array(TerritoryRuleRow as unknown as z.ZodType<TerritoryRule>).max(50, "must have at most 50 rules") })
    .optional()
    .transform((r) => r?.values ?? []),
  dryRun: z.boolean().default(false),
});

/** The request schemas, by RPC (exported for tests). */
export const territorySchemas = {
  createTerritory: described.create,
  getTerritory: described.get,
  listTerritories: described.list,
  updateTerritory: described.update,
  deleteTerritory: RecycleBinInput,
  restoreTerritory: RecycleBinInput,
  replaceTerritoryRules: ReplaceRulesInput,
};

const parentReader = (records: TenantReads<TerritoryRecord>) => async (at: string) => {
  const found = await records.find(at);
  if (!found) throw new InvalidArgument("parent_id", `parent_id: the tenant has no territory ${at}`);
  return found.parentId || undefined;
};

const codeTaken = (code: string) => new AlreadyExists(`code: the tenant has a territory with code "${code}" (perhaps in the recycle bin)`, "code");

/** Records whose `territory` holds the territory's code (accounts and leads name it by code, not id). */
function inTerritory(territories: { model: unknown }, records: { model: unknown }, what: string): Dependent {
  return {
    what,
    count: async (tenantId, id) => {
      const t = await (territories.model as Model<TerritoryRecord>).findOne({ _id: id, tenantId }, { code: 1 }).lean<Pick<TerritoryRecord, "code">>();
      if (!t?.code) return 0;
      return (records.model as Model<{ tenantId: string; territory: string }>).countDocuments({ tenantId, territory: t.code, ...NOT_DELETED });
    },
  };
}

export function territoryService({ repos, territories, logger }: SalesDeps): ServiceRegistration {
  const crud = resourceHandlers(territory, repos.territories, territoryEvent, {
    async create(input, records) {
      // Also against the recycle bin (a restore must not meet a twin); the unique index is the backstop under concurrency.
      if (await (repos.territories.model as Model<TerritoryRecord>).exists({ tenantId: records.tenantId, code: input.code })) throw codeTaken(input.code);
      await checkTerritoryParent(undefined, input.parentId, parentReader(records));
      checkDefaultOwner(input.defaultOwnerId, input.memberIds);
      return input;
    },
    async update(set, current, records) {
      if (set.parentId !== undefined) await checkTerritoryParent(current._id, set.parentId ?? "", parentReader(records));
      if (set.defaultOwnerId !== undefined || set.memberIds !== undefined) {
        checkDefaultOwner(set.defaultOwnerId === undefined ? current.defaultOwnerId : (set.defaultOwnerId ?? ""), set.memberIds ?? current.memberIds);
      }
    },
  });
  const bin = recycleBinHandlers(repos.territories, toTerritory, territoryEvent, {
    delete: { dependents: [dependentsBy(repos.territories, "parentId", "child territory"), inTerritory(repos.territories, repos.accounts, "account"), inTerritory(repos.territories, repos.leads, "lead")] },
    restore: {
      refuse: async (t: TerritoryRecord, actor: Actor) => {
        if (t.parentId && !(await repos.territories.in(actor).find(t.parentId))) {
          throw new StateConflict(`parent_id: the territory ${t.parentId} is deleted; restore it first`, "parent_id");
        }
      },
    },
  });
  return implement(
    TerritoryServiceService,
    {
      async createTerritory(request, ctx) {
        try {
          return await crud.create(request, ctx);
        } catch (err) {
          // A concurrent create of the same code lost the race on the unique index.
          if (isDuplicateKey(err)) throw codeTaken((request as { code?: string }).code ?? "");
          throw err;
        }
      },
      getTerritory: crud.get,
      listTerritories: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { territories: rows, page: { nextCursor } };
      },
      updateTerritory: crud.update,
      deleteTerritory: bin.delete,
      restoreTerritory: bin.restore,
      async replaceTerritoryRules(request, ctx) {
        const input = validate(ReplaceRulesInput, request);
        const result = await territories.replaceRules(ctx, input);
        return {
          territory: toTerritory(result.territory),
          dryRun: result.dryRun,
          moved: result.moved,
          accounts: result.counts.accounts,
          leads: result.counts.leads,
          opportunities: result.counts.opportunities,
        };
      },
    },
    logger,
  );
}
