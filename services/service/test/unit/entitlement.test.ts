import {
  applicableEntitlements,
  assertEntitlementTerms,
  unitKey,
  unitKeysToTry,
  unitsLeft,
  whyNotApplicable,
  type CaseFacts,
  type EntitlementTerms,
} from "../../src/domain/entitlement";

const gold: EntitlementTerms = {
  id: "ent-gold",
  accountId: "acc-1",
  startDate: "2026-01-01",
  endDate: "2026-12-31",
  channels: ["phone", "email"],
  allowance: 5,
  unit: "cases",
  active: true,
};
const phoneCase: CaseFacts = { accountId: "acc-1", channel: "phone", openedAt: new Date("2026-03-02T10:00:00Z") };

describe("whether an entitlement applies to a case", () => {
  it("applies to a case of its account, on a covered channel, within its dates, with units left", () => {
    expect(whyNotApplicable(gold, phoneCase, 0)).toBe("");
    expect(whyNotApplicable(gold, phoneCase, 4)).toBe("");
  });

  it("does not apply when inactive, for another account or none, or on a channel it does not cover", () => {
    expect(whyNotApplicable({ ...gold, active: false }, phoneCase, 0)).toBe("inactive");
    expect(whyNotApplicable(gold, { ...phoneCase, accountId: "acc-2" }, 0)).toBe("another account");
    expect(whyNotApplicable(gold, { ...phoneCase, accountId: "" }, 0)).toBe("another account");
    expect(whyNotApplicable(gold, { ...phoneCase, channel: "chat" }, 0)).toBe("channel not covered");
  });

  it("counts both dates in, by the UTC date the case opened on", () => {
    expect(whyNotApplicable(gold, { ...phoneCase, openedAt: new Date("2026-01-01T00:00:00Z") }, 0)).toBe("");
    expect(whyNotApplicable(gold, { ...phoneCase, openedAt: new Date("2026-12-31T23:59:59Z") }, 0)).toBe("");
    expect(whyNotApplicable(gold, { ...phoneCase, openedAt: new Date("2025-12-31T23:59:59Z") }, 0)).toBe("not started");
    expect(whyNotApplicable(gold, { ...phoneCase, openedAt: new Date("2027-01-01T00:00:00Z") }, 0)).toBe("ended");
  });

  it("does not apply once its units are used, in cases or in hours", () => {
    expect(whyNotApplicable(gold, phoneCase, 5)).toBe("used up");
    expect(whyNotApplicable({ ...gold, unit: "hours", allowance: 1 }, phoneCase, 0)).toBe("");
    expect(whyNotApplicable({ ...gold, unit: "hours", allowance: 1 }, phoneCase, 1)).toBe("used up");
    expect(unitsLeft(gold, 3)).toBe(2);
    expect(unitsLeft(gold, 7)).toBe(0);
  });
});

describe("choosing the entitlement", () => {
  it("takes the applicable one that ends soonest, then the one that started first", () => {
    const later = { ...gold, id: "ent-later", endDate: "2027-06-30" };
    const sooner = { ...gold, id: "ent-sooner", endDate: "2026-06-30" };
    const olderSooner = { ...sooner, id: "ent-z-older", startDate: "2025-06-01" };
    const usedUp = { ...gold, id: "ent-used", endDate: "2026-03-31" };
    const used: Record<string, number> = { "ent-used": 5 };
    expect(applicableEntitlements([later, sooner, usedUp, olderSooner], phoneCase, (id) => used[id] ?? 0).map((e) => e.id)).toEqual([
      "ent-z-older",
      "ent-sooner",
      "ent-later",
    ]);
  });

  it("finds none for a case no entitlement covers", () => {
    expect(applicableEntitlements([gold], { ...phoneCase, channel: "web" }, () => 0)).toEqual([]);
  });
});

describe("units", () => {
  it("are claimed by keys <entitlementId>:<n>, from the first not known to be used up to the allowance", () => {
    expect(unitKey("ent-gold", 3)).toBe("ent-gold:3");
    expect(unitKeysToTry(gold, 2)).toEqual(["ent-gold:3", "ent-gold:4", "ent-gold:5"]);
    expect(unitKeysToTry(gold, 5)).toEqual([]);
  });
});

describe("validation", () => {
  const terms = { startDate: "2026-01-01", endDate: "2026-12-31", allowance: 10, channels: ["phone"] };
  const field = (t: typeof terms) => {
    try {
      assertEntitlementTerms(t);
    } catch (err) {
      return (err as { field?: string }).field;
    }
    return undefined;
  };

  it("names the field that fails", () => {
    expect(field(terms)).toBeUndefined();
    expect(field({ ...terms, endDate: terms.startDate })).toBeUndefined();
    expect(field({ ...terms, startDate: "2026-02-30" })).toBe("start_date");
    expect(field({ ...terms, endDate: "31/12/2026" })).toBe("end_date");
    expect(field({ ...terms, endDate: "2025-12-31" })).toBe("end_date");
    expect(field({ ...terms, allowance: 0 })).toBe("allowance");
    expect(field({ ...terms, allowance: 1.5 })).toBe("allowance");
    expect(field({ ...terms, channels: [] })).toBe("channels");
  });
});
