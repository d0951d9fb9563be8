import { randomUUID } from "node:crypto";
import {
  buildEvent,
  cancelSchedules,
  eventSchedule,
  InvalidArgument,
  NOT_DELETED,
  PermissionDenied,
  publishSchedule,
  type Actor,
  type CallContext,
  type ConsumerLoop,
  type EventBus,
  type Logger,
} from "@relata/platform";
import { QuoteChanged } from "@relata/proto/events/v1/sales";
import { toQuote } from "../codec/commerce";
import { validOn, type PriceListRecord } from "../domain/catalogue";
import { priceQuote, PricingProblem, type DiscountValue } from "../domain/pricing";
import { expires, expiryInstant, localDate, type QuoteLineRecord, type QuoteRecord } from "../domain/quote";
import { opportunityEvent } from "../events/builders";
import { QUOTE_EXPIRY_DUE, quoteEvent, quoteExpirySubject } from "../events/commerce";
import { SALES_STREAM } from "../events/stream";
import { CATALOGUE_WRITERS } from "../resources";
import type { CommerceDeps } from "./commerce-deps";
import { PriceListDefaults } from "./price-list-defaults";

/** A line as the caller writes it (checked shapes; the rules are checked here). */
export interface LineInput {
  id: string;
  productId: string;
  quantity: string;
  unitPrice: string;
  discount?: DiscountValue;
  taxRate: string;
}

/** The actor of what the expiry clock does. */
export const QUOTE_CLOCK_ACTOR_ID = "system:quote-expiry";
const clockActor = (tenantId: string): Actor => ({ tenantId, actorId: QUOTE_CLOCK_ACTOR_ID, requestId: "" });

/** The durable consumer of fired expiry schedules (shared by replicas). */
export const QUOTE_EXPIRY_DURABLE = "sales-quote-expiry";

/** Pricing, expiry schedules and the primary quote's hold on its opportunity's amount (docs/commerce.md). */
export class QuoteBook {
  readonly defaults: PriceListDefaults;

  constructor(private readonly deps: CommerceDeps) {
    this.defaults = new PriceListDefaults(deps.commerceModels, deps.commerce);
  }

  /**
   * The price list a quote is priced from on `date`: the one named (in the quote's currency) or
   * the tenant's default of the currency; it must be valid that day.
   */
  async priceList(ctx: CallContext, currency: string, priceListId: string, date: string): Promise<PriceListRecord> {
    let list: PriceListRecord | null;
    if (priceListId) {
      list = await this.deps.commerce.priceLists.in(ctx).require(priceListId, "price_list_id");
      if (currency && list.currency !== currency) {
        throw new InvalidArgument("price_list_id", `price_list_id: the price list is in ${list.currency}, the quote in ${currency}`);
      }
    } else {
      if (!currency) throw new InvalidArgument("currency", "currency: is required when no price_list_id is given");
      list = await this.defaults.of(ctx, currency);
      if (!list) throw new InvalidArgument("currency", `currency: the tenant has no default price list in ${currency}; name a price_list_id`);
    }
    const field = priceListId ? "price_list_id" : "currency";
    if (!validOn(list, date)) throw new InvalidArgument(field, `${field}: the price list ${list._id} is not valid on ${date}`);
    return list;
  }

