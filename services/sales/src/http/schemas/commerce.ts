import { DECIMAL_AMOUNT_PATTERN } from "@relata/platform/resource";
import {
  CalendarDate,
  DateTime,
  Id,
  named,
  orNull,
  OwnerId,
  pageOf,
  PAGE_CURSOR,
  PAGE_LIMIT,
  reference,
  relation,
  stateDependent,
  text,
  TimeZoneName,
} from "@relata/platform/http";
import type { Order } from "@relata/proto/sales/v1/order";
import type { Discount, Quote, QuoteLine, QuoteTotals } from "@relata/proto/sales/v1/quote";
import { z } from "zod";
import { CURRENCY_PATTERN, discountKind, orderStatus, quoteStatus } from "../../resources";

/** The REST face of quotes and orders (docs/commerce.md). */

const DecimalText = z.string().regex(DECIMAL_AMOUNT_PATTERN, "must be a decimal string with at most 15 digits and 4 decimals, such as 12500.00");
const Amount = z.string().meta({ description: "A decimal amount with two decimals, in the quote's currency.", example: "1234.50" });

export const DiscountJson = named(
  "QuoteDiscount",
  z.strictObject({
    kind: z.enum(["percent", "amount"]).meta({ description: "percent: value is a percentage (at most 100); amount: value is an amount in the quote's currency." }),
    value: DecimalText.meta(relation("at most 100 for a percent; at most the amount it applies to for an amount")),
  }),
  "A discount: a percentage or an amount.",
);

export const QuoteLineBody = named(
  "QuoteLineInput",
  z.strictObject({
    id: Id.optional().meta({ description: "A line of the quote's current revision to keep its id; absent for a new line.", ...reference("line of the quote") }),
    productId: Id.meta({ description: "An active product of the tenant, priced on the quote's price list.", ...reference("sales.product"), ...stateDependent("active, with a price on the price list") }),
    quantity: DecimalText.meta({ description: "Greater than 0.", ...relation("greater than 0") }),
    unitPrice: DecimalText.optional().meta({
      description: "Overrides the price list's price: tenant-admin and sales-manager only (403 naming the field otherwise).",
      ...stateDependent("caller's role may override prices"),
    }),
    discount: DiscountJson.optional(),
    taxRate: DecimalText.optional().meta({ description: 'A percentage from 0 to 100, "23" for 23 %; absent: 0.', ...relation("at most 100") }),
  }),
);

const Lines = z.array(QuoteLineBody).max(200, "must have at most 200 lines");
const Currency = z.string().regex(CURRENCY_PATTERN, "must be an ISO 4217 code of 3 upper-case letters");
const Language = z.enum(["en", "pl", "ru", "uk"]);

export const QuoteCreate = named(
  "QuoteCreate",
  z.strictObject({
    opportunityId: Id.meta(reference("sales.opportunity")),
    name: text().optional().meta({ description: "Defaults to the quote's number." }),
    currency: Currency.optional().meta({
      description: "Priced from the tenant's default price list of this currency unless priceListId names one.",
      ...stateDependent("the tenant has a default price list valid today in the currency, unless priceListId is given"),
    }),
    priceListId: Id.optional().meta({ ...reference("sales.price_list"), ...stateDependent("valid today, in the quote's currency") }),
    language: Language.optional(),
    lines: Lines.optional(),
    discount: DiscountJson.optional(),
    validUntil: CalendarDate.optional().meta({ description: "The last day the offer holds, in validTimeZone; the quote expires at the start of the next day there." }),
    validTimeZone: TimeZoneName.optional(),
    terms: text(5000).optional(),
    primary: z.boolean().optional().meta({ description: "Make it the opportunity's primary quote: the opportunity's amount follows its net total." }),
    ownerId: OwnerId.optional(),
    contactId: Id.optional().meta({ ...reference("sales.contact"), ...relation("a contact of the opportunity's account") }),
  }),
);

