import { normalised, pdfText } from "@relata/testing";
import { as, call, expectProblem, gatewayUrl, runId } from "./support/api";

// The commerce journey through the gateway on the running platform (docs/commerce.md):
// products and a price list (tenant-admin), a quote of three lines with a discount and two tax
// rates priced to the cent, a revision after a change to the sent quote, acceptance, one order
// from 20 concurrent requests, the opportunity's amount following the quote; roles and tenants.
jest.setTimeout(120_000);

let admin: string;
let rep: string;
const productIds: string[] = [];
let priceListId = "";
let opportunityId = "";
let quoteId = "";
let orderId = "";

beforeAll(async () => {
  admin = await as("acme-tenant-admin");
  rep = await as("acme-sales-rep");
});

const lines = (lastQuantity: string) => [
  { productId: productIds[0], quantity: "3", taxRate: "23" },
  { productId: productIds[1], quantity: "0.3333", discount: { kind: "percent", value: "12.5" }, taxRate: "23" },
  { productId: productIds[2], quantity: lastQuantity, taxRate: "8" },
];

describe("commerce through the gateway", () => {
  it("lets a tenant-admin set up products and a price list, and refuses a sales-rep the price list", async () => {
    for (const [suffix, name, unit] of [
      ["LIC", "Licence", "licence"],
      ["SUP", "Support", "hour"],
      ["TRN", "Training", "day"],
    ]) {
      const res = await call("POST", "/v1/products", { token: admin, body: { code: `${suffix}-${runId}`, name, unit, family: "E2E" } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ active: true, unit });
      productIds.push(res.body.id);
    }
    const list = await call("POST", "/v1/price-lists", {
      token: admin,
      body: {
        name: `E2E ${runId}`,
        currency: "EUR",
        validFrom: "2020-01-01",
        entries: [
          { productId: productIds[0], unitPrice: "0.335" },
          { productId: productIds[1], unitPrice: "30" },
          { productId: productIds[2], unitPrice: "12.99" },
        ],
      },
    });
    expect(list.status).toBe(201);
    priceListId = list.body.id;

    expectProblem(await call("PATCH", `/v1/price-lists/${priceListId}`, { token: rep, body: { name: "Cheaper" } }), 403);
    expectProblem(await call("POST", "/v1/price-lists", { token: rep, body: { name: "Mine", currency: "EUR" } }), 403);
    // A rep may read them, and may not override a price on a quote line.
    expect((await call("GET", `/v1/price-lists/${priceListId}`, { token: rep })).status).toBe(200);
  });

  it("prices a three-line quote with a discount and two tax rates to the cent", async () => {
    const account = await call("POST", "/v1/accounts", { token: rep, body: { name: `Commerce ${runId}` } });
    const opportunity = await call("POST", "/v1/opportunities", { token: rep, body: { accountId: account.body.id, name: `Deal ${runId}` } });
    opportunityId = opportunity.body.id;

    const overridden = await call("POST", "/v1/quotes", {
      token: rep,
      body: { opportunityId, priceListId, lines: [{ productId: productIds[0], quantity: "1", unitPrice: "0.10" }] },
    });
    expectProblem(overridden, 403, "lines.0.unitPrice");

    const res = await call("POST", "/v1/quotes", {
      token: rep,
      body: { opportunityId, priceListId, primary: true, lines: lines("7"), discount: { kind: "amount", value: "10.01" }, validUntil: "2099-12-31", validTimeZone: "Europe/Warsaw" },
    });
    expect(res.status).toBe(201);
    quoteId = res.body.id;
    // By hand (each line's amounts rounded to the cent, half up; docs/commerce.md#rounding):
    //   LIC 3 × 0.335 = 1.005 → 1.01                       (23 %)
    //   SUP 0.3333 × 30 = 9.999 → 10.00; −12.5 % = 1.25 → 8.75 (23 %)
    //   TRN 7 × 12.99 = 90.93                               (8 %)
    //   subtotal 101.94, line discounts 1.25, base 100.69 = 10069 cents.
    //   Quote discount 10.01 = 1001 cents in proportion: 1001×101/10069 = 10 r 411,
    //   1001×875/10069 = 86 r 9941, 1001×9093/10069 = 903 r 9786 → 999 cents; the 2 left go to
    //   the largest remainders (SUP, TRN): 0.10, 0.87, 9.04.
    //   Nets 0.91, 7.88, 81.89 = 90.68; tax 0.2093 → 0.21, 1.8124 → 1.81, 6.5512 → 6.55 = 8.57;
    //   total 99.25; by rate: 8 % on 81.89 = 6.55, 23 % on 8.79 = 2.02.
    expect(res.body).toMatchObject({ revision: 1, status: "draft", currency: "EUR", primary: true, validTimeZone: "Europe/Warsaw" });
    expect(res.body.number).toMatch(/^Q-\d{6,}$/);
    expect(res.body.lines.map((l: any) => [l.grossAmount, l.discountAmount, l.quoteDiscountAmount, l.netAmount, l.taxAmount, l.totalAmount])).toEqual([
      ["1.01", "0.00", "0.10", "0.91", "0.21", "1.12"],
      ["10.00", "1.25", "0.87", "7.88", "1.81", "9.69"],
      ["90.93", "0.00", "9.04", "81.89", "6.55", "88.44"],
    ]);
    expect(res.body.totals).toEqual({
      subtotal: "101.94",
      lineDiscounts: "1.25",
      quoteDiscount: "10.01",
      net: "90.68",
      tax: "8.57",
      total: "99.25",
      taxes: [
        { rate: "8", base: "81.89", amount: "6.55" },
        { rate: "23", base: "8.79", amount: "2.02" },
      ],
    });
    const opportunityNow = await call("GET", `/v1/opportunities/${opportunityId}`, { token: rep });
    expect(opportunityNow.body).toMatchObject({ amount: { amount: "90.68", currency: "EUR" }, primaryQuoteId: quoteId });
  });

  it("sends the quote, makes revision 2 on a change, and accepts it", async () => {
    const sent = await call("POST", `/v1/quotes/${quoteId}/send`, { token: rep, headers: { "if-match": '"1"' } });
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe("sent");
    // A stale If-Match is refused.
    expectProblem(await call("POST", `/v1/quotes/${quoteId}/accept`, { token: rep, headers: { "if-match": '"1"' } }), 412);

    const keep = sent.body.lines.map((l: any, i: number) => ({ ...lines("8")[i], id: l.id }));
    const revised = await call("PATCH", `/v1/quotes/${quoteId}`, { token: rep, body: { lines: keep }, headers: { "if-match": `"${sent.body.version}"` } });
    expect(revised.status).toBe(200);
    // Revision 2: TRN 8 × 12.99 = 103.92; base 1.01 + 8.75 + 103.92 = 113.68 = 11368 cents.
    //   1001×101/11368 = 8 r 10157, 1001×875/11368 = 77 r 539, 1001×10392/11368 = 915 r 672 → 1000;
    //   the cent left goes to LIC: shares 0.09, 0.77, 9.15. Nets 0.92, 7.98, 94.77 = 103.67;
    //   tax 0.2116 → 0.21, 1.8354 → 1.84, 7.5816 → 7.58 = 9.63; total 113.30; subtotal 114.93.
    expect(revised.body).toMatchObject({ revision: 2, status: "draft" });
    expect(revised.body.totals).toMatchObject({ subtotal: "114.93", lineDiscounts: "1.25", quoteDiscount: "10.01", net: "103.67", tax: "9.63", total: "113.30" });
    const revisions = await call("GET", `/v1/quotes/${quoteId}/revisions`, { token: rep });
    expect(revisions.body.data.map((r: any) => [r.revision, r.status, r.totals.total])).toEqual([
      [1, "sent", "99.25"],
      [2, "draft", "113.30"],
    ]);
    expect((await call("GET", `/v1/quotes/${quoteId}/revisions/1`, { token: rep })).body.totals.net).toBe("90.68");
    // The opportunity follows the primary quote's net total.
    expect((await call("GET", `/v1/opportunities/${opportunityId}`, { token: rep })).body.amount).toEqual({ amount: "103.67", currency: "EUR" });

    const sentAgain = await call("POST", `/v1/quotes/${quoteId}/send`, { token: rep });
    const accepted = await call("POST", `/v1/quotes/${quoteId}/accept`, { token: rep, headers: { "if-match": `"${sentAgain.body.version}"` } });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: "accepted", revision: 2 });
  });

  it("makes one order from 20 concurrent requests", async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => call("POST", "/v1/orders", { token: rep, body: { quoteId } })));
    // The request that made it answers 201, every other one 200 with the same order.
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(19);
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    orderId = answers[0]!.body.id;
    const order = answers.find((a) => a.status === 201)!.body;
    expect(order).toMatchObject({ status: "submitted", quoteId, quoteRevision: 2, currency: "EUR", totals: { net: "103.67", total: "113.30" } });
    expect(order.number).toMatch(/^O-\d{6,}$/);
    expect(order.submittedAt).toBeTruthy();
    expect((await call("GET", `/v1/quotes/${quoteId}`, { token: rep })).body.orderId).toBe(orderId);
    expect((await call("GET", `/v1/orders?quoteId=${quoteId}`, { token: rep })).body.data.map((o: any) => o.id)).toEqual([orderId]);
    expect((await call("GET", `/v1/opportunities/${opportunityId}`, { token: rep })).body.amount).toEqual({ amount: "103.67", currency: "EUR" });
  });

  it("keeps another tenant out (404)", async () => {
    const globex = await as("globex-tenant-admin");
    expectProblem(await call("GET", `/v1/quotes/${quoteId}`, { token: globex }), 404);
    expectProblem(await call("GET", `/v1/orders/${orderId}`, { token: globex }), 404);
    expectProblem(await call("GET", `/v1/price-lists/${priceListId}`, { token: globex }), 404);
    expectProblem(await call("GET", `/v1/products/${productIds[0]}`, { token: globex }), 404);
  });
});

