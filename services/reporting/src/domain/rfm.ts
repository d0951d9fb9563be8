/**
 * Customer value as pure functions (docs/reporting.md, "Customer value"): RFM scores, RFM
 * classes, the Pareto (ABC) cut and the churn-risk rule. Money is a bigint of ten-thousandths
 * (the store's DECIMAL(19,4)), so sums and shares are exact.
 */

/** Churn risk: the last purchase is more than this many days old (time-zone days)... */
export const CHURN_NO_PURCHASE_DAYS = 180;
/** ...and no activity on the account within this many days (24-hour days before now). */
export const CHURN_NO_ACTIVITY_DAYS = 90;

/** The Pareto cuts: class "a" reaches 80% of revenue, "a" + "b" reach 95%. */
export const PARETO_A_PERCENT = 80n;
export const PARETO_B_PERCENT = 95n;

/** The RFM classes in the order of the rule table; the first rule a customer meets wins. */
export const RFM_CLASSES = ["champions", "loyal", "new", "potential", "needs_attention", "at_risk", "lost", "hibernating"] as const;
export type RfmClass = (typeof RFM_CLASSES)[number];

export type ValueClass = "a" | "b" | "c";

/** What the store gives of a customer (an account with at least one won deal in the currency). */
export interface CustomerFacts {
  accountId: string;
  /** Lifetime won revenue in ten-thousandths. */
  revenue: bigint;
  purchases: number;
  recencyDays: number;
  /** Days since the last activity on the account (24-hour days), or null when it has none. */
  daysSinceActivity: number | null;
}

export interface CustomerScores {
  recencyScore: number;
  frequencyScore: number;
  monetaryScore: number;
  rfmClass: RfmClass;
  valueClass: ValueClass;
  churnRisk: boolean;
  churnReason: string;
}

/**
 * A score 1..5 (5 best) per customer: ceil(5 × c / n), where c is the number of customers whose
 * metric is no better than this one's (itself included) and n the customers. Ties get the same
 * score (the higher one); the best customer always has 5; with n a multiple of 5 and no ties it
 * is NTILE(5).
 */
export function quintileScores<T>(items: readonly T[], compare: (a: T, b: T) => number): number[] {
  const n = items.length;
  const order = items.map((_, i) => i).sort((a, b) => compare(items[a]!, items[b]!));
  const scores = new Array<number>(n);
  // Walk from the worst; a run of ties all take the count up to the run's end.
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && compare(items[order[end]!]!, items[order[start]!]!) === 0) end++;
    const score = Math.ceil((5 * end) / n);
    for (let k = start; k < end; k++) scores[order[k]!] = score;
    start = end;
  }
  return scores;
}

/** The RFM class table (first match wins); every combination of scores meets one rule. */
export function rfmClass(r: number, f: number, m: number): RfmClass {
  if (r >= 4 && f >= 4 && m >= 4) return "champions";
  if (r >= 3 && f >= 4) return "loyal";
  if (r === 5 && f === 1) return "new";
  if (r >= 4) return "potential"; // f ≤ 3
  if (r === 3) return "needs_attention"; // f ≤ 3
  if (f >= 3) return "at_risk"; // r ≤ 2
  if (r === 1 && f === 1) return "lost";
  return "hibernating"; // r ≤ 2, f ≤ 2
}

const compareRevenueDesc = (a: CustomerFacts, b: CustomerFacts) => (a.revenue === b.revenue ? (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0) : a.revenue > b.revenue ? -1 : 1);

export interface ParetoCut {
  /** The customers by revenue, highest first (ties: account id ascending). */
  ordered: CustomerFacts[];
  total: bigint;
  /** The fewest customers (from the top) whose revenue reaches 80% of the total, and their revenue. */
  topCount: number;
  topRevenue: bigint;
  /** The fewest customers reaching 95%: those after the top ones are "b", the rest "c". */
  upTo95Count: number;
}

/** The fewest customers from the top whose cumulative revenue × 100 ≥ total × percent (0 when the total is 0). */
function fewestReaching(ordered: readonly CustomerFacts[], total: bigint, percent: bigint): number {
  if (total <= 0n) return 0;
  let cumulative = 0n;
  for (let i = 0; i < ordered.length; i++) {
    cumulative += ordered[i]!.revenue;
    if (cumulative * 100n >= total * percent) return i + 1;
  }
  return ordered.length;
}

export function paretoCut(customers: readonly CustomerFacts[]): ParetoCut {
  const ordered = [...customers].sort(compareRevenueDesc);
  const total = ordered.reduce((sum, c) => sum + c.revenue, 0n);
  const topCount = fewestReaching(ordered, total, PARETO_A_PERCENT);
  const topRevenue = ordered.slice(0, topCount).reduce((sum, c) => sum + c.revenue, 0n);
  return { ordered, total, topCount, topRevenue, upTo95Count: fewestReaching(ordered, total, PARETO_B_PERCENT) };
}

/** Churn risk: no purchase for more than 180 days and no activity in the last 90 days. */
export function churnRisk(c: Pick<CustomerFacts, "recencyDays" | "daysSinceActivity">): { churnRisk: boolean; churnReason: string } {
  const quietPurchases = c.recencyDays > CHURN_NO_PURCHASE_DAYS;
  const quietActivity = c.daysSinceActivity === null || c.daysSinceActivity >= CHURN_NO_ACTIVITY_DAYS;
  if (!quietPurchases || !quietActivity) return { churnRisk: false, churnReason: "" };
  const activity = c.daysSinceActivity === null ? "no activity ever" : `no activity in the last ${CHURN_NO_ACTIVITY_DAYS} days`;
  return { churnRisk: true, churnReason: `no purchase for ${c.recencyDays} days (over ${CHURN_NO_PURCHASE_DAYS}) and ${activity}` };
}

/** Scores, classes and churn risk of every customer, keyed by account id, plus the Pareto cut. */
export function scoreCustomers(customers: readonly CustomerFacts[]): { scores: Map<string, CustomerScores>; pareto: ParetoCut } {
  // Recency: fewer days is better; frequency and revenue: more is better.
  const recency = quintileScores(customers, (a, b) => b.recencyDays - a.recencyDays);
  const frequency = quintileScores(customers, (a, b) => a.purchases - b.purchases);
  const monetary = quintileScores(customers, (a, b) => (a.revenue === b.revenue ? 0 : a.revenue < b.revenue ? -1 : 1));
  const pareto = paretoCut(customers);
  const valueClass = new Map<string, ValueClass>(pareto.ordered.map((c, i) => [c.accountId, i < pareto.topCount ? "a" : i < pareto.upTo95Count ? "b" : "c"]));
  const scores = new Map<string, CustomerScores>();
  customers.forEach((c, i) => {
    const [r, f, m] = [recency[i]!, frequency[i]!, monetary[i]!];
    scores.set(c.accountId, { recencyScore: r, frequencyScore: f, monetaryScore: m, rfmClass: rfmClass(r, f, m), valueClass: valueClass.get(c.accountId)!, ...churnRisk(c) });
  });
  return { scores, pareto };
}