export const QuoteUpdate = named(
  "QuoteUpdate",
  z.strictObject({
    name: text().optional(),
    priceListId: Id.optional().meta({ ...reference("sales.price_list"), ...stateDependent("valid today, in the quote's currency") }),
    language: Language.optional(),
    lines: Lines.optional().meta({ description: "The whole list of lines (replaces them)." }),
    discount: DiscountJson.nullable().optional().meta({ description: "null removes the quote's discount." }),
    validUntil: CalendarDate.optional(),
    validTimeZone: TimeZoneName.optional(),
    terms: text(5000).optional(),
    primary: z.boolean().optional(),
    ownerId: OwnerId.optional(),
    contactId: Id.optional().meta({ ...reference("sales.contact"), ...relation("a contact of the opportunity's account") }),
  }),
);

export const QuoteRejection = named("QuoteRejection", z.strictObject({ reason: text(500) }));
export const OrderCancellation = named("OrderCancellation", z.strictObject({ reason: text(500) }));
export const OrderCreate = named("OrderCreate", z.strictObject({ quoteId: Id.meta({ ...reference("sales.quote"), ...stateDependent("accepted") }) }));

const DiscountOut = z.object({ kind: z.enum(["percent", "amount"]), value: z.string() }).nullable();

const QuoteLineJson = named(
  "QuoteLine",
  z.object({
    id: z.string(),
    productId: z.string(),
    productCode: z.string(),
    name: z.string(),
    unit: z.string().nullable(),
    quantity: z.string(),
    unitPrice: z.string(),
    priceOverridden: z.boolean(),
    discount: DiscountOut,
    taxRate: z.string(),
    grossAmount: Amount,
    discountAmount: Amount,
    quoteDiscountAmount: Amount,
    netAmount: Amount,
    taxAmount: Amount,
    totalAmount: Amount,
  }),
);

const TotalsJson = named(
  "QuoteTotals",
  z.object({
    subtotal: Amount,
    lineDiscounts: Amount,
    quoteDiscount: Amount,
    net: Amount,
    tax: Amount,
    total: Amount,
    taxes: z.array(z.object({ rate: z.string(), base: Amount, amount: Amount })),
  }),
);

export const QuoteJson = named(
  "Quote",
  z.object({
    id: z.string(),
    tenantId: z.string(),
    opportunityId: z.string(),
    accountId: z.string(),
    number: z.string(),
    revision: z.number().int(),
    status: z.enum(["draft", "sent", "accepted", "rejected", "expired"]),
    currency: z.string(),
    priceListId: z.string().nullable(),
    language: z.string(),
    lines: z.array(QuoteLineJson),
    discount: DiscountOut,
    totals: TotalsJson,
    validUntil: z.string().nullable(),
    validTimeZone: z.string().nullable(),
    terms: z.string().nullable(),
    primary: z.boolean(),
    ownerId: z.string().nullable(),
    contactId: z.string().nullable(),
    name: z.string(),
    sentAt: DateTime.nullable(),
    decidedAt: DateTime.nullable(),
    rejectReason: z.string().nullable(),
    orderId: z.string().nullable(),
    version: z.number().int(),
    createdAt: DateTime.nullable(),
    updatedAt: DateTime.nullable(),
  }),
);
export const QuotePage = pageOf("QuotePage", QuoteJson);
export const QuoteRevisions = named("QuoteRevisions", z.object({ data: z.array(QuoteJson) }));

export const OrderJson = named(
  "Order",
  z.object({
    id: z.string(),
    tenantId: z.string(),
    quoteId: z.string(),
    quoteRevision: z.number().int(),
    opportunityId: z.string(),
    accountId: z.string(),
    number: z.string(),
    status: z.enum(["submitted", "fulfilled", "cancelled"]),
    currency: z.string(),
    lines: z.array(QuoteLineJson),
    totals: TotalsJson,
    ownerId: z.string().nullable(),
    submittedAt: DateTime.nullable(),
    fulfilledAt: DateTime.nullable(),
    cancelledAt: DateTime.nullable(),
    cancelReason: z.string().nullable(),
    version: z.number().int(),
    createdAt: DateTime.nullable(),
    updatedAt: DateTime.nullable(),
  }),
);
export const OrderPage = pageOf("OrderPage", OrderJson);

export const QuoteListQuery = z.strictObject({
  limit: PAGE_LIMIT.optional(),
  cursor: PAGE_CURSOR.optional(),
  opportunityId: Id.optional(),
  accountId: Id.optional(),
  status: z.enum(["draft", "sent", "accepted", "rejected", "expired"]).optional(),
});

