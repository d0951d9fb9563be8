import { CURRENCY_CODES, DECIMAL_AMOUNT_PATTERN } from "@relata/platform/resource";
import type { Money } from "./types";

// The amount's shape and the currency list are the kit's, the ones every described Money field
// and the published OpenAPI use: one rule on both sides.
const CURRENCY_SHAPE = /^[A-Z]{3}$/;
const KNOWN_CURRENCIES = new Set<string>(CURRENCY_CODES);

/** At most 15 integer digits and 4 decimals, no sign, no exponent: "12500", "12500.5", "0.0001". */
export function isDecimalAmount(value: string): boolean {
  return DECIMAL_AMOUNT_PATTERN.test(value);
}

/**
 * The problem with an amount, by the field that has it ("amount" / "currency" relative to the
 * Money), or undefined when it is valid.
 */
export function moneyProblem(money: Money): { field: "amount" | "currency"; message: string } | undefined {
  if (!isDecimalAmount(money.amount)) {
    return { field: "amount", message: "must be a decimal string with at most 15 digits and 4 decimals, such as 12500.00" };
  }
  if (!CURRENCY_SHAPE.test(money.currency)) return { field: "currency", message: "must be an ISO 4217 code of 3 upper-case letters" };
  if (!KNOWN_CURRENCIES.has(money.currency)) return { field: "currency", message: `${money.currency} is not an ISO 4217 currency` };
  return undefined;
}
