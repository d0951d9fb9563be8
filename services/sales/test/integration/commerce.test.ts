import mongoose from "mongoose";
import { status } from "@grpc/grpc-js";
import { dependentsOf, isGrpcError, type EventBus } from "@relata/platform";
import { OpportunityChanged, OrderChanged, QuoteChanged } from "@relata/proto/events/v1/sales";
import { CreateAccountRequest } from "@relata/proto/sales/v1/account";
import { CreateOpportunityRequest, UpdateOpportunityRequest } from "@relata/proto/sales/v1/opportunity";
import { CreatePriceListRequest, ListPriceListsRequest, UpdatePriceListRequest } from "@relata/proto/sales/v1/price_list";
import { CreateProductRequest } from "@relata/proto/sales/v1/product";
import { CreateQuoteRequest, DiscountKind, QuoteStatus, UpdateQuoteRequest } from "@relata/proto/sales/v1/quote";
import { OrderStatus } from "@relata/proto/sales/v1/order";
import * as kit from "@relata/testing";
import { testServerPort } from "@relata/testing";
import type { Role } from "@relata/platform";
import { connectBus, eventually, failureOf, mongoBase, nextSequence, readStream, runId, salesClientsAt, sleep, startSalesProcess, type SalesClients, type SalesProcess } from "./support";

// Products, price lists, quotes and orders against a real Sales process, FerretDB and NATS
// (docs/commerce.md). Offsets 20 and 21: this file's Sales, before and after a stop.
jest.setTimeout(180_000);

const run = runId();
const database = `relata_sales_it_commerce_${run}`;
const tenant = `acme-com-${run}`;
const other = `globex-com-${run}`;
// The test-only expiry delay: a quote's schedule fires 8 s after it is set (through NATS all the same).
const EXPIRY_DELAY_MS = 8_000;
const SALES_WITH_SCHEDULES = { name: "SALES", subjects: ["sales.>"], allowMsgSchedules: true };
const env = {
  TIMELINE_DURABLE: `sales-timeline-it-com-${run}`,
  QUOTE_EXPIRY_DURABLE: `sales-quote-expiry-it-${run}`,
  QUOTE_EXPIRY_TEST_DELAY_MS: String(EXPIRY_DELAY_MS),
};

let service: SalesProcess;
let clients: SalesClients;
let bus: EventBus;
let fromSeq: number;

const as = (roles: Role[], t = tenant, subject = "it-user") => ({ identity: kit.identity(t, subject, roles) });
const admin = () => as(["tenant-admin"], tenant, "ada-admin");
const manager = () => as(["sales-manager"], tenant, "max-manager");
const rep = () => as(["sales-rep"], tenant, "rita-rep");

beforeAll(async () => {
  bus = await connectBus("sales-it-commerce");
  fromSeq = await nextSequence(bus);
  await kit.createDurableFromNow(bus, SALES_WITH_SCHEDULES, env.TIMELINE_DURABLE, ["sales.>"]);
  await kit.createDurableFromNow(bus, SALES_WITH_SCHEDULES, env.QUOTE_EXPIRY_DURABLE, ["sales.schedule.quote_expiry_due"]);
  service = await startSalesProcess({ grpcPort: testServerPort(20), database, env });
  clients = salesClientsAt(service.address);
});

afterAll(async () => {
  clients?.close();
  await service?.stop();
  for (const durable of [env.TIMELINE_DURABLE, env.QUOTE_EXPIRY_DURABLE]) await bus?.jsm.consumers.delete("SALES", durable).catch(() => undefined);
  await bus?.close();
  const db = await mongoose.createConnection(`${mongoBase}/${database}`).asPromise();
  await db.dropDatabase().catch(() => undefined);
  await db.close();
});

const decodeQuote = (d: Uint8Array) => QuoteChanged.decode(d).meta;
const decodeOrder = (d: Uint8Array) => OrderChanged.decode(d).meta;
const decodeOpportunity = (d: Uint8Array) => OpportunityChanged.decode(d).meta;

