import { decimalRatio, decimalUnits, formatDecimal, sumDecimals } from "../../src/codec/decimal";

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
