import { decimalUnits, formatDecimal } from "@relata/platform";
import { churnRisk, paretoCut, quintileScores, rfmClass, scoreCustomers, type CustomerFacts } from "../../src/domain/rfm";
import { CustomerValueQuery } from "../../src/http/schemas/customer-value";

// Ten customers worked out by hand (revenue total 10,000.00). Scores are ceil(5 × c / 10), c the
// customers whose metric is no better (itself included).
const table: Array<[string, string, number, number, number | null]> = [
  // id, revenue, purchases, recency days, days since activity
  ["c01", "5000.00", 8, 5, 1],
  ["c02", "2000.00", 6, 20, null],
  ["c03", "1000.00", 5, 40, 10],
  ["c04", "800.00", 4, 300, 200],
  ["c05", "500.00", 3, 10, null],
  ["c06", "300.00", 2, 200, 30],
  ["c07", "200.00", 2, 100, null],
  ["c08", "100.00", 1, 2, null],
  ["c09", "60.00", 1, 400, null],
  ["c10", "40.00", 1, 181, 90],
];
const customers: CustomerFacts[] = table.map(([accountId, revenue, purchases, recencyDays, daysSinceActivity]) => ({ accountId, revenue: decimalUnits(revenue), purchases, recencyDays, daysSinceActivity }));

test("scores, classes, value classes and churn risk of ten customers are the hand-computed ones", () => {
  const { scores } = scoreCustomers(customers);
  const got = Object.fromEntries([...scores].map(([id, s]) => [id, [s.recencyScore, s.frequencyScore, s.monetaryScore, s.rfmClass, s.valueClass, s.churnRisk]]));
  expect(got).toEqual({
    c01: [5, 5, 5, "champions", "a", false],
    c02: [4, 5, 5, "champions", "a", false],
    c03: [3, 4, 4, "loyal", "a", false],
    c04: [1, 4, 4, "at_risk", "b", true],
    c05: [4, 3, 3, "potential", "b", false],
    c06: [2, 3, 3, "at_risk", "b", false], // 200 days, but an activity 30 days ago
    c07: [3, 3, 2, "needs_attention", "c", false],
    c08: [5, 2, 2, "potential", "c", false], // three customers tie on 1 purchase: F = ceil(5 × 3 / 10) = 2
    c09: [1, 2, 1, "hibernating", "c", true], // never any activity
    c10: [2, 2, 1, "hibernating", "c", true], // 181 days and the last activity exactly 90 days ago
  });
  expect(scores.get("c04")!.churnReason).toBe("no purchase for 300 days (over 180) and no activity in the last 90 days");
  expect(scores.get("c09")!.churnReason).toBe("no purchase for 400 days (over 180) and no activity ever");
  expect(scores.get("c06")!.churnReason).toBe("");
});

test("the Pareto cut is the fewest customers reaching 80% of revenue; b runs to 95%", () => {
  const cut = paretoCut(customers);
  expect(cut.ordered.map((c) => c.accountId)).toEqual(["c01", "c02", "c03", "c04", "c05", "c06", "c07", "c08", "c09", "c10"]);
  expect(formatDecimal(cut.total)).toBe("10000.00");
  // 5000 (50%), 7000 (70%), 8000 (80%: reached) → 3; 8800, 9300, 9600 (96%) → 6.
  expect([cut.topCount, formatDecimal(cut.topRevenue), cut.upTo95Count]).toEqual([3, "8000.00", 6]);
});

test("equal revenues are ordered by account id, and a cut just short of 80% takes one more customer", () => {
  const cut = paretoCut([
    { accountId: "b", revenue: decimalUnits("39.99"), purchases: 1, recencyDays: 1, daysSinceActivity: null },
    { accountId: "a", revenue: decimalUnits("39.99"), purchases: 1, recencyDays: 1, daysSinceActivity: null },
    { accountId: "c", revenue: decimalUnits("20.02"), purchases: 1, recencyDays: 1, daysSinceActivity: null },
  ]);
  // 39.99 + 39.99 = 79.98 of 100.00: short of 80% by 0.02.
  expect(cut.ordered.map((c) => c.accountId)).toEqual(["a", "b", "c"]);
  expect([cut.topCount, cut.upTo95Count]).toEqual([3, 3]);
  expect(paretoCut([]).topCount).toBe(0);
  expect(paretoCut([{ accountId: "z", revenue: 0n, purchases: 1, recencyDays: 0, daysSinceActivity: null }]).topCount).toBe(0);
});

