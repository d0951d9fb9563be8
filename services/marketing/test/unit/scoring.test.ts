import { InvalidArgument, validate } from "@relata/platform";
import { RecordResponseRequest, ResponseType } from "@relata/proto/marketing/v1/response";
import { leadIdOfResponse } from "../../src/domain/score";
import { assertRuleShape, attributeMatches, decayedPoints, leadScore, type LeadAttributes, type ScoringRuleRecord } from "../../src/domain/scoring";
import { leadsOfResponse } from "../../src/events/score-consumers";
import { responseSchemas } from "../../src/rpc/responses";

const base = { _id: "r", tenantId: "t", version: 1, createdAt: new Date(0), updatedAt: new Date(0), idempotencyKey: "k", requestHash: "" };
const attributeRule = (attribute: ScoringRuleRecord["attribute"], operator: ScoringRuleRecord["operator"], values: string[], points: number): ScoringRuleRecord => ({
  ...base,
  name: "a",
  kind: "attribute",
  attribute,
  operator,
  values,
  responseType: "",
  points,
  halfLifeDays: 0,
});
const behaviourRule = (responseType: ScoringRuleRecord["responseType"], points: number, halfLifeDays = 0): ScoringRuleRecord => ({
  ...base,
  name: "b",
  kind: "behaviour",
  attribute: "",
  operator: "",
  values: [],
  responseType,
  points,
  halfLifeDays,
});
const lead: LeadAttributes = { industry: "Retail", title: "Head of IT", company: "Acme Stores", source: "marketing", status: "new" };
const now = new Date("2026-06-30T00:00:00Z");
const daysAgo = (d: number) => new Date(now.getTime() - d * 24 * 60 * 60 * 1000);

describe("attribute rules", () => {
  it("match equals, contains and in, letter case aside", () => {
    expect(attributeMatches(attributeRule("industry", "equals", ["retail"], 10), lead)).toBe(true);
    expect(attributeMatches(attributeRule("industry", "equals", ["retai"], 10), lead)).toBe(false);
    expect(attributeMatches(attributeRule("title", "contains", ["it"], 10), lead)).toBe(true);
    expect(attributeMatches(attributeRule("status", "in", ["qualified", "NEW"], 10), lead)).toBe(true);
    expect(attributeMatches(attributeRule("company", "in", ["Globex"], 10), lead)).toBe(false);
    // An empty attribute matches nothing, not even "contains" of anything.
    expect(attributeMatches(attributeRule("industry", "contains", ["a"], 10), { ...lead, industry: "" })).toBe(false);
  });
});

describe("decay", () => {
  it("halves the points every half-life; 0 never fades", () => {
    expect(decayedPoints(20, 10, daysAgo(0), now)).toBe(20);
    expect(decayedPoints(20, 10, daysAgo(10), now)).toBeCloseTo(10);
    expect(decayedPoints(20, 10, daysAgo(20), now)).toBeCloseTo(5);
    expect(decayedPoints(20, 0, daysAgo(365), now)).toBe(20);
  });
});

describe("a lead's score", () => {
  it("adds matching attribute rules once and every response of a behaviour rule's type, rounded", () => {
    const rules = [attributeRule("industry", "equals", ["retail"], 10), behaviourRule("clicked", 5), behaviourRule("registered", 20, 10)];
    const behaviours = [
      { responseId: "1", type: "clicked" as const, occurredAt: daysAgo(1) },
      { responseId: "2", type: "clicked" as const, occurredAt: daysAgo(2) },
      { responseId: "3", type: "registered" as const, occurredAt: daysAgo(10) },
      { responseId: "4", type: "opened" as const, occurredAt: daysAgo(0) },
    ];
    expect(leadScore(rules, lead, behaviours, now)).toBe(10 + 5 + 5 + 10);
  });

  it("is clamped to 0..100", () => {
    expect(leadScore([attributeRule("industry", "equals", ["retail"], -50)], lead, [], now)).toBe(0);
    const many = Array.from({ length: 30 }, (_, i) => ({ responseId: String(i), type: "clicked" as const, occurredAt: now }));
    expect(leadScore([behaviourRule("clicked", 5)], lead, many, now)).toBe(100);
  });
});

