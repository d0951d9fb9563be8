import { claimModel, recordFields, repository, Sequence, type Claim, type PublishAfterWrite, type Stored } from "@relata/platform";
import { mongooseSchema } from "@relata/platform/resource";
import { Schema, type Connection, type Model } from "mongoose";
import type { PriceListRecord, ProductRecord } from "../domain/catalogue";
import type { OrderRecord, QuoteRecord, QuoteRevisionRecord } from "../domain/quote";
import { priceList, product } from "../resources";

/** Persistence of the catalogue, quotes and orders (docs/commerce.md). */

const str = { type: String, default: "" };
const requiredStr = { type: String, required: true };
const options = { versionKey: false as const, strict: true, minimize: false, id: false };

export const productSchema = mongooseSchema(product) as unknown as Schema<Stored<ProductRecord>>;
// A code is unique in the tenant (a deleted product keeps its code until it is purged).
productSchema.index({ tenantId: 1, code: 1 }, { unique: true });

export const priceListSchema = mongooseSchema(priceList) as unknown as Schema<Stored<PriceListRecord>>;

/**
 * The default price list of a currency: one document per tenant and currency (`_id`
 * `<tenant>/<currency>`), so there is never a second default whatever writers race; making a
 * list the default replaces the holder.
 */
export interface PriceListDefault {
  _id: string;
  tenantId: string;
  currency: string;
  priceListId: string;
  at: Date;
}

const priceListDefaultSchema = new Schema<PriceListDefault>(
  { _id: requiredStr, tenantId: requiredStr, currency: requiredStr, priceListId: requiredStr, at: { type: Date, required: true } },
  { ...options, collection: "price_list_defaults" },
);
priceListDefaultSchema.index({ tenantId: 1 });

const discountSchema = new Schema({ kind: requiredStr, value: requiredStr }, { _id: false });
const lineSchema = new Schema(
  {
    id: requiredStr,
    productId: requiredStr,
    productCode: str,
    name: str,
    unit: str,
    quantity: requiredStr,
    unitPrice: requiredStr,
    priceOverridden: { type: Boolean, default: false },
    discount: { type: discountSchema, required: false },
    taxRate: str,
    grossAmount: requiredStr,
    discountAmount: requiredStr,
    quoteDiscountAmount: requiredStr,
    netAmount: requiredStr,
    taxAmount: requiredStr,
    totalAmount: requiredStr,
  },
  { _id: false },
);
const totalsSchema = new Schema(
  {
    subtotal: requiredStr,
    lineDiscounts: requiredStr,
    quoteDiscount: requiredStr,
    net: requiredStr,
    tax: requiredStr,
    total: requiredStr,
    taxes: { type: [new Schema({ rate: requiredStr, base: requiredStr, amount: requiredStr }, { _id: false })], default: [] },
  },
  { _id: false },
);

const quoteFields = {
  opportunityId: requiredStr,
  accountId: requiredStr,
  number: requiredStr,
  revision: { type: Number, required: true },
  status: requiredStr,
  currency: requiredStr,
  priceListId: str,
  language: str,
  lines: { type: [lineSchema], default: [] },
  discount: { type: discountSchema, required: false },
  totals: { type: totalsSchema, required: true },
  validUntil: str,
  validTimeZone: str,
  terms: str,
  primary: { type: Boolean, default: false },
  ownerId: str,
  contactId: str,
  name: str,
  sentAt: { type: Date, required: false },
  decidedAt: { type: Date, required: false },
  rejectReason: str,
  orderId: str,
};

export const quoteSchema = new Schema<Stored<QuoteRecord>>({ ...recordFields, ...quoteFields }, { ...options, collection: "quotes" });
quoteSchema.index({ tenantId: 1, idempotencyKey: 1 }, { unique: true });
quoteSchema.index({ tenantId: 1, createdAt: -1, _id: -1 });
quoteSchema.index({ tenantId: 1, updatedAt: -1, _id: -1 });
quoteSchema.index({ tenantId: 1, opportunityId: 1, createdAt: -1, _id: -1 });
quoteSchema.index({ tenantId: 1, accountId: 1, createdAt: -1, _id: -1 });
quoteSchema.index({ tenantId: 1, status: 1, createdAt: -1, _id: -1 });

