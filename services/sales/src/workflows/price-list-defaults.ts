import { isDuplicateKey, NOT_DELETED, type Actor, type CallContext } from "@relata/platform";
import type { PriceListRecord } from "../domain/catalogue";
import { priceListEvent } from "../events/commerce";
import type { CommerceModels, CommerceRepositories } from "../store/commerce";

const defaultKey = (tenantId: string, currency: string) => `${tenantId}/${currency}`;

/**
 * The tenant's default price lists: one claim document per currency (store/commerce.ts), so two
 * defaults of a currency cannot exist whatever races. The lists' own isDefault follows the claim.
 */
export class PriceListDefaults {
  constructor(
    private readonly models: CommerceModels,
    private readonly repos: CommerceRepositories,
  ) {}

  /** The ids of the tenant's default lists. */
  async holders(tenantId: string): Promise<Set<string>> {
    const claims = await this.models.priceListDefaults.find({ tenantId }).lean();
    return new Set(claims.map((c) => c.priceListId));
  }

  /** The default list of a currency, if the tenant has one (and it is live). */
  async of(actor: CallContext | Actor, currency: string): Promise<PriceListRecord | null> {
    const lists = this.repos.priceLists.in(actor);
    const claim = await this.models.priceListDefaults.findOne({ _id: defaultKey(lists.tenantId, currency) }).lean();
    return claim ? lists.find(claim.priceListId) : null;
  }

  /** Makes `list` the default of its currency; the list that had it is told it lost it (updated event). */
  async claim(actor: CallContext | Actor, list: PriceListRecord): Promise<void> {
    const _id = defaultKey(list.tenantId, list.currency);
    const doc = { _id, tenantId: list.tenantId, currency: list.currency, priceListId: list._id, at: new Date() };
    const before = await this.models.priceListDefaults.findOne({ _id }).lean();
    try {
      await this.models.priceListDefaults.replaceOne({ _id }, doc, { upsert: true });
    } catch (err) {
      // Two first claims of a currency at once: the upsert that lost the insert replaces.
      if (!isDuplicateKey(err)) throw err;
      await this.models.priceListDefaults.replaceOne({ _id }, doc);
    }
    await this.settle(actor, list.currency, before?.priceListId);
  }

  /**
   * A restored list that was its currency's default takes it back if no other list took it
   * meanwhile (an insert of the claim: exactly one of racing claimers gets it); otherwise its
   * own flag follows the list that has it.
   */
  async reclaim(actor: CallContext | Actor, list: PriceListRecord): Promise<void> {
    if (!list.isDefault) return;
    const _id = defaultKey(list.tenantId, list.currency);
    try {
      await this.models.priceListDefaults.create([{ _id, tenantId: list.tenantId, currency: list.currency, priceListId: list._id, at: new Date() }]);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    await this.settle(actor, list.currency, undefined);
  }

  /** Gives up the default of the list's currency if the list holds it. */
  async release(list: PriceListRecord): Promise<void> {
    await this.models.priceListDefaults.deleteOne({ _id: defaultKey(list.tenantId, list.currency), priceListId: list._id });
  }

  /** Every live list of the currency flagged default that no longer holds the claim loses its flag. */
  private async settle(actor: CallContext | Actor, currency: string, previous: string | undefined): Promise<void> {
    const lists = this.repos.priceLists.in(actor);
    const holder = (await this.models.priceListDefaults.findOne({ _id: defaultKey(lists.tenantId, currency) }).lean())?.priceListId;
    const flagged = await this.models.priceLists.find({ tenantId: lists.tenantId, currency, isDefault: true, ...NOT_DELETED }, { _id: 1 }).lean();
    const ids = new Set([...flagged.map((f) => String(f._id)), ...(previous ? [previous] : [])]);
    for (const id of ids) {
      if (id === holder) continue;
      await lists
        .update(id, 0, (current) => (current.isDefault ? { set: { isDefault: false }, events: (next, a) => [priceListEvent("updated", next, a)] } : null))
        .catch(() => undefined); // deleted meanwhile: nothing to settle
    }
  }
}

