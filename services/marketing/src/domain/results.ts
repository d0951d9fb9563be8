import { decimalRatio, decimalUnits } from "@relata/platform";

/**
 * Money arithmetic for results: amounts are decimal strings (at most 4 decimals, the kit's
 * DECIMAL_AMOUNT_PATTERN), summed as integers of 1/10,000 so that nothing is lost to floats.
 */
const DECIMALS = 4;
const FACTOR = 10n ** BigInt(DECIMALS);

/** An amount in 1/10,000 units (the kit's exact decimals); a malformed one (never written by the kit) is refused. */
export const toUnits = decimalUnits;

/** Units back to a decimal string with at least `minDecimals` decimals ("12500.00", "0.125"). */
export function fromUnits(units: bigint, minDecimals = 2): string {
  const sign = units < 0n ? "-" : "";
  const abs = units < 0n ? -units : units;
  let fraction = (abs % FACTOR).toString().padStart(DECIMALS, "0");
  while (fraction.length > minDecimals && fraction.endsWith("0")) fraction = fraction.slice(0, -1);
  return `${sign}${abs / FACTOR}${fraction ? `.${fraction}` : ""}`;
}

/** The sum of amounts per currency, in the order currencies first appear. */
export function sumByCurrency(amounts: readonly { amount: string; currency: string }[]): { amount: string; currency: string }[] {
  const sums = new Map<string, bigint>();
  for (const m of amounts) sums.set(m.currency, (sums.get(m.currency) ?? 0n) + toUnits(m.amount));
  return [...sums].map(([currency, units]) => ({ amount: fromUnits(units), currency }));
}

/**
 * Return on investment, (won − cost) / cost with 4 decimals rounded half away from zero; null
 * without a cost, or when the won revenue is in another currency than the cost or in several
 * (no exchange rates here). No won revenue at all is a return of -1.
 */
export function returnOnInvestment(won: readonly { amount: string; currency: string }[], cost: { amount: string; currency: string } | undefined): string | null {
  if (!cost || toUnits(cost.amount) === 0n) return null;
  if (won.some((m) => m.currency !== cost.currency)) return null;
  const wonUnits = won.reduce((sum, m) => sum + toUnits(m.amount), 0n);
  const costUnits = toUnits(cost.amount);
  return decimalRatio(wonUnits - costUnits, costUnits, DECIMALS);
}

export type OpportunityStatusWord = "open" | "won" | "lost";

/** One version of an opportunity made from a lead, as Sales' event reported it. */
export interface OpportunityVersion {
  opportunityId: string;
  version: number;
  status: OpportunityStatusWord;
  amount: string;
  currency: string;
  deleted: boolean;
}

/** Each opportunity as its latest version left it (an older version delivered later never wins); deleted ones left out. */
export function latestOpportunities(versions: readonly OpportunityVersion[]): OpportunityVersion[] {
  const latest = new Map<string, OpportunityVersion>();
  for (const v of versions) {
    const seen = latest.get(v.opportunityId);
    if (!seen || v.version > seen.version) latest.set(v.opportunityId, v);
  }
  return [...latest.values()].filter((v) => !v.deleted);
}