let products: { id: string; code: string }[] = [];
let priceListId = "";
let opportunityId = "";

async function newOpportunity(name: string) {
  const account = await clients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: `Acme ${run}` }), rep());
  const opportunity = await clients.opportunities.createOpportunity(CreateOpportunityRequest.fromPartial({ accountId: account.id, name }), rep());
  return opportunity.id;
}

const threeLines = () => ({
  values: [
    { productId: products[0]!.id, quantity: "3", taxRate: "23" },
    { productId: products[1]!.id, quantity: "0.3333", discount: { kind: DiscountKind.DISCOUNT_KIND_PERCENT, value: "12.5" }, taxRate: "23" },
    { productId: products[2]!.id, quantity: "7", taxRate: "8" },
  ],
});

describe("catalogue", () => {
  it("keeps product codes unique in the tenant, not across tenants", async () => {
    for (const [code, name] of [
      ["LIC", "Licence"],
      ["SUP", "Support hour"],
      ["TRN", "Training day"],
    ]) {
      products.push(await clients.products.createProduct(CreateProductRequest.fromPartial({ code, name, unit: "unit" }), admin()));
    }
    expect(products[0]).toMatchObject({ code: "LIC", active: true, tenantId: tenant });
    const clash = await failureOf(clients.products.createProduct(CreateProductRequest.fromPartial({ code: "LIC", name: "Again" }), manager()));
    expect(clash).toMatchObject({ code: status.ALREADY_EXISTS, field: "code" });
    await expect(clients.products.createProduct(CreateProductRequest.fromPartial({ code: "LIC", name: "Theirs" }), as(["tenant-admin"], other))).resolves.toMatchObject({ code: "LIC" });
  });

  it("holds one default price list per currency, also when lists claim it at once", async () => {
    const entries = { values: [
      { productId: products[0]!.id, unitPrice: "0.335" },
      { productId: products[1]!.id, unitPrice: "30" },
      { productId: products[2]!.id, unitPrice: "12.99" },
    ] };
    const first = await clients.priceLists.createPriceList(CreatePriceListRequest.fromPartial({ name: "USD 2026", currency: "USD", isDefault: true, entries }), admin());
    expect(first.isDefault).toBe(true);
    const second = await clients.priceLists.createPriceList(CreatePriceListRequest.fromPartial({ name: "USD promo", currency: "USD", isDefault: true, entries }), admin());
    expect(second.isDefault).toBe(true);
    expect((await clients.priceLists.getPriceList({ id: first.id }, admin())).isDefault).toBe(false);
    // The list that lost the default is told so (its own flag, in an updated event).
    await eventually(() => clients.priceLists.listPriceLists(ListPriceListsRequest.fromPartial({ currency: "USD", isDefault: true }), admin()), (r) => r.priceLists.length === 1, "one flagged default");

    // Five lists made default at once: exactly one holds it.
    const racers = await Promise.all([1, 2, 3, 4, 5].map((n) => clients.priceLists.createPriceList(CreatePriceListRequest.fromPartial({ name: `EUR ${n}`, currency: "EUR", entries }), admin())));
    await Promise.all(racers.map((l) => clients.priceLists.updatePriceList(UpdatePriceListRequest.fromPartial({ id: l.id, isDefault: true }), admin())));
    const eur = await clients.priceLists.listPriceLists(ListPriceListsRequest.fromPartial({ currency: "EUR" }), admin());
    expect(eur.priceLists.filter((l) => l.isDefault)).toHaveLength(1);

    // Back to the first USD list as the default for the quotes below.
    priceListId = (await clients.priceLists.updatePriceList(UpdatePriceListRequest.fromPartial({ id: first.id, isDefault: true }), admin())).id;
    expect((await clients.priceLists.getPriceList({ id: second.id }, admin())).isDefault).toBe(false);
    // A repeated product is refused, naming the entry.
    const twice = await failureOf(
      clients.priceLists.createPriceList(CreatePriceListRequest.fromPartial({ name: "Bad", currency: "PLN", entries: { values: [entries.values[0]!, entries.values[0]!] } }), admin()),
    );
    expect(twice).toMatchObject({ code: status.INVALID_ARGUMENT, field: "entries.1.product_id" });
  });
});

