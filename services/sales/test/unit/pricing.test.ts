import { allocateByLargestRemainder, normaliseRate, priceQuote, PricingProblem } from "../../src/domain/pricing";
import { decimalUnits } from "@relata/platform";

// Hand computations of the rounding rule (docs/commerce.md#rounding): every amount of a line is
// rounded to the cent, half away from zero, once, from exact operands.
describe("quote pricing", () => {
  it("rounds x.xx5 products up, once (never a 4-decimal rounding first)", () => {
    // 3 × 0.335 = 1.005 → 1.01; 1 × 2.665 = 2.665 → 2.67 (half-even would give 2.66);
    // 0.4999 × 0.01 = 0.004999 → 0.00 (a 4-decimal step, 0.0050, would give 0.01).
    const { lines, totals } = priceQuote(
      [
        { quantity: "3", unitPrice: "0.335", taxRate: "" },
        { quantity: "1", unitPrice: "2.665", taxRate: "" },
        { quantity: "0.4999", unitPrice: "0.01", taxRate: "" },
      ],
      undefined,
    );
    expect(lines.map((l) => l.grossAmount)).toEqual(["1.01", "2.67", "0.00"]);
    expect(totals).toMatchObject({ subtotal: "3.68", net: "3.68", tax: "0.00", total: "3.68" });
  });

  it("prices a third of a unit to the cent", () => {
    // 0.3333 × 30 = 9.999 → 10.00; 0.3333 × 10 = 3.333 → 3.33; tax 23 % of 10.00 = 2.30, of 3.33 = 0.7659 → 0.77.
    const { lines, totals } = priceQuote(
      [
        { quantity: "0.3333", unitPrice: "30", taxRate: "23" },
        { quantity: "0.3333", unitPrice: "10", taxRate: "23" },
      ],
      undefined,
    );
    expect(lines.map((l) => [l.grossAmount, l.taxAmount, l.totalAmount])).toEqual([
      ["10.00", "2.30", "12.30"],
      ["3.33", "0.77", "4.10"],
    ]);
    // The total is the sum of the rounded lines (13.33 × 23 % would be 3.0659 → 3.07, the same here by chance).
    expect(totals).toMatchObject({ net: "13.33", tax: "3.07", total: "16.40" });
  });

  it("takes a percentage discount that does not divide evenly, per line", () => {
    // 50 % of 10.05 = 5.025 → 5.03, net 5.02; 15 % of 3 × 3.33 = 9.99 → 1.4985 → 1.50, net 8.49.
    const { lines, totals } = priceQuote(
      [
        { quantity: "1", unitPrice: "10.05", discount: { kind: "percent", value: "50" }, taxRate: "0" },
        { quantity: "3", unitPrice: "3.33", discount: { kind: "percent", value: "15" }, taxRate: "0" },
      ],
      undefined,
    );
    expect(lines.map((l) => [l.discountAmount, l.netAmount])).toEqual([
      ["5.03", "5.02"],
      ["1.50", "8.49"],
    ]);
    expect(totals).toMatchObject({ subtotal: "20.04", lineDiscounts: "6.53", net: "13.51" });
  });

  it("spreads a quote discount over lines of two tax rates by largest remainder", () => {
    // Nets 100.00, 50.00, 50.00 (weights 10000, 5000, 5000 cents); quote discount 10.01 = 1001 cents:
    // exact shares 500.5, 250.25, 250.25 → floors 500, 250, 250 (1000), the cent left goes to the
    // largest remainder (line 1): 5.01, 2.50, 2.50. Nets 94.99, 47.50, 47.50.
    // Tax: 94.99 × 23 % = 21.8477 → 21.85; 47.50 × 8 % = 3.80 (twice). Net 189.99, tax 29.45, total 219.44.
    const { lines, totals } = priceQuote(
      [
        { quantity: "1", unitPrice: "100", taxRate: "23" },
        { quantity: "2", unitPrice: "25", taxRate: "8" },
        { quantity: "1", unitPrice: "50", taxRate: "8.00" },
      ],
      { kind: "amount", value: "10.01" },
    );
    expect(lines.map((l) => [l.quoteDiscountAmount, l.netAmount, l.taxAmount, l.totalAmount])).toEqual([
      ["5.01", "94.99", "21.85", "116.84"],
      ["2.50", "47.50", "3.80", "51.30"],
      ["2.50", "47.50", "3.80", "51.30"],
    ]);
    expect(totals).toEqual({
      subtotal: "200.00",
      lineDiscounts: "0.00",
      quoteDiscount: "10.01",
      net: "189.99",
      tax: "29.45",
      total: "219.44",
      taxes: [
        { rate: "8", base: "95.00", amount: "7.60" },
        { rate: "23", base: "94.99", amount: "21.85" },
      ],
    });
  });

  it("gives the cent of a percentage quote discount on equal lines to the earliest", () => {
    // 33.3333 % of 3.00 = 0.99999 → 1.00 = 100 cents over three equal lines: 33 each and the cent left to line 1.
    const { lines, totals } = priceQuote(
      [1, 2, 3].map(() => ({ quantity: "1", unitPrice: "1", taxRate: "" })),
      { kind: "percent", value: "33.3333" },
    );
    expect(lines.map((l) => l.quoteDiscountAmount)).toEqual(["0.34", "0.33", "0.33"]);
    expect(totals).toMatchObject({ quoteDiscount: "1.00", net: "2.00" });
  });

  it("applies a quote discount after the line discounts", () => {
    // Line 1: 200.00 − 10 % (20.00) = 180.00; line 2: 40.00 − 5.00 = 35.00; base 215.00.
    // Quote 5 % of 215.00 = 10.75 → shares 1075 × 18000/21500 = 900 (r 0), 1075 × 3500/21500 = 175 (r 0): 9.00 and 1.75.
    const { lines, totals } = priceQuote(
      [
        { quantity: "2", unitPrice: "100", discount: { kind: "percent", value: "10" }, taxRate: "20" },
        { quantity: "4", unitPrice: "10", discount: { kind: "amount", value: "5" }, taxRate: "20" },
      ],
      { kind: "percent", value: "5" },
    );
    expect(lines.map((l) => [l.discountAmount, l.quoteDiscountAmount, l.netAmount, l.taxAmount])).toEqual([
      ["20.00", "9.00", "171.00", "34.20"],
      ["5.00", "1.75", "33.25", "6.65"],
    ]);
    expect(totals).toMatchObject({ subtotal: "240.00", lineDiscounts: "25.00", quoteDiscount: "10.75", net: "204.25", tax: "40.85", total: "245.10" });
  });

  it("names the field of a discount or rate it cannot apply", () => {
    const line = { quantity: "1", unitPrice: "10", taxRate: "" };
    const problem = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof PricingProblem ? err.field : String(err);
      }
      return "none";
    };
    expect(problem(() => priceQuote([{ ...line, discount: { kind: "amount", value: "10.01" } }], undefined))).toBe("lines.0.discount.value");
    expect(problem(() => priceQuote([{ ...line, discount: { kind: "percent", value: "100.5" } }], undefined))).toBe("lines.0.discount.value");
    expect(problem(() => priceQuote([line], { kind: "amount", value: "11" }))).toBe("discount.value");
    expect(problem(() => priceQuote([{ ...line, taxRate: "101" }], undefined))).toBe("lines.0.tax_rate");
    expect(problem(() => priceQuote([{ ...line, quantity: "0" }], undefined))).toBe("lines.0.quantity");
    // A whole discount is fine: net 0.
    expect(priceQuote([{ ...line, discount: { kind: "amount", value: "10" } }], undefined).totals.net).toBe("0.00");
  });

  it("allocates by largest remainder so the shares sum exactly", () => {
    const c = (x: string) => decimalUnits(x);
    const shares = allocateByLargestRemainder(c("0.05"), [c("1.00"), c("1.00"), c("1.00")]);
    expect(shares.map(String)).toEqual([c("0.02"), c("0.02"), c("0.01")].map(String));
    expect(allocateByLargestRemainder(c("1.00"), [0n, 0n]).map(String)).toEqual(["0", "0"]);
    expect(normaliseRate("23.5000")).toBe("23.5");
    expect(normaliseRate("")).toBe("0");
  });
});