describe("the proposal document through the gateway", () => {
  /** A quote of one training day (12.99, VAT 8 %: net 12.99, tax 1.0392 → 1.04, total 14.03) for a customer of that name. */
  async function quoteFor(accountName: string, first: string, last: string, language: string): Promise<string> {
    const account = await call("POST", "/v1/accounts", { token: rep, body: { name: accountName } });
    const contact = await call("POST", "/v1/contacts", { token: rep, body: { accountId: account.body.id, firstName: first, lastName: last } });
    const opportunity = await call("POST", "/v1/opportunities", { token: rep, body: { accountId: account.body.id, name: `Proposal ${runId}` } });
    const quote = await call("POST", "/v1/quotes", {
      token: rep,
      body: { opportunityId: opportunity.body.id, contactId: contact.body.id, priceListId, language, lines: [{ productId: productIds[2], quantity: "1", taxRate: "8" }] },
    });
    expect(quote.status).toBe(201);
    expect(quote.body.totals).toMatchObject({ net: "12.99", tax: "1.04", total: "14.03" });
    return quote.body.id;
  }

  async function documentText(id: string, token: string): Promise<string> {
    const res = await fetch(`${gatewayUrl}/v1/quotes/${id}/document`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/pdf/);
    return normalised(pdfText(Buffer.from(await res.arrayBuffer())).text);
  }

  it("prints the seller, a Polish and a Cyrillic customer and the total, as text a reader extracts", async () => {
    const profile = await call("PUT", "/v1/proposal-profile", { token: admin, body: { companyName: "Acme Polska Sp. z o.o.", defaultTerms: "Płatność w ciągu 14 dni." } });
    expect(profile.status).toBe(200);

    const polish = await documentText(await quoteFor(`Zażółć Gęślą Jaźń ${runId}`, "Łukasz", "Żółkiewski", "pl"), rep);
    expect(polish).toContain("Acme Polska Sp. z o.o.");
    expect(polish).toContain(`Zażółć Gęślą Jaźń ${runId}`);
    expect(polish).toContain("Łukasz Żółkiewski");
    expect(polish).toContain("14,03 €");
    expect(polish).toContain("Płatność w ciągu 14 dni.");

    const russian = await documentText(await quoteFor(`ООО «Ромашка» ${runId}`, "Юлия", "Ковальчук", "ru"), rep);
    expect(russian).toContain(`ООО «Ромашка» ${runId}`);
    expect(russian).toContain("Юлия Ковальчук");
    expect(russian).toContain("14,03 €");
  });

  it("keeps another tenant's quote out (404)", async () => {
    const res = await call("GET", `/v1/quotes/${quoteId}/document`, { token: await as("globex-sales-rep") });
    expectProblem(res, 404);
  });
});
