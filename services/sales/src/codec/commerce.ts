import { isoTimestamp as iso } from "@relata/platform";
import type { Discount, Quote, QuoteLine, QuoteTotals } from "@relata/proto/sales/v1/quote";
import type { Order } from "@relata/proto/sales/v1/order";
import type { DiscountValue, Totals } from "../domain/pricing";
import type { OrderRecord, QuoteFields, QuoteLineRecord, QuoteRecord } from "../domain/quote";
import { discountKind, orderStatus, quoteStatus } from "../resources";

/** Quotes and orders as messages (gRPC answers and event payloads alike). */

export { discountKind, orderStatus, quoteStatus };

export function toDiscount(d: DiscountValue | undefined): Discount | undefined {
  return d ? { kind: discountKind.toProto(d.kind), value: d.value } : undefined;
}

export function toTotals(t: Totals): QuoteTotals {
  return { ...t, taxes: t.taxes.map((x) => ({ ...x })) };
}

export function toQuoteLine(l: QuoteLineRecord): QuoteLine {
  return {
    id: l.id,
    productId: l.productId,
    productCode: l.productCode,
    name: l.name,
    unit: l.unit,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    priceOverridden: l.priceOverridden,
    discount: toDiscount(l.discount),
    taxRate: l.taxRate,
    grossAmount: l.grossAmount,
    discountAmount: l.discountAmount,
    quoteDiscountAmount: l.quoteDiscountAmount,
    netAmount: l.netAmount,
    taxAmount: l.taxAmount,
    totalAmount: l.totalAmount,
  };
}

type QuoteLike = QuoteFields & { _id: string; tenantId: string; version: number; createdAt: Date; updatedAt: Date };

export function toQuote(q: QuoteLike | QuoteRecord, id = q._id): Quote {
  return {
    id,
    tenantId: q.tenantId,
    opportunityId: q.opportunityId,
    accountId: q.accountId,
    number: q.number,
    revision: q.revision,
    status: quoteStatus.toProto(q.status),
    currency: q.currency,
    priceListId: q.priceListId,
    language: q.language,
    lines: q.lines.map(toQuoteLine),
    discount: toDiscount(q.discount),
    totals: toTotals(q.totals),
    validUntil: q.validUntil,
    validTimeZone: q.validTimeZone,
    terms: q.terms,
    primary: q.primary,
    ownerId: q.ownerId,
    contactId: q.contactId,
    name: q.name,
    sentAt: iso(q.sentAt),
    decidedAt: iso(q.decidedAt),
    rejectReason: q.rejectReason,
    orderId: q.orderId,
    version: String(q.version),
    createdAt: iso(q.createdAt),
    updatedAt: iso(q.updatedAt),
  } as Quote;
}

export function toOrder(o: OrderRecord): Order {
  return {
    id: o._id,
    tenantId: o.tenantId,
    quoteId: o.quoteId,
    quoteRevision: o.quoteRevision,
    opportunityId: o.opportunityId,
    accountId: o.accountId,
    number: o.number,
    status: orderStatus.toProto(o.status),
    currency: o.currency,
    lines: o.lines.map(toQuoteLine),
    totals: toTotals(o.totals),
    ownerId: o.ownerId,
    submittedAt: iso(o.submittedAt),
    fulfilledAt: iso(o.fulfilledAt),
    cancelledAt: iso(o.cancelledAt),
    cancelReason: o.cancelReason,
    version: String(o.version),
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
  } as Order;
}