test("quintile scores: ties share the higher score, the best is 5, a single customer is 5", () => {
  expect(quintileScores([10, 20, 30, 40, 50], (a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
  expect(quintileScores([10, 10, 30, 40], (a, b) => a - b)).toEqual([3, 3, 4, 5]);
  expect(quintileScores([7], (a, b) => a - b)).toEqual([5]);
  expect(scoreCustomers([customers[0]!]).scores.get("c01")).toMatchObject({ recencyScore: 5, frequencyScore: 5, monetaryScore: 5, rfmClass: "champions", valueClass: "a" });
});

test("the class table: first match wins, and every combination of scores has a class", () => {
  expect(rfmClass(4, 4, 4)).toBe("champions");
  expect(rfmClass(5, 5, 3)).toBe("loyal");
  expect(rfmClass(3, 4, 1)).toBe("loyal");
  expect(rfmClass(5, 1, 5)).toBe("new");
  expect(rfmClass(4, 1, 1)).toBe("potential");
  expect(rfmClass(5, 3, 3)).toBe("potential");
  expect(rfmClass(3, 3, 5)).toBe("needs_attention");
  expect(rfmClass(2, 5, 5)).toBe("at_risk");
  expect(rfmClass(1, 3, 1)).toBe("at_risk");
  expect(rfmClass(1, 1, 5)).toBe("lost");
  expect(rfmClass(2, 1, 1)).toBe("hibernating");
  expect(rfmClass(1, 2, 3)).toBe("hibernating");
  const seen = new Set<string>();
  for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) seen.add(rfmClass(r, f, m));
  expect(seen.size).toBe(8);
});

test("churn risk needs both: a purchase over 180 days old and no activity within 90 days", () => {
  expect(churnRisk({ recencyDays: 180, daysSinceActivity: null }).churnRisk).toBe(false);
  expect(churnRisk({ recencyDays: 181, daysSinceActivity: 89 }).churnRisk).toBe(false);
  expect(churnRisk({ recencyDays: 181, daysSinceActivity: 90 }).churnRisk).toBe(true);
});

test("money is exact: parsed in ten-thousandths, shown with 2 decimals rounded half away from zero", () => {
  expect(decimalUnits("1234.5")).toBe(12_345_000n);
  expect(decimalUnits("0.0001")).toBe(1n);
  expect(formatDecimal(decimalUnits("0.005"))).toBe("0.01");
  expect(formatDecimal(decimalUnits("0.0049"))).toBe("0.00");
  expect(formatDecimal(decimalUnits("99999999999.9950"))).toBe("100000000000.00");
  expect(formatDecimal(decimalUnits("-2.345"))).toBe("-2.35");
});

test("the gateway's query schema refuses what the service would, naming the parameter", () => {
  const failing = (q: Record<string, string>) => CustomerValueQuery.safeParse(q).error?.issues[0]?.path.join(".");
  expect(failing({ currency: "eur" })).toBe("currency");
  expect(failing({ limit: "0" })).toBe("limit");
  expect(failing({ limit: "1001" })).toBe("limit");
  expect(failing({ timeZone: "Mars/Olympus" })).toBe("timeZone");
  expect(failing({ rfmClass: "vip" })).toBe("rfmClass");
  expect(failing({ sort: "revenue" })).toBe("");
  expect(CustomerValueQuery.parse({ currency: "EUR", limit: "10", timeZone: "Europe/Warsaw", rfmClass: "at_risk", territory: "north", ownerId: "rep-1" })).toEqual({
    currency: "EUR", limit: 10, timeZone: "Europe/Warsaw", rfmClass: "at_risk", territory: "north", ownerId: "rep-1",
  });
});

test("quintile scores of many customers come from one sort (ties included)", () => {
  const values = Array.from({ length: 20_000 }, (_, i) => i % 7);
  const scores = quintileScores(values, (a, b) => a - b);
  // 2,858 of each value 0..5 and 2,857 sixes: value v has (v + 1) × 2858 no better (capped at 20,000).
  expect([scores[0], scores[1], scores[2], scores[3], scores[6]]).toEqual([1, 2, 3, 3, 5]);
});
