/**
 * Exact arithmetic on the money strings the store answers ("1234.50", two decimals): in BigInt
 * cents, never in floats.
 */

const CENTS = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

/** "1234.5" → 123450n. */
export function toCents(amount: string): bigint {
  const m = CENTS.exec(amount.trim());
  if (!m) throw new Error(`not a money amount with at most two decimals: "${amount}"`);
  const cents = BigInt(m[2]!) * 100n + BigInt((m[3] ?? "").padEnd(2, "0"));
  return m[1] ? -cents : cents;
}

/** 123450n → "1234.50"; -5n → "-0.05". */
export function fromCents(cents: bigint): string {
  const sign = cents < 0n ? "-" : "";
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
}

/** numerator / denominator as a decimal fraction with `decimals` places, half away from zero ("0.7500"); "" for a zero denominator. */
export function ratio(numerator: bigint, denominator: bigint, decimals = 4): string {
  if (denominator === 0n) return "";
  const negative = numerator < 0n !== denominator < 0n && numerator !== 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const scale = 10n ** BigInt(decimals);
  // Rounded half away from zero: (2n·scale + d) / 2d.
  const scaled = (2n * n * scale + d) / (2n * d);
  const whole = scaled / scale;
  const fraction = String(scaled % scale).padStart(decimals, "0");
  return `${negative ? "-" : ""}${whole}${decimals ? `.${fraction}` : ""}`;
}
