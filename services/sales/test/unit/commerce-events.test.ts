import type { Actor } from "@relata/platform";
import { OrderChanged, PriceListChanged, ProductChanged, QuoteChanged } from "@relata/proto/events/v1/sales";
import { DiscountKind, QuoteStatus } from "@relata/proto/sales/v1/quote";
import { OrderStatus } from "@relata/proto/sales/v1/order";
import type { PriceListRecord, ProductRecord } from "../../src/domain/catalogue";
import { priceQuote } from "../../src/domain/pricing";
import type { OrderRecord, QuoteRecord } from "../../src/domain/quote";
import { orderEvent, priceListEvent, productEvent, QUOTE_EXPIRY_DUE, quoteEvent, quoteExpirySubject } from "../../src/events/commerce";

const at = new Date("2026-02-02T10:00:00Z");
const actor: Actor = { tenantId: "acme", actorId: "user-7", requestId: "req-1" };
const base = { tenantId: "acme", version: 3, createdAt: at, updatedAt: at, idempotencyKey: "k", requestHash: "h" };
const priced = priceQuote([{ quantity: "2", unitPrice: "10.005", taxRate: "23" }], { kind: "percent", value: "10" });
const line = { id: "l1", productId: "p1", productCode: "LIC", name: "Licence", unit: "seat", quantity: "2", unitPrice: "10.005", priceOverridden: true, taxRate: "23", ...priced.lines[0]! };

describe("commerce events", () => {
  it("carry the catalogue's records on sales.product.* and sales.price_list.*", () => {
    const product: ProductRecord = { ...base, _id: "p1", code: "LIC", name: "Licence", description: "", unit: "seat", active: true, family: "" };
    const e = productEvent("created", product, actor);
    expect(e.subject).toBe("sales.product.created");
    expect(ProductChanged.decode(e.data).product).toMatchObject({ id: "p1", code: "LIC", active: true, version: "3" });
    const list: PriceListRecord = { ...base, _id: "pl1", name: "EUR", currency: "EUR", validFrom: "", validTo: "", isDefault: false, entries: [{ productId: "p1", unitPrice: "9.50" }] };
    const l = priceListEvent("updated", list, actor);
    expect(l.subject).toBe("sales.price_list.updated");
    expect(PriceListChanged.decode(l.data).priceList?.entries?.values).toEqual([{ productId: "p1", unitPrice: "9.50" }]);
  });

  it("carry the quote's current revision and the order's totals, currency and submission", () => {
    const quote: QuoteRecord = {
      ...base,
      _id: "q1",
      opportunityId: "o1",
      accountId: "a1",
      number: "Q-000001",
      revision: 2,
      status: "sent",
      currency: "EUR",
      priceListId: "pl1",
      language: "pl",
      lines: [line],
      discount: { kind: "percent", value: "10" },
      totals: priced.totals,
      validUntil: "2026-03-01",
      validTimeZone: "Europe/Warsaw",
      terms: "",
      primary: true,
      ownerId: "rep-1",
      contactId: "",
      name: "Q-000001",
      sentAt: at,
      rejectReason: "",
      orderId: "",
    };
    const q = quoteEvent("revised", quote, actor);
    expect(q.subject).toBe("sales.quote.revised");
    const decoded = QuoteChanged.decode(q.data);
    expect(decoded.meta).toMatchObject({ type: "sales.quote.revised", tenantId: "acme", entityId: "q1", actorId: "user-7" });
    expect(decoded.quote).toMatchObject({
      revision: 2,
      status: QuoteStatus.QUOTE_STATUS_SENT,
      discount: { kind: DiscountKind.DISCOUNT_KIND_PERCENT, value: "10" },
      // 2 × 10.005 = 20.01; −10 % = 2.001 → 2.00; net 18.01; tax 23 % = 4.1423 → 4.14.
      totals: { subtotal: "20.01", quoteDiscount: "2.00", net: "18.01", tax: "4.14", total: "22.15" },
      sentAt: at.toISOString(),
    });

    const order: OrderRecord = {
      ...base,
      _id: "order-q1",
      quoteId: "q1",
      quoteRevision: 2,
      opportunityId: "o1",
      accountId: "a1",
      number: "O-000001",
      status: "submitted",
      currency: "EUR",
      lines: [line],
      totals: priced.totals,
      ownerId: "rep-1",
      submittedAt: at,
      cancelReason: "",
    };
    const o = orderEvent("created", order, actor);
    expect(o.subject).toBe("sales.order.created");
    expect(OrderChanged.decode(o.data).order).toMatchObject({ status: OrderStatus.ORDER_STATUS_SUBMITTED, currency: "EUR", submittedAt: at.toISOString(), totals: { total: "22.15" } });
  });

  it("keeps the expiry's schedule and due subjects apart from the records' events", () => {
    expect(quoteExpirySubject("q1")).toBe("sales.schedule.quote.q1");
    expect(QUOTE_EXPIRY_DUE.startsWith("sales.schedule.")).toBe(true);
  });
});
