import { fromUnits, latestOpportunities, returnOnInvestment, sumByCurrency, toUnits, type OpportunityVersion } from "../../src/domain/results";
import { attributionFactOf } from "../../src/events/attribution";
import { LeadChanged, OpportunityStageChanged } from "@relata/proto/events/v1/sales";
import { Lead } from "@relata/proto/sales/v1/lead";
import { Opportunity, OpportunityStatus } from "@relata/proto/sales/v1/opportunity";

const eur = (amount: string) => ({ amount, currency: "EUR" });

test("amounts are summed as decimals, per currency, without float error", () => {
  expect(sumByCurrency([eur("0.1"), eur("0.2"), { amount: "5", currency: "USD" }, eur("999999999999999.9999")])).toEqual([
    { amount: "1000000000000000.2999", currency: "EUR" },
    { amount: "5.00", currency: "USD" },
  ]);
  expect(fromUnits(toUnits("12500.5"))).toBe("12500.50");
  expect(fromUnits(-toUnits("0.25"))).toBe("-0.25");
  expect(() => toUnits("1e3")).toThrow();
});

test("return on investment: (won − cost) / cost in the cost's currency, null otherwise", () => {
  expect(returnOnInvestment([eur("4500.50")], eur("1000.00"))).toBe("3.5005");
  expect(returnOnInvestment([eur("1000"), eur("500")], eur("1000"))).toBe("0.5000");
  expect(returnOnInvestment([], eur("1000"))).toBe("-1.0000");
  expect(returnOnInvestment([eur("1")], eur("3"))).toBe("-0.6667");
  expect(returnOnInvestment([eur("2")], eur("3"))).toBe("-0.3333");
  expect(returnOnInvestment([{ amount: "100", currency: "USD" }], eur("10"))).toBeNull();
  expect(returnOnInvestment([eur("100"), { amount: "1", currency: "USD" }], eur("10"))).toBeNull();
  expect(returnOnInvestment([eur("100")], undefined)).toBeNull();
  expect(returnOnInvestment([eur("100")], eur("0.00"))).toBeNull();
});

test("each opportunity counts as its latest version, whatever order versions arrive in; a deleted one not at all", () => {
  const v = (opportunityId: string, version: number, status: OpportunityVersion["status"], deleted = false): OpportunityVersion => ({ opportunityId, version, status, amount: "1", currency: "EUR", deleted });
  expect(latestOpportunities([v("a", 3, "won"), v("a", 2, "open"), v("b", 1, "open"), v("b", 2, "open", true), v("c", 1, "lost")]).map((o) => [o.opportunityId, o.status])).toEqual([
    ["a", "won"],
    ["c", "lost"],
  ]);
});

test("a lead without a campaign and an opportunity without a lead add no fact", () => {
  const meta = { id: "e1", type: "sales.lead.created", tenantId: "acme", entityId: "l1", actorId: "u", requestId: "", occurredAt: "2026-11-01T00:00:00Z" };
  expect(attributionFactOf("sales.lead.created", LeadChanged.encode({ meta, lead: Lead.fromPartial({ id: "l1" }) }).finish())).toBeNull();
  expect(attributionFactOf("sales.lead.created", LeadChanged.encode({ meta, lead: Lead.fromPartial({ id: "l1", campaignId: "c1" }) }).finish())).toMatchObject({
    kind: "lead",
    record: { _id: "acme/l1", campaignId: "c1", leadId: "l1" },
  });
  const won = Opportunity.fromPartial({ id: "o1", version: "4", status: OpportunityStatus.OPPORTUNITY_STATUS_WON, amount: eur("10") });
  expect(attributionFactOf("sales.opportunity.won", OpportunityStageChanged.encode({ meta, opportunity: won, fromStageId: "proposal", toStageId: "won" }).finish())).toBeNull();
  expect(attributionFactOf("sales.opportunity.won", OpportunityStageChanged.encode({ meta, opportunity: { ...won, leadId: "l1" }, fromStageId: "proposal", toStageId: "won" }).finish())).toMatchObject({
    kind: "opportunity",
    record: { _id: "acme/o1:4", status: "won", amount: "10", version: 4 },
  });
});
