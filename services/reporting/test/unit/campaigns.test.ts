import { campaignTotal, dashboardCurrency, returnOnCost, type CampaignFigures } from "../../src/domain/campaigns";

// Exact decimals themselves: packages/platform/test/unit/decimal.test.ts.
describe("return on cost", () => {
  test("(revenue - cost) / cost with 4 decimals, half away from zero", () => {
    expect(returnOnCost("2250.50", "3000.00")).toBe("-0.2498"); // -0.249833..
    expect(returnOnCost("1250.00", "1000.00")).toBe("0.2500");
    expect(returnOnCost("0.00", "300.00")).toBe("-1.0000");
    expect(returnOnCost("1.00", "3.00")).toBe("-0.6667"); // -0.66666..
    expect(returnOnCost("5.00", "3.00")).toBe("0.6667");
    // exactly half a ten-thousandth: 0.00005 → 0.0001, -0.00005 → -0.0001
    expect(returnOnCost("20001.00", "20000.00")).toBe("0.0001");
    expect(returnOnCost("19999.00", "20000.00")).toBe("-0.0001");
  });

  test('"" without a cost, or with a zero cost', () => {
    expect(returnOnCost("100.00", "")).toBe("");
    expect(returnOnCost("100.00", "0.00")).toBe("");
  });
});

test("the dashboard's currency: the request's, else the most common cost currency (ties alphabetical), else EUR", () => {
  expect(dashboardCurrency("CHF", ["USD"])).toBe("CHF");
  expect(dashboardCurrency("", ["USD", "EUR", "USD"])).toBe("USD");
  expect(dashboardCurrency("", ["USD", "GBP"])).toBe("GBP");
  expect(dashboardCurrency("", [])).toBe("EUR");
});

test("the total sums counts and revenue, and the costs there are", () => {
  const row = (over: Partial<CampaignFigures>): CampaignFigures => ({
    campaignId: "c", name: "n", status: "draft", members: 1, responses: 2, leads: 3, opportunities: 4, won: 1, wonRevenue: "0.00", cost: "", roi: "", ...over,
  });
  expect(campaignTotal([row({ wonRevenue: "2250.50", cost: "3000.00" }), row({ wonRevenue: "550.00" }), row({ cost: "400.00" })])).toEqual({
    campaignId: "", name: "", status: "", members: 3, responses: 6, leads: 9, opportunities: 12, won: 3, wonRevenue: "2800.50", cost: "3400.00", roi: "-0.1763",
  });
  expect(campaignTotal([row({ wonRevenue: "10.00" })])).toMatchObject({ wonRevenue: "10.00", cost: "", roi: "" });
  expect(campaignTotal([])).toMatchObject({ members: 0, wonRevenue: "0.00", cost: "", roi: "" });
});
