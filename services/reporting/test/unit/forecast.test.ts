import { forecastRow, forecastTotal } from "../../src/domain/forecast";
import { periodRange } from "../../src/domain/period";
import { assertQuotaShape, sameQuotaFilter } from "../../src/domain/sales-quota";
import { decimalRatio as ratio, decimalUnits, formatDecimal } from "@relata/platform";

describe("periodRange", () => {
  test.each([
    ["2026", "2026-01-01", "2026-12-31"],
    ["2026-Q1", "2026-01-01", "2026-03-31"],
    ["2026-Q4", "2026-10-01", "2026-12-31"],
    ["2028-02", "2028-02-01", "2028-02-29"],
    ["2026-02", "2026-02-01", "2026-02-28"],
    ["2026-11", "2026-11-01", "2026-11-30"],
  ])("%s is %s..%s", (period, from, to) => {
    expect(periodRange(period)).toEqual({ from, to });
  });

  test.each(["2026-Q5", "2026-13", "2026-1", "26", "2026-Q4 ", ""])("%j is refused naming the field", (period) => {
    expect(() => periodRange(period)).toThrow(expect.objectContaining({ field: "period" }));
  });
});

describe("money (the kit's exact decimals)", () => {
  test("parses and prints exactly, signs included", () => {
    expect(formatDecimal(decimalUnits("1234.5"))).toBe("1234.50");
    expect(formatDecimal(decimalUnits("-0.05"))).toBe("-0.05");
    expect(formatDecimal(decimalUnits("7"))).toBe("7.00");
    expect(formatDecimal(decimalUnits("-83.33"))).toBe("-83.33");
    // Beyond a double's exact integers.
    expect(formatDecimal(decimalUnits("12345678901234567.89") + 100n)).toBe("12345678901234567.90");
  });

  test("refuses what is not a decimal amount", () => {
    expect(() => decimalUnits("1.23456")).toThrow();
    expect(() => decimalUnits("abc")).toThrow();
  });

  test("ratio rounds half away from zero to four decimals; empty for a zero denominator", () => {
    expect(ratio(40000n, 100000n)).toBe("0.4000");
    expect(ratio(65000n, 150000n)).toBe("0.4333");
    expect(ratio(2n, 3n)).toBe("0.6667");
    expect(ratio(1n, 20000n)).toBe("0.0001"); // 0.00005 → up
    expect(ratio(-1n, 20000n)).toBe("-0.0001");
    expect(ratio(0n, 5n)).toBe("0.0000");
    expect(ratio(5n, 0n)).toBe("");
    expect(ratio(30000n, 20000n)).toBe("1.5000");
  });
});

describe("forecast rows", () => {
  test("forecast = won + weighted; attainment = won / quota; gap = quota - forecast; what was ordered enters none of them", () => {
    expect(forecastRow({ key: "rep-a", quota: "1000.00", won: "550.00", pipeline: "1333.33", weightedPipeline: "533.33", ordered: "400.5" })).toEqual({
      key: "rep-a",
      quota: "1000.00",
      won: "550.00",
      pipeline: "1333.33",
      weightedPipeline: "533.33",
      forecast: "1083.33",
      attainment: "0.5500",
      gap: "-83.33",
      ordered: "400.50",
    });
  });

  test("without a quota: attainment and gap are empty", () => {
    expect(forecastRow({ key: "south", quota: null, won: "250.00", pipeline: "333.33", weightedPipeline: "33.33", ordered: "0.00" })).toMatchObject({
      quota: "",
      forecast: "283.33",
      attainment: "",
      gap: "",
    });
  });

  test("a zero quota has a gap but no attainment", () => {
    expect(forecastRow({ key: "k", quota: "0.00", won: "10.00", pipeline: "0.00", weightedPipeline: "0.00", ordered: "0.00" })).toMatchObject({ attainment: "", gap: "-10.00" });
  });

  test("the total sums every row and only the quotas set", () => {
    const total = forecastTotal([
      { key: "north", quota: "2000.00", won: "400.00", pipeline: "1000.00", weightedPipeline: "500.00", ordered: "100.10" },
      { key: "south", quota: null, won: "250.00", pipeline: "333.33", weightedPipeline: "33.33", ordered: "0.0050" },
    ]);
    expect(total).toEqual({
      key: "",
      quota: "2000.00",
      won: "650.00",
      pipeline: "1333.33",
      weightedPipeline: "533.33",
      forecast: "1183.33",
      attainment: "0.3250",
      gap: "816.67",
      // 100.10 + 0.005, rounded once.
      ordered: "100.11",
    });
    expect(forecastTotal([{ key: "x", quota: null, won: "1.00", pipeline: "0.00", weightedPipeline: "0.00", ordered: "0.00" }])).toMatchObject({ quota: "", attainment: "", gap: "" });
    expect(forecastTotal([])).toMatchObject({ quota: "", won: "0.00", forecast: "0.00" });
  });
});

describe("quota shape", () => {
  test("exactly one of owner and territory, naming the field that is wrong", () => {
    expect(() => assertQuotaShape({ ownerId: "rep-a", territory: "north", period: "2026" })).toThrow(expect.objectContaining({ field: "territory" }));
    expect(() => assertQuotaShape({ ownerId: "", territory: "", period: "2026" })).toThrow(expect.objectContaining({ field: "owner_id" }));
    expect(() => assertQuotaShape({ territory: "north", period: "2026-Q7" })).toThrow(expect.objectContaining({ field: "period" }));
    expect(() => assertQuotaShape({ ownerId: "rep-a", period: "2026-11" })).not.toThrow();
    expect(() => assertQuotaShape({ territory: "north", period: "2026-Q4" })).not.toThrow();
  });

  test("the uniqueness filter matches the target, the period and the currency", () => {
    expect(sameQuotaFilter({ ownerId: "rep-a", period: "2026-Q4", amount: { currency: "EUR" } })).toEqual({
      ownerId: "rep-a",
      territory: { $in: [null, ""] },
      period: "2026-Q4",
      "amount.currency": "EUR",
    });
  });
});
