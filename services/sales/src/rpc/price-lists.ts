import { implement, InvalidArgument, recycleBinHandlers, type CallContext, type ServiceRegistration } from "@relata/platform";
import { resourceHandlers, serviceSchemas, toMessage } from "@relata/platform/resource";
import { PriceListServiceService, type PriceList } from "@relata/proto/sales/v1/price_list";
import { repeatedEntry, type PriceListRecord } from "../domain/catalogue";
import { priceListEvent } from "../events/commerce";
import { priceList } from "../resources";
import type { CommerceRepositories } from "../store/commerce";
import { PriceListDefaults } from "../workflows/price-list-defaults";
import type { CommerceDeps } from "./commerce-context";

export const priceListSchemas = serviceSchemas(priceList);

/** Entries name products of the tenant, once each. */
async function checkList(
  repos: CommerceRepositories,
  ctx: CallContext,
  list: { entries?: { productId: string; unitPrice: string }[] },
): Promise<void> {
  if (!list.entries) return;
  const repeat = repeatedEntry(list.entries);
  if (repeat >= 0) throw new InvalidArgument(`entries.${repeat}.product_id`, `entries.${repeat}.product_id: the product is listed twice`);
  const products = repos.products.in(ctx);
  for (const [i, e] of list.entries.entries()) await products.require(e.productId, `entries.${i}.product_id`);
}


export function priceListService({ commerce, commerceModels, logger }: CommerceDeps): ServiceRegistration {
  const defaults = new PriceListDefaults(commerceModels, commerce);
  const crud = resourceHandlers(priceList, commerce.priceLists, priceListEvent, {
    async create(input, _records, ctx) {
      await checkList(commerce, ctx, input);
      return { ...input, isDefault: Boolean(input.isDefault) };
    },
    async update(set, _current, _records, ctx) {
      await checkList(commerce, ctx, { entries: set.entries ?? undefined });
    },
  });
  const bin = recycleBinHandlers(commerce.priceLists, (r) => toMessage(priceList, r), priceListEvent);

  /** The list as served: isDefault is whether it holds its currency's claim. */
  const serve = async (tenantId: string, rows: PriceList[]): Promise<PriceList[]> => {
    const holders = await defaults.holders(tenantId);
    return rows.map((r) => ({ ...r, isDefault: holders.has(r.id) }));
  };
  const afterWrite = async (ctx: CallContext, id: string, wantsDefault: boolean | undefined) => {
    const list = await commerce.priceLists.in(ctx).get(id);
    if (wantsDefault === true) await defaults.claim(ctx, list);
    if (wantsDefault === false) await defaults.release(list);
  };

  return implement(
    PriceListServiceService,
    {
      async createPriceList(request, ctx) {
        const created = await crud.create(request, ctx);
        if (request.isDefault) await afterWrite(ctx, created.id, true);
        return (await serve(ctx.identity.tenantId, [created]))[0]!;
      },
      getPriceList: async (request, ctx) => (await serve(ctx.identity.tenantId, [await crud.get(request, ctx)]))[0]!,
      listPriceLists: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { priceLists: await serve(ctx.identity.tenantId, rows), page: { nextCursor } };
      },
      async updatePriceList(request, ctx) {
        const updated = await crud.update(request, ctx);
        if (request.isDefault !== undefined) await afterWrite(ctx, updated.id, request.isDefault);
        return (await serve(ctx.identity.tenantId, [await crud.get({ id: updated.id }, ctx)]))[0]!;
      },
      async deletePriceList(request, ctx) {
        const deleted = await bin.delete(request, ctx);
        await defaults.release({ ...(deleted as unknown as PriceListRecord), _id: deleted.id, tenantId: ctx.identity.tenantId });
        return { ...deleted, isDefault: false };
      },
      async restorePriceList(request, ctx) {
        const restored = await bin.restore(request, ctx);
        await defaults.reclaim(ctx, await commerce.priceLists.in(ctx).get(restored.id));
        return (await serve(ctx.identity.tenantId, [await crud.get({ id: restored.id }, ctx)]))[0]!;
      },
    },
    logger,
  );
}
