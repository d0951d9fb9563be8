import { AppError, InvalidArgument, StateConflict } from "@relata/platform";
import {
  LEAD_TRANSITIONS,
  assertConvertible,
  assertLeadChangeable,
  canTransition,
  conversionDrafts,
  decideQualification,
  defaultOpportunityName,
  planConversion,
} from "../../src/domain/lead";
import { DEFAULT_STAGES } from "../../src/domain/pipeline";
import type { ConversionPlan, LeadRecord } from "../../src/domain/types";

const at = new Date("2026-03-01T10:00:00Z");

function lead(overrides: Partial<LeadRecord> = {}): LeadRecord {
  return {
    _id: "lead-1",
    tenantId: "acme",
    version: 3,
    createdAt: at,
    updatedAt: at,
    idempotencyKey: "k",
    requestHash: "h",
    firstName: "Ada",
    lastName: "Lovelace",
    email: "ada@example.com",
    phone: "+44 20 7946 0000",
    company: "Analytical Engines",
    title: "CTO",
    industry: "software",
    source: "web_form",
    status: "new",
    ownerId: "rep-1",
    score: 40,
    campaignId: "",
    disqualifyReason: "",
    externalId: "",
    country: "",
    region: "",
    employeeCount: 0,
    territory: "",
    ...overrides,
  };
}

const plan = (overrides: Partial<ConversionPlan> = {}): ConversionPlan => ({
  accountId: "acc-1",
  contactId: "con-1",
  opportunityId: "opp-1",
  createsAccount: true,
  opportunityName: "Analytical Engines deal",
  expectedCloseDate: "",
  stageId: "prospecting",
  probability: 10,
  actorId: "user-1",
  requestId: "req-1",
  claimedAt: at,
  ...overrides,
});

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected an error");
}

describe("lead lifecycle", () => {
  it("allows new → qualified → converted and new → disqualified → qualified", () => {
    expect(canTransition("new", "qualified")).toBe(true);
    expect(canTransition("qualified", "converted")).toBe(true);
    expect(canTransition("new", "disqualified")).toBe(true);
    expect(canTransition("disqualified", "qualified")).toBe(true);
  });

  it("never leaves converted and never converts a disqualified lead", () => {
    expect(LEAD_TRANSITIONS.converted).toEqual([]);
    expect(canTransition("disqualified", "converted")).toBe(false);
    expect(canTransition("converted", "new")).toBe(false);
  });

  it("qualifies a new lead and reports it as qualified", () => {
    expect(decideQualification(lead(), true, "")).toEqual({ status: "qualified", disqualifyReason: "", event: "qualified" });
  });

  it("disqualifies with a trimmed reason, and requires one (field reason)", () => {
    expect(decideQualification(lead(), false, "  no budget ")).toEqual({ status: "disqualified", disqualifyReason: "no budget", event: "disqualified" });
    const err = errorOf(() => decideQualification(lead(), false, "   "));
    expect(err).toBeInstanceOf(InvalidArgument);
    expect(err.field).toBe("reason");
    expect(err.message).toMatch(/^reason: /);
  });

  it("treats asking for the current state again as no change", () => {
    expect(decideQualification(lead({ status: "qualified" }), true, "")).toBeNull();
    expect(decideQualification(lead({ status: "disqualified", disqualifyReason: "no budget" }), false, "no budget")).toBeNull();
    // A new reason is a change.
    expect(decideQualification(lead({ status: "disqualified", disqualifyReason: "no budget" }), false, "went silent")?.disqualifyReason).toBe("went silent");
  });

  it("re-qualifies a disqualified lead and clears its reason", () => {
    expect(decideQualification(lead({ status: "disqualified", disqualifyReason: "x" }), true, "")).toEqual({
      status: "qualified",
      disqualifyReason: "",
      event: "qualified",
    });
  });

  it("refuses to qualify or edit a converted lead or one being converted (StateConflict)", () => {
    expect(errorOf(() => decideQualification(lead({ status: "converted", conversion: plan() }), true, ""))).toBeInstanceOf(StateConflict);
    expect(errorOf(() => decideQualification(lead({ conversion: plan() }), false, "late"))).toBeInstanceOf(StateConflict);
    expect(() => assertLeadChangeable(lead({ conversion: plan() }), "edited")).toThrow(/being converted/);
    expect(() => assertLeadChangeable(lead(), "edited")).not.toThrow();
  });
});

describe("conversion", () => {
  it("converts new and qualified leads but not disqualified ones", () => {
    expect(() => assertConvertible(lead({ status: "new" }))).not.toThrow();
    expect(() => assertConvertible(lead({ status: "qualified" }))).not.toThrow();
    const err = errorOf(() => assertConvertible(lead({ status: "disqualified", disqualifyReason: "spam" })));
    expect(err).toBeInstanceOf(StateConflict);
    expect(err.message).toMatch(/disqualified/);
  });

  it("plans fresh ids, the first open stage and a default opportunity name", () => {
    const p = planConversion(
      lead(),
      { opportunityName: "", expectedCloseDate: "2026-06-30", existingAccountId: "", amount: { amount: "12500.00", currency: "EUR" } },
      DEFAULT_STAGES[0]!,
      { accountId: "a", contactId: "c", opportunityId: "o" },
      { actorId: "user-1", requestId: "req-9" },
      at,
    );
    expect(p).toEqual({
      accountId: "a",
      contactId: "c",
      opportunityId: "o",
      createsAccount: true,
      opportunityName: "Analytical Engines deal",
      amount: { amount: "12500.00", currency: "EUR" },
      expectedCloseDate: "2026-06-30",
      stageId: "prospecting",
      probability: 10,
      actorId: "user-1",
      requestId: "req-9",
      claimedAt: at,
    });
  });

  it("attaches to an existing account instead of creating one", () => {
    const p = planConversion(
      lead(),
      { opportunityName: "Renewal", expectedCloseDate: "", existingAccountId: "acc-existing" },
      DEFAULT_STAGES[0]!,
      { accountId: "a", contactId: "c", opportunityId: "o" },
      { actorId: "u", requestId: "" },
      at,
    );
    expect(p.accountId).toBe("acc-existing");
    expect(p.createsAccount).toBe(false);
    expect(p.opportunityName).toBe("Renewal");
    expect(conversionDrafts(lead(), p).account).toBeUndefined();
  });

  it("names the opportunity after the person when the lead has no company", () => {
    expect(defaultOpportunityName(lead({ company: "  " }))).toBe("Ada Lovelace deal");
  });

  it("builds the same records from the same lead and plan, with the planned ids", () => {
    const l = lead();
    const first = conversionDrafts(l, plan());
    const again = conversionDrafts(l, plan());
    expect(again).toEqual(first);
    expect(first.account).toMatchObject({ _id: "acc-1", tenantId: "acme", name: "Analytical Engines", industry: "software", ownerId: "rep-1", version: 1 });
    expect(first.contact).toMatchObject({ _id: "con-1", accountId: "acc-1", firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" });
    expect(first.opportunity).toMatchObject({
      _id: "opp-1",
      accountId: "acc-1",
      contactId: "con-1",
      leadId: "lead-1",
      stageId: "prospecting",
      probability: 10,
      status: "open",
      createdAt: at,
    });
    expect(first.opportunity.stageHistory).toEqual([{ fromStageId: "", toStageId: "prospecting", changedBy: "user-1", changedAt: at }]);
  });
});
