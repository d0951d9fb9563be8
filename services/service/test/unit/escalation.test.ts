import { assertRuleActs, escalationClaimId, escalationPlan, matchingRules, raisedPriority, ruleMatches, type EscalationRuleShape } from "../../src/domain/escalation";

const rule = (over: Partial<EscalationRuleShape> = {}): EscalationRuleShape => ({
  _id: "r1",
  active: true,
  alert: "breach",
  target: "any",
  raisePriority: "none",
  priorities: [],
  categories: [],
  notifyManager: true,
  createdAt: new Date("2026-01-01T00:00:00Z"),
  ...over,
});

const breach = { alert: "breach", target: "resolution", priority: "normal", category: "Billing" } as const;

describe("matching escalation rules", () => {
  it("matches the alert kind, and the target when the rule names one", () => {
    expect(ruleMatches(rule(), breach)).toBe(true);
    expect(ruleMatches(rule({ alert: "warning" }), breach)).toBe(false);
    expect(ruleMatches(rule({ target: "resolution" }), breach)).toBe(true);
    expect(ruleMatches(rule({ target: "first_response" }), breach)).toBe(false);
  });

  it("is limited to its priorities and categories when it lists some", () => {
    expect(ruleMatches(rule({ priorities: ["high", "urgent"] }), breach)).toBe(false);
    expect(ruleMatches(rule({ priorities: ["normal"] }), breach)).toBe(true);
    expect(ruleMatches(rule({ categories: ["complaint"] }), breach)).toBe(false);
    expect(ruleMatches(rule({ categories: ["complaint", " billing "] }), breach)).toBe(true);
  });

  it("never matches while inactive", () => {
    expect(ruleMatches(rule({ active: false }), breach)).toBe(false);
  });

  it("lists the matching rules oldest first, ties by id", () => {
    const rules = [
      rule({ _id: "c", createdAt: new Date("2026-03-01T00:00:00Z") }),
      rule({ _id: "b", createdAt: new Date("2026-02-01T00:00:00Z") }),
      rule({ _id: "a", createdAt: new Date("2026-03-01T00:00:00Z") }),
      rule({ _id: "x", alert: "warning" }),
    ];
    expect(matchingRules(rules, breach).map((r) => r._id)).toEqual(["b", "a", "c"]);
  });
});

describe("raising the priority", () => {
  it("goes one step up, and stays at urgent", () => {
    expect(raisedPriority("low", "one_step")).toBe("normal");
    expect(raisedPriority("high", "one_step")).toBe("urgent");
    expect(raisedPriority("urgent", "one_step")).toBe("urgent");
  });

  it("stays when the rule raises nothing", () => {
    expect(raisedPriority("low", "none")).toBe("low");
  });

  it("goes up to a level, never down", () => {
    expect(raisedPriority("low", "to_level", "high")).toBe("high");
    expect(raisedPriority("urgent", "to_level", "high")).toBe("urgent");
  });
});

describe("what a rule does to a case", () => {
  const current = { priority: "normal", queueId: "q1" } as const;

  it("raises, moves and notifies the manager of the queue the case was in", () => {
    expect(escalationPlan(rule({ raisePriority: "one_step", moveToQueueId: "q2" }), current, "boss")).toEqual({ priority: "high", queueId: "q2", notifyManagerId: "boss" });
  });

  it("leaves out what would not change, and notifies nobody when the queue has no manager", () => {
    expect(escalationPlan(rule({ raisePriority: "to_level", priorityLevel: "low", moveToQueueId: "q1" }), current, undefined)).toEqual({});
    expect(escalationPlan(rule({ notifyManager: false }), current, "boss")).toEqual({});
  });
});

describe("an escalation rule's actions", () => {
  it("name the level of a raise to a level", () => {
    expect(() => assertRuleActs({ raisePriority: "to_level" })).toThrow(expect.objectContaining({ field: "priority_level" }));
    expect(() => assertRuleActs({ raisePriority: "to_level", priorityLevel: "high" })).not.toThrow();
    expect(() => assertRuleActs({ raisePriority: "none" })).not.toThrow();
  });
});

describe("escalation claims", () => {
  it("key one rule's firing by one alert", () => {
    expect(escalationClaimId("evt-1", "r1")).toBe("evt-1:r1");
    expect(escalationClaimId("evt-1", "r2")).not.toBe(escalationClaimId("evt-1", "r1"));
  });
});
