import { implement, NOT_DELETED, RecycleBinInput, recycleBinHandlers, type NewFields, type ServiceRegistration } from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { QuotaServiceService } from "@relata/proto/reporting/v1/quota";
import { toQuota } from "../codec/mappers";
import { assertQuotaShape, duplicateQuota, sameQuotaFilter, type QuotaRecord } from "../domain/sales-quota";
import { quotaEvent } from "../events/builders";
import { quota } from "../resources";
import type { ReportingDeps } from "./context";

const described = serviceSchemas(quota);

/** The request schemas, by RPC (exported for tests). */
export const quotaSchemas = {
  createQuota: described.create,
  getQuota: described.get,
  listQuotas: described.list,
  updateQuota: described.update,
  deleteQuota: RecycleBinInput,
  restoreQuota: RecycleBinInput,
};

/**
 * Quotas: CRUD with the recycle bin, one live quota per owner or territory, period and
 * currency. The rule is a look-up before the write (the kit has no partial unique index that
 * would ignore the recycle bin); two concurrent creates of the same quota may both pass it.
 */
export function quotaService({ models, repos, logger }: ReportingDeps): ServiceRegistration {
  const liveTwin = (tenantId: string, q: QuotaRecord | (Parameters<typeof sameQuotaFilter>[0] & { _id?: string })) =>
    models.quotas.exists({ tenantId, ...sameQuotaFilter(q), ...NOT_DELETED, ...(q._id ? { _id: { $ne: q._id } } : {}) });

  const crud = resourceHandlers(quota, repos.quotas, quotaEvent, {
    async create(input, _records, ctx) {
      // No default owner: a territory's quota has none (f.owner's "the caller" would be wrong here).
      const fields = { ...input, ownerId: input.ownerId || undefined, territory: input.territory || undefined };
      assertQuotaShape({ ...fields, period: fields.period });
      if (await liveTwin(ctx.identity.tenantId, fields)) throw duplicateQuota(fields);
      return fields as unknown as NewFields<QuotaRecord>;
    },
    async update(set, current, _records, ctx) {
      // Only the amount changes; a new currency may meet another quota of the same target.
      if (set.amount && set.amount.currency !== current.amount?.currency) {
        const next = { ...current, amount: set.amount };
        if (await liveTwin(ctx.identity.tenantId, next)) throw duplicateQuota(next);
      }
    },
  });
  const bin = recycleBinHandlers(repos.quotas, toQuota, quotaEvent, {
    restore: {
      // While it was in the bin another quota may have taken its place.
      refuse: async (current, actor) => {
        if (await liveTwin(actor.tenantId, current)) throw duplicateQuota(current);
      },
    },
  });
  return implement(
    QuotaServiceService,
    {
      createQuota: (request, ctx) => crud.create(request, ctx),
      getQuota: (request, ctx) => crud.get(request, ctx),
      listQuotas: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { quotas: rows, page: { nextCursor } };
      },
      updateQuota: (request, ctx) => crud.update(request, ctx),
      deleteQuota: bin.delete,
      restoreQuota: bin.restore,
    },
    logger,
  );
}