  /**
   * The lines priced: products of the tenant (active for a new line), the list's price unless
   * overridden (tenant-admin and sales-manager only; a line keeping its earlier override is no
   * new override), amounts and totals by the rounding rule.
   */
  async price(ctx: CallContext, list: PriceListRecord, inputs: readonly LineInput[], previous: readonly QuoteLineRecord[], discount: DiscountValue | undefined) {
    const products = this.deps.commerce.products.in(ctx);
    const mayOverride = ctx.identity.roles.some((r) => (CATALOGUE_WRITERS as readonly string[]).includes(r));
    const lines: Omit<QuoteLineRecord, "grossAmount" | "discountAmount" | "quoteDiscountAmount" | "netAmount" | "taxAmount" | "totalAmount">[] = [];
    const ids = new Set<string>();
    for (const [i, input] of inputs.entries()) {
      const before = input.id ? previous.find((l) => l.id === input.id) : undefined;
      if (input.id && !before) throw new InvalidArgument(`lines.${i}.id`, `lines.${i}.id: the quote has no line ${input.id}`);
      const id = input.id || randomUUID();
      if (ids.has(id)) throw new InvalidArgument(`lines.${i}.id`, `lines.${i}.id: the line is listed twice`);
      ids.add(id);
      const product = await products.require(input.productId, `lines.${i}.product_id`);
      if (!product.active && before?.productId !== product._id) {
        throw new InvalidArgument(`lines.${i}.product_id`, `lines.${i}.product_id: the product ${product.code} is not active`);
      }
      let unitPrice: string;
      let priceOverridden = false;
      if (input.unitPrice) {
        const keeps = before?.priceOverridden && before.productId === product._id && sameDecimal(before.unitPrice, input.unitPrice);
        if (!keeps && !mayOverride) {
          throw new PermissionDenied(`lines.${i}.unit_price: only a tenant-admin or sales-manager may override the price list's price`, `lines.${i}.unit_price`);
        }
        unitPrice = input.unitPrice;
        priceOverridden = true;
      } else {
        const entry = list.entries.find((e) => e.productId === product._id);
        if (!entry) throw new InvalidArgument(`lines.${i}.product_id`, `lines.${i}.product_id: the price list ${list.name} has no price for ${product.code}`);
        unitPrice = entry.unitPrice;
      }
      lines.push({
        id,
        productId: product._id,
        productCode: product.code,
        name: product.name,
        unit: product.unit,
        quantity: input.quantity,
        unitPrice,
        priceOverridden,
        ...(input.discount ? { discount: input.discount } : {}),
        taxRate: input.taxRate || "0",
      });
    }
    try {
      const priced = priceQuote(lines, discount);
      return { lines: lines.map((l, i) => ({ ...l, ...priced.lines[i]! })), totals: priced.totals };
    } catch (err) {
      if (err instanceof PricingProblem) throw new InvalidArgument(err.field, err.message);
      throw err;
    }
  }

  /** The instant the quote expires, if it has a validity. */
  expiresAt(q: Pick<QuoteRecord, "validUntil" | "validTimeZone">): Date | undefined {
    // The last day a date can name has no next day to expire at: valid for good.
    if (!q.validUntil || q.validUntil >= "9999-12-31") return undefined;
    return expiryInstant(q.validUntil, q.validTimeZone || "UTC");
  }

  /**
   * Keeps the quote's expiry schedule in line with it: a draft or sent quote with a validity has
   * one (at the start of the day after valid_until in its zone), any other none. The server
   * fires it, so the quote expires on time also while Sales is down.
   */
  async syncExpiry(q: QuoteRecord): Promise<void> {
    const at = this.expiresAt(q);
    if (!at || !expires(q.status) || q.deletedAt) {
      await cancelSchedules(this.deps.bus, SALES_STREAM.name, quoteExpirySubject(q._id));
      return;
    }
    const decision = `${q._id}:${q.revision}:${q.validUntil}:${q.validTimeZone}`;
    const fireAt = this.deps.expiryTestDelayMs > 0 ? new Date(Math.min(at.getTime(), Date.now() + this.deps.expiryTestDelayMs)) : at;
    const event = buildEvent(QUOTE_EXPIRY_DUE, q._id, clockActor(q.tenantId), new Date(), (meta) => QuoteChanged.encode({ meta, quote: toQuote(q) }).finish(), `expiry:${decision}`);
    await publishSchedule(this.deps.bus, eventSchedule(quoteExpirySubject(q._id), fireAt, event, `expiry:${decision}`));
  }

