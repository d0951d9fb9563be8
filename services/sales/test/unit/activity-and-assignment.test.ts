import { InvalidArgument } from "@relata/platform";
import { accountForTimeline, assertLinkable, decideCompletion } from "../../src/domain/activity";
import { normaliseRepIds, pickRep } from "../../src/domain/assignment";

describe("activities", () => {
  const now = new Date("2026-04-01T08:00:00Z");

  it("completing stamps completedAt and is reported as completed, once", () => {
    expect(decideCompletion({}, true, now)).toEqual({ completedAt: now, event: "completed" });
    expect(decideCompletion({ completedAt: now }, true, new Date())).toEqual({ event: "updated" });
  });

  it("reopening clears completedAt", () => {
    expect(decideCompletion({ completedAt: now }, false, new Date())).toEqual({ completedAt: null, event: "updated" });
    expect(decideCompletion({}, undefined, now)).toEqual({ event: "updated" });
  });

  it("finds the account whose timeline an activity belongs to", () => {
    expect(accountForTimeline({ type: "account", id: "acc-1" })).toBe("acc-1");
    expect(accountForTimeline({ type: "contact", accountId: "acc-2" })).toBe("acc-2");
    expect(accountForTimeline({ type: "contact", accountId: "" })).toBe("");
    expect(accountForTimeline({ type: "opportunity", accountId: "acc-3" })).toBe("acc-3");
    expect(accountForTimeline({ type: "lead", status: "qualified" })).toBe("");
    expect(accountForTimeline({ type: "lead", status: "new", conversion: { accountId: "planned-only" } })).toBe("");
    expect(accountForTimeline({ type: "lead", status: "converted", conversion: { accountId: "acc-4", convertedAt: now } })).toBe("acc-4");
  });

  it("cannot link an activity to another activity", () => {
    expect(() => assertLinkable("sales.activity")).toThrow(expect.objectContaining({ field: "related_to.type" }));
    expect(() => assertLinkable("sales.lead")).not.toThrow();
  });
});

describe("round robin", () => {
  it("cycles through the reps in order", () => {
    const reps = ["ann", "bob", "cy"];
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => pickRep(reps, n))).toEqual(["ann", "bob", "cy", "ann", "bob", "cy", "ann"]);
    expect(pickRep([], 3)).toBeUndefined();
  });

  it("normalises the rep list and refuses blanks and repeats by position", () => {
    expect(normaliseRepIds([" ann ", "bob"])).toEqual(["ann", "bob"]);
    expect(() => normaliseRepIds(["ann", " "])).toThrow(expect.objectContaining({ field: "rep_ids.1" }));
    expect(() => normaliseRepIds(["ann", "bob", "ann"])).toThrow(InvalidArgument);
    expect(normaliseRepIds([])).toEqual([]);
  });

  it("counts a rep id's length in characters, as the API schemas do", () => {
    expect(normaliseRepIds(["😀".repeat(200)])).toEqual(["😀".repeat(200)]);
    expect(() => normaliseRepIds(["😀".repeat(201)])).toThrow(expect.objectContaining({ field: "rep_ids.0" }));
  });
});