describe("quotes", () => {
  let quoteId = "";

  it("prices a quote from the default list, edits a draft in place and revises a sent one", async () => {
    opportunityId = await newOpportunity(`Deal ${run}`);
    const created = await clients.quotes.createQuote(
      CreateQuoteRequest.fromPartial({ opportunityId, currency: "USD", lines: threeLines(), discount: { kind: DiscountKind.DISCOUNT_KIND_AMOUNT, value: "10.01" } }),
      rep(),
    );
    quoteId = created.id;
    // LIC 3 × 0.335 = 1.005 → 1.01 (23 %); SUP 0.3333 × 30 = 9.999 → 10.00, −12.5 % = 1.25 → 8.75 (23 %);
    // TRN 7 × 12.99 = 90.93 (8 %). Nets before the quote discount: 1.01, 8.75, 90.93 = 100.69 (10069 cents).
    // 1001 cents: 1001×101/10069 = 10.04 → 10 r 411; 1001×875/10069 = 86.98 → 86 r 9941; 1001×9093/10069 = 903.97 → 903 r 9786:
    // 999 given, the 2 cents left go to SUP (9941) and TRN (9786): shares 0.10, 0.87, 9.04.
    // Nets 0.91, 7.88, 81.89 = 90.68; tax 0.2093 → 0.21, 1.8124 → 1.81, 6.5512 → 6.55 = 8.57; total 99.25.
    expect(created).toMatchObject({ number: "Q-000001", revision: 1, status: QuoteStatus.QUOTE_STATUS_DRAFT, currency: "USD", priceListId, tenantId: tenant });
    expect(created.lines.map((l) => [l.grossAmount, l.discountAmount, l.quoteDiscountAmount, l.netAmount, l.taxAmount])).toEqual([
      ["1.01", "0.00", "0.10", "0.91", "0.21"],
      ["10.00", "1.25", "0.87", "7.88", "1.81"],
      ["90.93", "0.00", "9.04", "81.89", "6.55"],
    ]);
    expect(created.totals).toMatchObject({ subtotal: "101.94", lineDiscounts: "1.25", quoteDiscount: "10.01", net: "90.68", tax: "8.57", total: "99.25" });
    expect(created.totals!.taxes).toEqual([
      { rate: "8", base: "81.89", amount: "6.55" },
      { rate: "23", base: "8.79", amount: "2.02" },
    ]);

    const edited = await clients.quotes.updateQuote(UpdateQuoteRequest.fromPartial({ id: quoteId, expectedVersion: created.version, terms: "Net 30" }), rep());
    expect(edited).toMatchObject({ revision: 1, version: "2", terms: "Net 30" });
    const sent = await clients.quotes.sendQuote({ id: quoteId, expectedVersion: "2" }, rep());
    expect(sent.status).toBe(QuoteStatus.QUOTE_STATUS_SENT);

    // A change to the sent quote: revision 2, in draft; revision 1 stays as it was sent.
    const lines = threeLines();
    lines.values[2]!.quantity = "8";
    const revised = await clients.quotes.updateQuote(UpdateQuoteRequest.fromPartial({ id: quoteId, expectedVersion: sent.version, lines: { values: lines.values.map((l, i) => ({ ...l, id: sent.lines[i]!.id })) } }), rep());
    expect(revised).toMatchObject({ revision: 2, status: QuoteStatus.QUOTE_STATUS_DRAFT, number: "Q-000001" });
    expect(revised.lines[2]!.grossAmount).toBe("103.92");
    expect(revised.lines.map((l) => l.id)).toEqual(sent.lines.map((l) => l.id));
    const revisions = await clients.quotes.listQuoteRevisions({ id: quoteId }, rep());
    expect(revisions.revisions.map((r) => [r.revision, r.status, r.totals?.total])).toEqual([
      [1, QuoteStatus.QUOTE_STATUS_SENT, "99.25"],
      [2, QuoteStatus.QUOTE_STATUS_DRAFT, revised.totals?.total],
    ]);
    expect((await clients.quotes.getQuoteRevision({ id: quoteId, revision: 1 }, rep())).terms).toBe("Net 30");
    expect(await failureOf(clients.quotes.getQuoteRevision({ id: quoteId, revision: 3 }, rep()))).toMatchObject({ code: status.NOT_FOUND });
    const revisedEvents = async () => (await readStream(bus, fromSeq, "sales.quote.revised", decodeQuote)).filter((e) => e.meta.entityId === quoteId);
    await eventually(revisedEvents, (e) => e.length >= 1, "the quote's revised event");
    await sleep(500);
    expect(await revisedEvents()).toHaveLength(1);
  });

  it("lets a sales-manager override a price, refuses a sales-rep naming the field", async () => {
    const override = { values: [{ productId: products[2]!.id, quantity: "1", unitPrice: "10.00", taxRate: "8" }] };
    const refused = await failureOf(clients.quotes.createQuote(CreateQuoteRequest.fromPartial({ opportunityId, currency: "USD", lines: override }), rep()));
    expect(refused).toMatchObject({ code: status.PERMISSION_DENIED, field: "lines.0.unit_price" });
    const q = await clients.quotes.createQuote(CreateQuoteRequest.fromPartial({ opportunityId, currency: "USD", lines: override }), manager());
    expect(q.lines[0]).toMatchObject({ unitPrice: "10.00", priceOverridden: true, grossAmount: "10.00" });
    expect(q.number).toBe("Q-000002");
    // The rep may change the quote while keeping the manager's price.
    const kept = await clients.quotes.updateQuote(
      UpdateQuoteRequest.fromPartial({ id: q.id, lines: { values: [{ ...override.values[0]!, id: q.lines[0]!.id, quantity: "2" }] } }),
      rep(),
    );
    expect(kept.lines[0]).toMatchObject({ unitPrice: "10.00", grossAmount: "20.00" });
  });

  it("makes the opportunity's amount follow its primary quote's net total", async () => {
    const made = await clients.quotes.makePrimaryQuote({ id: quoteId, expectedVersion: "0" }, rep());
    expect(made.primary).toBe(true);
    let opportunity = await clients.opportunities.getOpportunity({ id: opportunityId }, rep());
    expect(opportunity).toMatchObject({ primaryQuoteId: quoteId, amount: { amount: made.totals!.net, currency: "USD" } });

    const lines = threeLines();
    lines.values[0]!.quantity = "30"; // 30 × 0.335 = 10.05
    const changed = await clients.quotes.updateQuote(UpdateQuoteRequest.fromPartial({ id: quoteId, lines }), rep());
    opportunity = await clients.opportunities.getOpportunity({ id: opportunityId }, rep());
    expect(opportunity.amount).toEqual({ amount: changed.totals!.net, currency: "USD" });
    // The outbox relays the update's event a moment after the write.
    const lastAmount = async () => {
      const last = (await readStream(bus, fromSeq, "sales.opportunity.updated", decodeOpportunity)).filter((e) => e.meta.entityId === opportunityId).pop();
      return last && OpportunityChanged.decode(last.data).opportunity?.amount;
    };
    const published = await eventually(lastAmount, (a) => a?.amount === changed.totals!.net, "the opportunity's updated event with the new amount");
    expect(published).toEqual({ amount: changed.totals!.net, currency: "USD" });
    // While a quote sets it, the amount is not typed in by hand.
    const typed = await failureOf(clients.opportunities.updateOpportunity(UpdateOpportunityRequest.fromPartial({ id: opportunityId, amount: { amount: "5", currency: "USD" } }), rep()));
    expect(typed).toMatchObject({ code: status.ABORTED, field: "amount" });

    // Another quote made primary takes over; the first loses the flag.
    const second = await clients.quotes.createQuote(CreateQuoteRequest.fromPartial({ opportunityId, currency: "USD", lines: { values: [{ productId: products[2]!.id, quantity: "2" }] }, primary: true }), rep());
    expect((await clients.opportunities.getOpportunity({ id: opportunityId }, rep())).amount).toEqual({ amount: "25.98", currency: "USD" });
    expect((await clients.quotes.getQuote({ id: quoteId }, rep())).primary).toBe(false);
    await clients.quotes.makePrimaryQuote({ id: quoteId, expectedVersion: "0" }, rep());
    expect((await clients.quotes.getQuote({ id: second.id }, rep())).primary).toBe(false);

    // Both made primary at once: one wins, the opportunity names it and it alone is flagged.
    await Promise.all([quoteId, second.id].map((id) => clients.quotes.makePrimaryQuote({ id, expectedVersion: "0" }, rep())));
    await Promise.all([second.id, quoteId].map((id) => clients.quotes.makePrimaryQuote({ id, expectedVersion: "0" }, rep())));
    const holder = (await clients.opportunities.getOpportunity({ id: opportunityId }, rep())).primaryQuoteId;
    const flags = await Promise.all([quoteId, second.id].map(async (id) => [id, (await clients.quotes.getQuote({ id }, rep())).primary] as const));
    expect(flags.filter(([, primary]) => primary).map(([id]) => id)).toEqual([holder]);
    // The journey goes on with the first quote as the primary one.
    await clients.quotes.makePrimaryQuote({ id: quoteId, expectedVersion: "0" }, rep());
  });

  it("makes exactly one order of an accepted quote under 20 concurrent requests", async () => {
    const draftOrder = await failureOf(clients.orders.createOrder({ quoteId }, rep()));
    expect(draftOrder).toMatchObject({ code: status.ABORTED, field: "quote_id" });
    const sent = await clients.quotes.sendQuote({ id: quoteId, expectedVersion: "0" }, rep());
    const accepted = await clients.quotes.acceptQuote({ id: quoteId, expectedVersion: sent.version }, rep());
    expect(accepted.status).toBe(QuoteStatus.QUOTE_STATUS_ACCEPTED);
    // A decided quote changes no more.
    expect(await failureOf(clients.quotes.updateQuote(UpdateQuoteRequest.fromPartial({ id: quoteId, terms: "x" }), rep()))).toMatchObject({ code: status.ABORTED });

    const answers = await Promise.all(Array.from({ length: 20 }, () => clients.orders.createOrder({ quoteId }, rep())));
    const ids = new Set(answers.map((a) => a.order!.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.created)).toHaveLength(1);
    const order = answers[0]!.order!;
    expect(order).toMatchObject({
      number: "O-000001",
      status: OrderStatus.ORDER_STATUS_SUBMITTED,
      quoteId,
      quoteRevision: accepted.revision,
      currency: "USD",
      totals: accepted.totals,
    });
    expect(order.submittedAt).toBeTruthy();
    expect(order.lines.map((l) => l.totalAmount)).toEqual(accepted.lines.map((l) => l.totalAmount));
    expect((await clients.quotes.getQuote({ id: quoteId }, rep())).orderId).toBe(order.id);
    const created = await eventually(
      async () => (await readStream(bus, fromSeq, "sales.order.created", decodeOrder)).filter((e) => e.meta.entityId === order.id),
      (e) => e.length >= 1,
      "the order's created event",
    );
    await sleep(1_000);
    expect((await readStream(bus, fromSeq, "sales.order.created", decodeOrder)).filter((e) => e.meta.entityId === order.id)).toHaveLength(created.length);
    expect(created).toHaveLength(1);
    expect(OrderChanged.decode(created[0]!.data).order?.totals?.total).toBe(accepted.totals!.total);

    const cancelled = await clients.orders.cancelOrder({ id: order.id, expectedVersion: order.version, reason: "Customer withdrew" }, rep());
    expect(cancelled).toMatchObject({ status: OrderStatus.ORDER_STATUS_CANCELLED, cancelReason: "Customer withdrew" });
    expect(await failureOf(clients.orders.fulfillOrder({ id: order.id, expectedVersion: "0" }, rep()))).toMatchObject({ code: status.ABORTED });

    // The deal keeps its order: its delete is refused naming the dependent.
    const refused = await clients.opportunities.deleteOpportunity({ id: order.opportunityId, expectedVersion: "0" }, rep()).then(
      () => undefined,
      (err: unknown) => (isGrpcError(err) ? { code: err.code, dependents: dependentsOf(err) } : undefined),
    );
    expect(refused).toEqual({ code: status.ABORTED, dependents: [{ what: "order", count: 1 }] });
  });

  it("keeps another tenant out (404)", async () => {
    const globex = as(["tenant-admin"], other);
    expect(await failureOf(clients.quotes.getQuote({ id: quoteId }, globex))).toMatchObject({ code: status.NOT_FOUND });
    expect(await failureOf(clients.quotes.listQuoteRevisions({ id: quoteId }, globex))).toMatchObject({ code: status.NOT_FOUND });
    expect(await failureOf(clients.priceLists.getPriceList({ id: priceListId }, globex))).toMatchObject({ code: status.NOT_FOUND });
    const order = (await clients.orders.listOrders({ quoteId, accountId: "", opportunityId: "", status: OrderStatus.ORDER_STATUS_UNSPECIFIED }, rep())).orders[0]!;
    expect(await failureOf(clients.orders.getOrder({ id: order.id }, globex))).toMatchObject({ code: status.NOT_FOUND });
    expect((await clients.orders.listOrders({ quoteId, accountId: "", opportunityId: "", status: OrderStatus.ORDER_STATUS_UNSPECIFIED }, globex)).orders).toEqual([]);
  });
});

