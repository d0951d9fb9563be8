import { decimalProduct, decimalRatio, decimalUnits, DECIMAL_UNIT, formatDecimal, mulDivRounded, percentOf, sumDecimals } from "../../src/codec/decimal";

describe("exact decimal amounts", () => {
  test("text to ten-thousandths and back, rounded half away from zero", () => {
    expect(decimalUnits("12.5")).toBe(125000n);
    expect(decimalUnits("1234.5000")).toBe(12_345_000n);
    expect(decimalUnits("-0.0001")).toBe(-1n);
    expect(decimalUnits("7")).toBe(70000n);
    expect(decimalUnits("123456789012345.9999")).toBe(1234567890123459999n);
    expect(() => decimalUnits("1e3")).toThrow();
    expect(() => decimalUnits("1.23456")).toThrow();
    expect(formatDecimal(125050n)).toBe("12.51");
    expect(formatDecimal(-125050n)).toBe("-12.51");
    expect(formatDecimal(125049n)).toBe("12.50");
    expect(formatDecimal(-49n)).toBe("0.00");
    expect(formatDecimal(-2498n, 4)).toBe("-0.2498");
    expect(formatDecimal(decimalUnits("0.005"))).toBe("0.01");
    expect(formatDecimal(decimalUnits("0.0049"))).toBe("0.00");
    expect(formatDecimal(decimalUnits("99999999999.9950"))).toBe("100000000000.00");
    expect(formatDecimal(decimalUnits("-2.345"))).toBe("-2.35");
    expect(formatDecimal(decimalUnits("-0.05"))).toBe("-0.05");
  });

  test("sums are exact", () => {
    expect(sumDecimals(["0.10", "0.20", ""])).toBe("0.30");
    expect(sumDecimals(["999999999999999.99", "0.01"])).toBe("1000000000000000.00");
    expect(sumDecimals([])).toBe("0.00");
  });

  test("ratios half away from zero, none for a zero denominator", () => {
    expect(decimalRatio(3n, 4n)).toBe("0.7500");
    expect(decimalRatio(2n, 3n)).toBe("0.6667");
    expect(decimalRatio(-2n, 3n)).toBe("-0.6667");
    expect(decimalRatio(1n, 8n, 2)).toBe("0.13");
    expect(decimalRatio(-1n, 8n, 2)).toBe("-0.13");
    expect(decimalRatio(0n, 5n)).toBe("0.0000");
    expect(decimalRatio(5n, 0n)).toBe("");
    expect(decimalRatio(decimalUnits("2250.50") - decimalUnits("3000.00"), decimalUnits("3000.00"))).toBe("-0.2498");
  });
});

describe("products and percentages rounded once", () => {
  const u = decimalUnits;
  it("rounds the exact product to the cent, half away from zero", () => {
    expect(formatDecimal(decimalProduct(u("3"), u("0.335")))).toBe("1.01"); // 1.005 → 1.01
    expect(formatDecimal(decimalProduct(u("0.3333"), u("100")))).toBe("33.33");
    expect(formatDecimal(decimalProduct(u("-1"), u("0.005")))).toBe("-0.01");
    // 0.4999 × 0.0100 = 0.004999: a 4-decimal rounding first (0.0050) would give 0.01.
    expect(formatDecimal(decimalProduct(u("0.4999"), u("0.01")))).toBe("0.00");
  });
  it("takes a percentage of an amount", () => {
    expect(formatDecimal(percentOf(u("10.05"), u("50")))).toBe("5.03"); // 5.025
    expect(formatDecimal(percentOf(u("100"), u("33.3333")))).toBe("33.33");
    expect(formatDecimal(percentOf(u("0.10"), u("5")))).toBe("0.01"); // 0.005
  });
  it("divides with the kit's rounding and refuses a zero denominator", () => {
    expect(formatDecimal(mulDivRounded(u("1"), 1n, 3n))).toBe("0.33");
    expect(formatDecimal(mulDivRounded(u("2"), 1n, 3n))).toBe("0.67");
    expect(formatDecimal(mulDivRounded(u("1"), 1n, 3n, 4), 4)).toBe("0.3333");
    expect(() => mulDivRounded(1n, 1n, 0n)).toThrow("division by zero");
    expect(DECIMAL_UNIT).toBe(u("1"));
  });
});