export const quoteRevisionSchema = new Schema<QuoteRevisionRecord>(
  {
    _id: requiredStr,
    quoteId: requiredStr,
    tenantId: requiredStr,
    version: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    ...quoteFields,
  },
  { ...options, collection: "quote_revisions" },
);
quoteRevisionSchema.index({ tenantId: 1, quoteId: 1, revision: 1 });

export const orderSchema = new Schema<Stored<OrderRecord>>(
  {
    ...recordFields,
    quoteId: requiredStr,
    quoteRevision: { type: Number, required: true },
    opportunityId: requiredStr,
    accountId: requiredStr,
    number: requiredStr,
    status: requiredStr,
    currency: requiredStr,
    lines: { type: [lineSchema], default: [] },
    totals: { type: totalsSchema, required: true },
    ownerId: str,
    submittedAt: { type: Date, required: true },
    fulfilledAt: { type: Date, required: false },
    cancelledAt: { type: Date, required: false },
    cancelReason: str,
  },
  { ...options, collection: "orders" },
);
orderSchema.index({ tenantId: 1, idempotencyKey: 1 }, { unique: true });
orderSchema.index({ tenantId: 1, createdAt: -1, _id: -1 });
orderSchema.index({ tenantId: 1, updatedAt: -1, _id: -1 });
orderSchema.index({ tenantId: 1, quoteId: 1, createdAt: -1, _id: -1 });
orderSchema.index({ tenantId: 1, accountId: 1, createdAt: -1, _id: -1 });
orderSchema.index({ tenantId: 1, opportunityId: 1, createdAt: -1, _id: -1 });
orderSchema.index({ tenantId: 1, status: 1, createdAt: -1, _id: -1 });

export interface CommerceModels {
  products: Model<Stored<ProductRecord>>;
  priceLists: Model<Stored<PriceListRecord>>;
  priceListDefaults: Model<PriceListDefault>;
  quotes: Model<Stored<QuoteRecord>>;
  quoteRevisions: Model<QuoteRevisionRecord>;
  orders: Model<Stored<OrderRecord>>;
  /** Who makes a quote's order (store/claims: one unique insert per quote). */
  orderClaims: Model<Claim>;
}

export function createCommerceModels(db: Connection): CommerceModels {
  return {
    products: db.model<Stored<ProductRecord>>("Product", productSchema),
    priceLists: db.model<Stored<PriceListRecord>>("PriceList", priceListSchema),
    priceListDefaults: db.model<PriceListDefault>("PriceListDefault", priceListDefaultSchema),
    quotes: db.model<Stored<QuoteRecord>>("Quote", quoteSchema),
    quoteRevisions: db.model<QuoteRevisionRecord>("QuoteRevision", quoteRevisionSchema),
    orders: db.model<Stored<OrderRecord>>("Order", orderSchema),
    orderClaims: claimModel(db, "order_claims"),
  };
}

/** Quote and order numbers per tenant ("Q-000001", "O-000001"): claims of unique ids, never the same number twice. */
export const commerceSequence = (db: Connection) => new Sequence(db, "commerce_numbers");

/** The catalogue's, quotes' and orders' repositories, bound to the caller's tenant per call. */
export function commerceRepositories(models: CommerceModels, publish: PublishAfterWrite) {
  return {
    products: repository<ProductRecord>(models.products, { what: "product", sortable: product.sorts, defaultSort: product.defaultSort, publish }),
    priceLists: repository<PriceListRecord>(models.priceLists, { what: "price list", sortable: priceList.sorts, defaultSort: priceList.defaultSort, publish }),
    quotes: repository<QuoteRecord>(models.quotes, { what: "quote", sortable: ["createdAt", "updatedAt"], defaultSort: "-createdAt", publish }),
    orders: repository<OrderRecord>(models.orders, { what: "order", sortable: ["createdAt", "updatedAt"], defaultSort: "-createdAt", publish }),
  };
}

export type CommerceRepositories = ReturnType<typeof commerceRepositories>;

/** The commerce models whose documents carry an outbox, for the relay. */
export const commerceOutboxModels = (models: CommerceModels): Model<unknown>[] =>
  [models.products, models.priceLists, models.quotes, models.orders] as unknown as Model<unknown>[];