describe("expiry", () => {
  it("expires a sent quote on time while Sales is down, and refuses to accept it after", async () => {
    const q = await clients.quotes.createQuote(
      CreateQuoteRequest.fromPartial({ opportunityId, currency: "USD", lines: { values: [{ productId: products[0]!.id, quantity: "1" }] }, validUntil: "2099-12-31", validTimeZone: "Europe/Warsaw" }),
      rep(),
    );
    const sent = await clients.quotes.sendQuote({ id: q.id, expectedVersion: q.version }, rep());
    const firesAt = Date.now() + EXPIRY_DELAY_MS;
    clients.close();
    await service.stop();
    // Sales is down at the instant the schedule fires; the server fires it and the stream keeps it.
    await sleep(Math.max(0, firesAt - Date.now()) + 2_000);
    service = await startSalesProcess({ grpcPort: testServerPort(21), database, env });
    clients = salesClientsAt(service.address);
    const expired = await eventually(() => clients.quotes.getQuote({ id: q.id }, rep()), (x) => x.status === QuoteStatus.QUOTE_STATUS_EXPIRED, "the quote expired");
    expect(expired.revision).toBe(sent.revision);
    // The state change and its event are written together; the outbox relays the event a moment later.
    const expiredEvents = async () => (await readStream(bus, fromSeq, "sales.quote.expired", decodeQuote)).filter((e) => e.meta.entityId === q.id);
    await eventually(expiredEvents, (e) => e.length >= 1, "the quote's expired event");
    await sleep(1_000);
    expect(await expiredEvents()).toHaveLength(1);
    const refused = await failureOf(clients.quotes.acceptQuote({ id: q.id, expectedVersion: "0" }, rep()));
    expect(refused).toMatchObject({ code: status.ABORTED, field: "valid_until" });
  });
});