  /** A fired schedule: the quote expires if it is still the revision, validity and status the schedule was set for. */
  async onExpiryDue(due: QuoteChanged): Promise<void> {
    const tenantId = due.meta?.tenantId ?? due.quote?.tenantId ?? "";
    const was = due.quote;
    if (!tenantId || !was?.id) return;
    const quotes = this.deps.commerce.quotes.in(clockActor(tenantId));
    const current = await quotes.find(was.id);
    if (!current || current.revision !== was.revision || current.validUntil !== was.validUntil || current.validTimeZone !== was.validTimeZone) {
      this.deps.logger.info({ quoteId: was.id }, "quote expiry no longer current (revised, validity changed or deleted); ignored");
      return;
    }
    await quotes.update(current._id, 0, (q) => {
      if (!expires(q.status) || q.revision !== was.revision) return null;
      return { set: { status: "expired", primary: q.primary }, events: (next, actor) => [quoteEvent("expired", next, actor)] };
    });
  }

  async startExpiryClock(logger: Logger, durable = QUOTE_EXPIRY_DURABLE): Promise<ConsumerLoop<QuoteChanged>> {
    return this.deps.bus.consume<QuoteChanged>({
      stream: SALES_STREAM.name,
      durable,
      filterSubjects: [QUOTE_EXPIRY_DUE],
      decode: (data) => QuoteChanged.decode(data),
      handle: async ({ event }) => {
        try {
          await this.onExpiryDue(event);
        } catch (err) {
          logger.warn({ err: String(err), quoteId: event.quote?.id }, "quote expiry failed; will retry");
          throw err;
        }
      },
    });
  }

  /**
   * The opportunity's amount follows its primary quote's net total (and primaryQuoteId names
   * it): written through the opportunities' repository, so sales.opportunity.updated reports it.
   */
  async followPrimary(ctx: CallContext | Actor, q: QuoteRecord): Promise<void> {
    if (!q.primary) return;
    await this.deps.repos.opportunities.in(ctx).update(q.opportunityId, 0, (o) => {
      const amount = { amount: q.totals.net, currency: q.currency };
      if (o.primaryQuoteId === q._id && o.amount?.amount === amount.amount && o.amount?.currency === amount.currency) return null;
      return { set: { amount, primaryQuoteId: q._id }, events: (next, actor) => [opportunityEvent("updated", next, actor)] };
    });
  }

  /**
   * Makes `q` its opportunity's one primary quote: the opportunity names it first (the record
   * that decides), then the quotes' flags are brought in line with whichever quote the
   * opportunity names now (two quotes made primary at once: the later write wins, and both
   * settles leave that one flagged and the other not).
   */
  async makePrimary(ctx: CallContext, q: QuoteRecord): Promise<void> {
    await this.followPrimary(ctx, q);
    const holder = (await this.deps.repos.opportunities.in(ctx).get(q.opportunityId)).primaryQuoteId;
    const flagged = await this.deps.commerceModels.quotes
      .find({ tenantId: q.tenantId, opportunityId: q.opportunityId, primary: true, ...NOT_DELETED }, { _id: 1 })
      .lean();
    const quotes = this.deps.commerce.quotes.in(ctx);
    const setFlag = (id: string, primary: boolean) =>
      quotes
        .update(id, 0, (o) => (o.primary === primary ? null : { set: { primary }, events: (next, actor) => [quoteEvent("updated", next, actor)] }))
        .catch(() => undefined); // deleted meanwhile
    for (const other of flagged) if (String(other._id) !== holder) await setFlag(String(other._id), false);
    if (holder && !flagged.some((f) => String(f._id) === holder)) await setFlag(holder, true);
  }
}

/** "10.50" and "10.5" are the same price. */
function sameDecimal(a: string, b: string): boolean {
  const norm = (x: string) => (x.includes(".") ? x.replace(/0+$/, "").replace(/\.$/, "") : x);
  return norm(a) === norm(b);
}

/** Today's calendar day in a zone: the day a quote is priced on. */
export const pricingDate = (zone: string, now = new Date()) => localDate(now, zone || "UTC");