describe("a rule's shape", () => {
  const attribute = { kind: "attribute" as const, attribute: "industry" as const, operator: "equals" as const, values: ["retail"], responseType: "" as const, halfLifeDays: 0 };
  const behaviour = { kind: "behaviour" as const, attribute: "" as const, operator: "" as const, values: [], responseType: "clicked" as const, halfLifeDays: 7 };
  it("accepts a whole attribute or behaviour rule", () => {
    expect(() => assertRuleShape(attribute)).not.toThrow();
    expect(() => assertRuleShape(behaviour)).not.toThrow();
    expect(() => assertRuleShape({ ...attribute, operator: "in", values: ["a", "b"] })).not.toThrow();
  });
  it("keeps the other kind's fields as given: they have no effect", () => {
    expect(() => assertRuleShape({ ...behaviour, attribute: "industry", operator: "equals", values: ["x"] })).not.toThrow();
    expect(() => assertRuleShape({ ...attribute, responseType: "clicked" })).not.toThrow();
    const lead2 = { ...lead, industry: "x" };
    expect(leadScore([{ ...behaviourRule("clicked", 5), attribute: "industry", operator: "equals", values: ["x"] }], lead2, [], now)).toBe(0);
  });
  it.each([
    [{ ...attribute, attribute: "" as const }, "attribute"],
    [{ ...attribute, operator: "" as const }, "operator"],
    [{ ...attribute, values: [] }, "values"],
    [{ ...attribute, values: ["a", "b"] }, "values"],
    [{ ...behaviour, responseType: "" as const }, "response_type"],
    [{ ...behaviour, responseType: "unsubscribed" as const }, "response_type"],
  ])("refuses a rule missing its kind's parts (%#), naming the field", (rule, field) => {
    let thrown: unknown;
    try {
      assertRuleShape(rule);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidArgument);
    expect((thrown as InvalidArgument).field).toBe(field);
  });
});

describe("the leads a response counts for", () => {
  it("are the member who is a lead and the lead an interested response becomes (named in its event); an unsubscribe counts for none", () => {
    expect(leadsOfResponse({ leadId: "", personId: "lead-1", personKind: "lead", type: "clicked" })).toEqual(["lead-1"]);
    expect(leadsOfResponse({ leadId: "", personId: "contact-1", personKind: "contact", type: "clicked" })).toEqual([]);
    expect(leadsOfResponse({ leadId: "lead-of-r1", personId: "", personKind: "", type: "interested" })).toEqual(["lead-of-r1"]);
    expect(leadsOfResponse({ leadId: "", personId: "lead-1", personKind: "lead", type: "unsubscribed" })).toEqual([]);
  });

  it("derive the lead of a response from the tenant and the response id, nothing else", () => {
    expect(leadIdOfResponse("t", "r1")).toBe(leadIdOfResponse("t", "r1"));
    expect(leadIdOfResponse("t", "r1")).not.toBe(leadIdOfResponse("u", "r1"));
    expect(leadIdOfResponse("t", "r1")).not.toBe(leadIdOfResponse("t", "r2"));
  });
});

describe("a response's request", () => {
  const request = (r: Partial<RecordResponseRequest>) => RecordResponseRequest.fromPartial({ campaignId: "c1", type: ResponseType.RESPONSE_TYPE_OPENED, ...r });
  const fieldOf = (r: Partial<RecordResponseRequest>) => {
    try {
      validate(responseSchemas.recordResponse, request(r));
    } catch (err) {
      return (err as InvalidArgument).field;
    }
    return undefined;
  };
  it("takes a member or a respondent with a last name, not both, not neither", () => {
    expect(fieldOf({ personId: "p1" })).toBeUndefined();
    expect(fieldOf({ respondent: { firstName: "", lastName: "Lovelace", email: "", phone: "", company: "" } })).toBeUndefined();
    expect(fieldOf({})).toBe("person_id");
    expect(fieldOf({ respondent: { firstName: "Ada", lastName: "", email: "", phone: "", company: "" } })).toBe("respondent.last_name");
    expect(fieldOf({ personId: "p1", respondent: { firstName: "", lastName: "Lovelace", email: "", phone: "", company: "" } })).toBe("respondent");
  });
  it("checks the respondent's email and phone, the type and the time", () => {
    expect(fieldOf({ respondent: { firstName: "", lastName: "L", email: "not-an-address", phone: "", company: "" } })).toBe("respondent.email");
    expect(fieldOf({ respondent: { firstName: "", lastName: "L", email: "", phone: "call me", company: "" } })).toBe("respondent.phone");
    expect(fieldOf({ personId: "p1", type: ResponseType.RESPONSE_TYPE_UNSPECIFIED })).toBe("type");
    expect(fieldOf({ personId: "p1", occurredAt: new Date(Date.now() + 3_600_000).toISOString() })).toBe("occurred_at");
  });
});
