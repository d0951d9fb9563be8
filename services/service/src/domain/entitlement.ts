import { InvalidArgument } from "@relata/platform";

/**
 * Entitlements (service contracts): what support an account is owed. A case that opens takes
 * the entitlement that applies to it and uses one unit of it, once; a case for which none
 * applies is allowed and flagged.
 */

export const ENTITLEMENT_UNITS = ["cases", "hours"] as const;
/** What the allowance counts: cases, or hours of support. */
export type EntitlementUnit = (typeof ENTITLEMENT_UNITS)[number];

/**
 * The units a new case uses: one case, or on an allowance of hours one hour (the least a case
 * is charged; time worked beyond it is not counted against the allowance).
 */
export const UNITS_PER_CASE = 1;

/** The terms of an entitlement that decide whether it applies. Dates are calendar dates, both included. */
export interface EntitlementTerms {
  id: string;
  accountId: string;
  startDate: string;
  endDate: string;
  /** The case channels it covers (phone, email, web, chat, partner). */
  channels: readonly string[];
  allowance: number;
  unit: EntitlementUnit;
  active: boolean;
}

/** What of a new case decides its entitlement. */
export interface CaseFacts {
  accountId: string;
  channel: string;
  openedAt: Date;
}

/** Why an entitlement does not apply to a case ("" when it applies), given the units it has used. */
export function whyNotApplicable(e: EntitlementTerms, c: CaseFacts, used: number): string {
  if (!e.active) return "inactive";
  if (!c.accountId || e.accountId !== c.accountId) return "another account";
  // Dates are read in UTC: the date the case opened on, as the API shows its instants.
  const day = c.openedAt.toISOString().slice(0, 10);
  if (day < e.startDate) return "not started";
  if (day > e.endDate) return "ended";
  if (!e.channels.includes(c.channel)) return "channel not covered";
  if (unitsLeft(e, used) < UNITS_PER_CASE) return "used up";
  return "";
}

export function unitsLeft(e: Pick<EntitlementTerms, "allowance">, used: number): number {
  return Math.max(0, e.allowance - used);
}

/**
 * The entitlements that apply to a case, the one to use first first: the one that ends
 * soonest (its units would lapse first), then the one that started first, then by id.
 */
export function applicableEntitlements<E extends EntitlementTerms>(entitlements: readonly E[], c: CaseFacts, usedOf: (id: string) => number): E[] {
  return entitlements
    .filter((e) => whyNotApplicable(e, c, usedOf(e.id)) === "")
    .sort((a, b) => cmp(a.endDate, b.endDate) || cmp(a.startDate, b.startDate) || cmp(a.id, b.id));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The claim key of unit `n` (1-based) of an entitlement: `<entitlementId>:<n>`. */
export function unitKey(entitlementId: string, n: number): string {
  return `${entitlementId}:${n}`;
}

/**
 * The unit keys a case may still claim, in order: those after the units known to be used up
 * to the allowance (a concurrent case may take one of them first; the next is then tried).
 */
export function unitKeysToTry(e: Pick<EntitlementTerms, "id" | "allowance">, used: number): string[] {
  const keys: string[] = [];
  for (let n = used + 1; n <= e.allowance; n++) keys.push(unitKey(e.id, n));
  return keys;
}

const CALENDAR_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Checks an entitlement's dates and allowance, naming the field that fails. */
export function assertEntitlementTerms(terms: { startDate: string; endDate: string; allowance: number; channels: readonly string[] }): void {
  for (const [field, value] of [
    ["start_date", terms.startDate],
    ["end_date", terms.endDate],
  ] as const) {
    if (!CALENDAR_DATE.test(value) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
      throw new InvalidArgument(field, `${field}: a calendar date YYYY-MM-DD`);
    }
  }
  if (terms.endDate < terms.startDate) throw new InvalidArgument("end_date", "end_date: must not be before start_date");
  if (!Number.isInteger(terms.allowance) || terms.allowance < 1) throw new InvalidArgument("allowance", "allowance: a whole number of units, at least 1");
  if (terms.channels.length === 0) throw new InvalidArgument("channels", "channels: at least one channel the entitlement covers");
}