export const OrderListQuery = z.strictObject({
  limit: PAGE_LIMIT.optional(),
  cursor: PAGE_CURSOR.optional(),
  quoteId: Id.optional(),
  opportunityId: Id.optional(),
  accountId: Id.optional(),
  status: z.enum(["submitted", "fulfilled", "cancelled"]).optional(),
});

export const RevisionParams = z.strictObject({ id: Id, revision: z.coerce.number().int().min(1, "must be 1 or more").max(1_000_000) });

const discountJson = (d: Discount | undefined) => {
  const kind = d ? discountKind.fromProto(d.kind) : null;
  return d && kind ? { kind, value: d.value } : null;
};
const lineJson = (l: QuoteLine) => ({
  id: l.id,
  productId: l.productId,
  productCode: l.productCode,
  name: l.name,
  unit: orNull(l.unit),
  quantity: l.quantity,
  unitPrice: l.unitPrice,
  priceOverridden: l.priceOverridden,
  discount: discountJson(l.discount),
  taxRate: l.taxRate,
  grossAmount: l.grossAmount,
  discountAmount: l.discountAmount,
  quoteDiscountAmount: l.quoteDiscountAmount,
  netAmount: l.netAmount,
  taxAmount: l.taxAmount,
  totalAmount: l.totalAmount,
});
const totalsJson = (t: QuoteTotals | undefined) => ({
  subtotal: t?.subtotal ?? "0.00",
  lineDiscounts: t?.lineDiscounts ?? "0.00",
  quoteDiscount: t?.quoteDiscount ?? "0.00",
  net: t?.net ?? "0.00",
  tax: t?.tax ?? "0.00",
  total: t?.total ?? "0.00",
  taxes: (t?.taxes ?? []).map((x) => ({ rate: x.rate, base: x.base, amount: x.amount })),
});

export function quoteJson(q: Quote): z.output<typeof QuoteJson> {
  return {
    id: q.id,
    tenantId: q.tenantId,
    opportunityId: q.opportunityId,
    accountId: q.accountId,
    number: q.number,
    revision: q.revision,
    status: quoteStatus.fromProto(q.status) ?? "draft",
    currency: q.currency,
    priceListId: orNull(q.priceListId),
    language: q.language,
    lines: q.lines.map(lineJson),
    discount: discountJson(q.discount),
    totals: totalsJson(q.totals),
    validUntil: orNull(q.validUntil),
    validTimeZone: orNull(q.validTimeZone),
    terms: orNull(q.terms),
    primary: q.primary,
    ownerId: orNull(q.ownerId),
    contactId: orNull(q.contactId),
    name: q.name,
    sentAt: orNull(q.sentAt),
    decidedAt: orNull(q.decidedAt),
    rejectReason: orNull(q.rejectReason),
    orderId: orNull(q.orderId),
    version: Number(q.version),
    createdAt: orNull(q.createdAt),
    updatedAt: orNull(q.updatedAt),
  };
}

export function orderJson(o: Order): z.output<typeof OrderJson> {
  return {
    id: o.id,
    tenantId: o.tenantId,
    quoteId: o.quoteId,
    quoteRevision: o.quoteRevision,
    opportunityId: o.opportunityId,
    accountId: o.accountId,
    number: o.number,
    status: orderStatus.fromProto(o.status) ?? "submitted",
    currency: o.currency,
    lines: o.lines.map(lineJson),
    totals: totalsJson(o.totals),
    ownerId: orNull(o.ownerId),
    submittedAt: orNull(o.submittedAt),
    fulfilledAt: orNull(o.fulfilledAt),
    cancelledAt: orNull(o.cancelledAt),
    cancelReason: orNull(o.cancelReason),
    version: Number(o.version),
    createdAt: orNull(o.createdAt),
    updatedAt: orNull(o.updatedAt),
  };
}

/** A JSON discount as the message carries it (null: none). */
export const discountProto = (d: z.output<typeof DiscountJson> | null | undefined): Discount | undefined =>
  d === undefined ? undefined : d === null ? { kind: "DISCOUNT_KIND_UNSPECIFIED" as Discount["kind"], value: "" } : { kind: discountKind.toProto(d.kind), value: d.value };
