import { decimalProduct, decimalUnits, formatDecimal, percentOf } from "@relata/platform";

/**
 * A quote's arithmetic (docs/commerce.md#rounding): exact decimals (the kit's 4-decimal units,
 * bigint), every amount of a line rounded to the cent half away from zero, once, from exact
 * operands; the totals are sums of the rounded line amounts, so a document that lists the
 * lines adds up to the cent.
 *
 * Per line: gross = qty × unit price; line discount = a percentage of gross, or an amount;
 * the quote's discount is allocated to the lines in proportion to their net after line
 * discounts, the cents left over going to the largest remainders (ties: the earlier line), so
 * the shares sum to the quote discount exactly; net = gross − line discount − share; tax = net ×
 * rate; total = net + tax.
 */

export type DiscountKind = "percent" | "amount";

export interface DiscountValue {
  kind: DiscountKind;
  /** A decimal string, at most 4 decimals: a percentage (0..100) or an amount. */
  value: string;
}

export interface PricedLineInput {
  quantity: string;
  unitPrice: string;
  discount?: DiscountValue;
  /** A percentage, "23"; "" is 0. */
  taxRate: string;
}

export interface LineAmounts {
  grossAmount: string;
  discountAmount: string;
  quoteDiscountAmount: string;
  netAmount: string;
  taxAmount: string;
  totalAmount: string;
}

export interface TaxSummaryRow {
  rate: string;
  base: string;
  amount: string;
}

export interface Totals {
  subtotal: string;
  lineDiscounts: string;
  quoteDiscount: string;
  net: string;
  tax: string;
  total: string;
  taxes: TaxSummaryRow[];
}

/** A rule of the arithmetic the input breaks, by the field that has it (a path under the quote). */
export class PricingProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const HUNDRED = decimalUnits("100");
const CENT = decimalUnits("0.01");

/** "23.5000" → "23.5", "8.00" → "8": the rate as the tax summary names it. */
export function normaliseRate(rate: string): string {
  const units = rate ? decimalUnits(rate) : 0n;
  return formatDecimal(units, 4).replace(/\.?0+$/, "") || "0";
}

function discountOf(base: bigint, discount: DiscountValue | undefined, field: string): bigint {
  if (!discount) return 0n;
  const value = decimalUnits(discount.value);
  if (value < 0n) throw new PricingProblem(field, "must not be negative");
  if (discount.kind === "percent") {
    if (value > HUNDRED) throw new PricingProblem(field, "a percentage must be at most 100");
    return percentOf(base, value);
  }
  // An amount is rounded to the cent like every amount of a line.
  const amount = percentOf(value, HUNDRED);
  if (amount > base) throw new PricingProblem(field, `the discount ${formatDecimal(amount)} exceeds the amount it applies to (${formatDecimal(base)})`);
  return amount;
}

/**
 * Splits `total` cents over `weights` (cents, ≥ 0) in proportion, by largest remainder: each
 * share is the floor of its exact part, and the cents left over go one each to the largest
 * remainders (ties: the earlier index). The shares sum to `total` exactly.
 */
export function allocateByLargestRemainder(total: bigint, weights: readonly bigint[]): bigint[] {
  const cents = total / CENT;
  const w = weights.map((x) => x / CENT);
  const sum = w.reduce((a, b) => a + b, 0n);
  if (cents === 0n || sum === 0n) return weights.map(() => 0n);
  const floors = w.map((x) => (cents * x) / sum);
  const remainders = w.map((x, i) => ({ i, r: (cents * x) % sum }));
  let left = cents - floors.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    floors[i]! += 1n;
    left -= 1n;
  }
  return floors.map((c) => c * CENT);
}

/** Every line's amounts and the totals; throws PricingProblem naming the field at fault ("lines.1.discount.value"). */
export function priceQuote(lines: readonly PricedLineInput[], quoteDiscount: DiscountValue | undefined): { lines: LineAmounts[]; totals: Totals } {
  const gross = lines.map((l, i) => {
    const q = decimalUnits(l.quantity);
    if (q <= 0n) throw new PricingProblem(`lines.${i}.quantity`, "must be greater than 0");
    const p = decimalUnits(l.unitPrice);
    if (p < 0n) throw new PricingProblem(`lines.${i}.unit_price`, "must not be negative");
    return decimalProduct(q, p);
  });
  const lineDiscount = lines.map((l, i) => discountOf(gross[i]!, l.discount, `lines.${i}.discount.value`));
  const afterLine = gross.map((g, i) => g - lineDiscount[i]!);
  const base = afterLine.reduce((a, b) => a + b, 0n);
  const quoteDiscountTotal = discountOf(base, quoteDiscount, "discount.value");
  const shares = allocateByLargestRemainder(quoteDiscountTotal, afterLine);
  const rows: (LineAmounts & { rate: string; units: { net: bigint; tax: bigint } })[] = lines.map((l, i) => {
    const net = afterLine[i]! - shares[i]!;
    const rate = l.taxRate ? decimalUnits(l.taxRate) : 0n;
    if (rate < 0n || rate > HUNDRED) throw new PricingProblem(`lines.${i}.tax_rate`, "must be a percentage from 0 to 100");
    const tax = percentOf(net, rate);
    return {
      grossAmount: formatDecimal(gross[i]!),
      discountAmount: formatDecimal(lineDiscount[i]!),
      quoteDiscountAmount: formatDecimal(shares[i]!),
      netAmount: formatDecimal(net),
      taxAmount: formatDecimal(tax),
      totalAmount: formatDecimal(net + tax),
      rate: normaliseRate(l.taxRate),
      units: { net, tax },
    };
  });
  const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
  const byRate = new Map<string, { base: bigint; amount: bigint }>();
  for (const row of rows) {
    const entry = byRate.get(row.rate) ?? { base: 0n, amount: 0n };
    entry.base += row.units.net;
    entry.amount += row.units.tax;
    byRate.set(row.rate, entry);
  }
  const net = sum(rows.map((r) => r.units.net));
  const tax = sum(rows.map((r) => r.units.tax));
  return {
    lines: rows.map(({ rate: _rate, units: _units, ...amounts }) => amounts),
    totals: {
      subtotal: formatDecimal(sum(gross)),
      lineDiscounts: formatDecimal(sum(lineDiscount)),
      quoteDiscount: formatDecimal(quoteDiscountTotal),
      net: formatDecimal(net),
      tax: formatDecimal(tax),
      total: formatDecimal(net + tax),
      taxes: [...byRate.entries()]
        .sort(([a], [b]) => (decimalUnits(a) < decimalUnits(b) ? -1 : decimalUnits(a) > decimalUnits(b) ? 1 : 0))
        .map(([rate, t]) => ({ rate, base: formatDecimal(t.base), amount: formatDecimal(t.amount) })),
    },
  };
}
