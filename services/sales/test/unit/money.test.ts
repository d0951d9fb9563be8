import { isCalendarDate } from "@relata/platform";
import { isDecimalAmount, moneyProblem } from "../../src/domain/money";

const isCurrencyCode = (currency: string) => moneyProblem({ amount: "1", currency }) === undefined;

describe("money", () => {
  it.each(["0", "12500", "12500.00", "0.0001", "999999999999999.9999"])("accepts the amount %s", (a) => {
    expect(isDecimalAmount(a)).toBe(true);
  });

  it.each(["", "-1", "1e5", "1.23456", "1,000", " 12", "12.", ".5", "1000000000000000"])("refuses the amount %j", (a) => {
    expect(isDecimalAmount(a)).toBe(false);
  });

  it("knows ISO 4217 codes and refuses look-alikes", () => {
    expect(isCurrencyCode("EUR")).toBe(true);
    expect(isCurrencyCode("USD")).toBe(true);
    expect(isCurrencyCode("JPY")).toBe(true);
    expect(isCurrencyCode("eur")).toBe(false);
    expect(isCurrencyCode("EURO")).toBe(false);
    expect(isCurrencyCode("ZZZ")).toBe(false);
  });

  it("names the part of a Money that is wrong", () => {
    expect(moneyProblem({ amount: "10.5", currency: "GBP" })).toBeUndefined();
    expect(moneyProblem({ amount: "ten", currency: "GBP" })?.field).toBe("amount");
    expect(moneyProblem({ amount: "10", currency: "gbp" })?.field).toBe("currency");
    expect(moneyProblem({ amount: "10", currency: "QQQ" })).toEqual({ field: "currency", message: "QQQ is not an ISO 4217 currency" });
  });

  it("accepts real calendar days only", () => {
    expect(isCalendarDate("2026-02-28")).toBe(true);
    expect(isCalendarDate("2028-02-29")).toBe(true);
    expect(isCalendarDate("2026-02-29")).toBe(false);
    expect(isCalendarDate("2026-13-01")).toBe(false);
    expect(isCalendarDate("2026-1-1")).toBe(false);
    expect(isCalendarDate("01/02/2026")).toBe(false);
  });
});
