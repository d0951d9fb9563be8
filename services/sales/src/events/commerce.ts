import { buildEvent, type Actor, type PendingEvent } from "@relata/platform";
import { eventSubjects, toMessage, type ResourceEvent, type ResourceRecord } from "@relata/platform/resource";
import { OrderChanged, PriceListChanged, ProductChanged, QuoteChanged } from "@relata/proto/events/v1/sales";
import { toOrder, toQuote } from "../codec/commerce";
import type { PriceListRecord, ProductRecord } from "../domain/catalogue";
import type { OrderRecord, QuoteRecord } from "../domain/quote";
import { priceList, product } from "../resources";

/** Subjects and builders of the catalogue, quote and order events (docs/commerce.md), on SALES. */

export const CATALOGUE_SUBJECTS = { product: eventSubjects(product), priceList: eventSubjects(priceList) };

export const QUOTE_SUBJECTS = {
  created: "sales.quote.created",
  updated: "sales.quote.updated",
  revised: "sales.quote.revised",
  sent: "sales.quote.sent",
  accepted: "sales.quote.accepted",
  rejected: "sales.quote.rejected",
  expired: "sales.quote.expired",
} as const;
export type QuoteEventKind = keyof typeof QUOTE_SUBJECTS;

export const ORDER_SUBJECTS = {
  created: "sales.order.created",
  fulfilled: "sales.order.fulfilled",
  cancelled: "sales.order.cancelled",
} as const;
export type OrderEventKind = keyof typeof ORDER_SUBJECTS;

/**
 * A quote's expiry: the schedule is held on `sales.schedule.quote.<quoteId>` and fires a
 * QuoteChanged (the quote as it was when the schedule was set) onto QUOTE_EXPIRY_DUE.
 */
export const QUOTE_EXPIRY_DUE = "sales.schedule.quote_expiry_due";
export const quoteExpirySubject = (quoteId: string) => `sales.schedule.quote.${quoteId}`;

export function productEvent(kind: ResourceEvent, r: ProductRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(CATALOGUE_SUBJECTS.product[kind], r._id, actor, at, (meta) =>
    ProductChanged.encode({ meta, product: toMessage(product, r as ResourceRecord<typeof product.fields>) }).finish(),
  );
}

export function priceListEvent(kind: ResourceEvent, r: PriceListRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(CATALOGUE_SUBJECTS.priceList[kind], r._id, actor, at, (meta) =>
    PriceListChanged.encode({ meta, priceList: toMessage(priceList, r as ResourceRecord<typeof priceList.fields>) }).finish(),
  );
}

export function quoteEvent(kind: QuoteEventKind, r: QuoteRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(QUOTE_SUBJECTS[kind], r._id, actor, at, (meta) => QuoteChanged.encode({ meta, quote: toQuote(r) }).finish());
}

export function orderEvent(kind: OrderEventKind, r: OrderRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(ORDER_SUBJECTS[kind], r._id, actor, at, (meta) => OrderChanged.encode({ meta, order: toOrder(r) }).finish());
}
