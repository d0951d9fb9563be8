/**
 * Exact arithmetic on the API's decimal amounts (money: at most 4 decimals, the kit's
 * DECIMAL_AMOUNT_PATTERN): integers of 1/10,000 ("units"), never floats. Results are rounded half
 * away from zero, as DuckDB's and PostgreSQL's casts of a DECIMAL round.
 */
const SCALE = 4;
const UNIT = 10n ** BigInt(SCALE);
const DECIMAL_TEXT = /^(-)?(\d+)(?:\.(\d{1,4}))?$/;

/** "-12.5" or "1234.5000" (a DECIMAL as text) → integer of ten-thousandths; throws on anything else. */
export function decimalUnits(text: string): bigint {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (!m) throw new Error(`not a decimal with at most ${SCALE} decimals: "${text}"`);
  const units = BigInt(m[2]!) * UNIT + BigInt((m[3] ?? "").padEnd(SCALE, "0"));
  return m[1] ? -units : units;
}

/** `n / d` rounded half away from zero to an integer. */
function divideRounded(n: bigint, d: bigint): bigint {
  const negative = n < 0n !== d < 0n && n !== 0n;
  const absN = n < 0n ? -n : n;
  const absD = d < 0n ? -d : d;
  const q = (2n * absN + absD) / (2n * absD);
  return negative ? -q : q;
}

/** Ten-thousandths → text with `decimals` decimals (0..4), rounded half away from zero ("-0.00" never). */
export function formatDecimal(units: bigint, decimals = 2): string {
  const kept = divideRounded(units, 10n ** BigInt(SCALE - decimals));
  const scale = 10n ** BigInt(decimals);
  const abs = kept < 0n ? -kept : kept;
  const fraction = decimals ? `.${String(abs % scale).padStart(decimals, "0")}` : "";
  return `${kept < 0n ? "-" : ""}${abs / scale}${fraction}`;
}

/** The exact sum of decimal texts, with two decimals; "" entries are no amount. */
export function sumDecimals(texts: readonly string[]): string {
  return formatDecimal(texts.filter((t) => t !== "").reduce((sum, t) => sum + decimalUnits(t), 0n));
}

/** numerator / denominator as a decimal fraction with `decimals` places ("0.7500"), half away from zero; "" when the denominator is 0. */
export function decimalRatio(numerator: bigint, denominator: bigint, decimals = 4): string {
  if (denominator === 0n) return "";
  const scale = 10n ** BigInt(decimals);
  const scaled = divideRounded(numerator * scale, denominator);
  const abs = scaled < 0n ? -scaled : scaled;
  const fraction = decimals ? `.${String(abs % scale).padStart(decimals, "0")}` : "";
  return `${scaled < 0n ? "-" : ""}${abs / scale}${fraction}`;
}

/**
 * `units × numerator / denominator` rounded once, half away from zero, to `decimals` decimals
 * (0..4), as units: the exact product is never rounded twice. `decimalProduct(q, p)` is
 * `mulDivRounded(q, p, 10_000n)`; a percentage of an amount is `mulDivRounded(a, pct, 100n * 10_000n)`.
 */
export function mulDivRounded(units: bigint, numerator: bigint, denominator: bigint, decimals = 2): bigint {
  if (denominator === 0n) throw new Error("division by zero");
  const step = 10n ** BigInt(SCALE - decimals);
  return divideRounded(units * numerator, denominator * step) * step;
}

/** a × b (both in units) rounded half away from zero to `decimals` decimals (two: cents), as units. */
export function decimalProduct(a: bigint, b: bigint, decimals = 2): bigint {
  return mulDivRounded(a, b, UNIT, decimals);
}

/** `percent` % of `units` (both in units), rounded half away from zero to `decimals` decimals, as units. */
export function percentOf(units: bigint, percent: bigint, decimals = 2): bigint {
  return mulDivRounded(units, percent, 100n * UNIT, decimals);
}

/** Units per 1 of a decimal (10,000): `decimalUnits("1") === DECIMAL_UNIT`. */
export const DECIMAL_UNIT = UNIT;
