import { periodDays, quarterAt, PERIOD_PATTERN } from "../../src/codec/period";

describe("reporting periods", () => {
  it("a year, a quarter and a month cover their calendar days", () => {
    expect(periodDays("2026")).toEqual({ from: "2026-01-01", to: "2026-12-31" });
    expect(periodDays("2026-Q4")).toEqual({ from: "2026-10-01", to: "2026-12-31" });
    expect(periodDays("2028-02")).toEqual({ from: "2028-02-01", to: "2028-02-29" });
    expect(periodDays("2026-Q5")).toBeUndefined();
    expect(PERIOD_PATTERN.test("2026-13")).toBe(false);
  });

  it("the current quarter follows the time zone's calendar", () => {
    const instant = new Date("2026-12-31T23:30:00Z");
    expect(quarterAt(instant, "UTC")).toBe("2026-Q4");
    expect(quarterAt(instant, "Europe/Warsaw")).toBe("2027-Q1");
  });
});
