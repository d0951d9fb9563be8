import { InvalidArgument } from "@relata/platform";
import type { TerritoryRule } from "@relata/proto/sales/v1/territory";
import { addFigures, categoryOf, count, emptyFigures, figuresOut, rollUp, type ForecastOpportunity } from "../../src/domain/forecast";
import { DEFAULT_STAGES, forecastCategoryOf, validatePipeline } from "../../src/domain/pipeline";
import { checkDefaultOwner, checkTerritoryParent, ownerAfterPlacement, ruleMatches, TerritoryTree, type TerritoryNode } from "../../src/domain/territory";

const rule = (r: Partial<TerritoryRule>): TerritoryRule => ({ countries: [], regions: [], industries: [], minEmployees: 0, maxEmployees: 0, appliesTo: "both", ...r });
const node = (n: Partial<TerritoryNode> & { _id: string; code: string }): TerritoryNode => ({ name: n.code, parentId: "", memberIds: [], defaultOwnerId: "", rules: [], priority: 0, ...n });

// EMEA → PL → WAW, and DACH beside PL.
const tree = new TerritoryTree([
  node({ _id: "emea", code: "EMEA", rules: [rule({ countries: ["PL", "DE", "FR"] })] }),
  node({ _id: "pl", code: "EMEA-PL", parentId: "emea", rules: [rule({ countries: ["PL"] })] }),
  node({ _id: "waw", code: "EMEA-PL-WAW", parentId: "pl", rules: [rule({ countries: ["PL"], regions: ["Mazowieckie"], appliesTo: "accounts" })] }),
  node({ _id: "dach", code: "EMEA-DACH", parentId: "emea", rules: [rule({ countries: ["DE"] })] }),
  // Two territories at one depth matching the same records: priority, then code.
  node({ _id: "ent", code: "EMEA-ENT", parentId: "emea", priority: 5, rules: [rule({ minEmployees: 1000, appliesTo: "accounts" })] }),
  node({ _id: "big", code: "EMEA-BIG", parentId: "emea", priority: 5, rules: [rule({ minEmployees: 5000 })] }),
]);
const rec = (r: Partial<{ country: string; region: string; industry: string; employeeCount: number }>) => ({ country: "", region: "", industry: "", employeeCount: 0, ...r });

describe("territory placement", () => {
  it("matches a rule only when every criterion it names matches, for the types it applies to", () => {
    const r = rule({ countries: ["PL"], industries: ["Retail"], minEmployees: 10, maxEmployees: 100, appliesTo: "leads" });
    expect(ruleMatches(r, "lead", rec({ country: "PL", industry: "retail", employeeCount: 50 }))).toBe(true);
    expect(ruleMatches(r, "account", rec({ country: "PL", industry: "retail", employeeCount: 50 }))).toBe(false);
    expect(ruleMatches(r, "lead", rec({ country: "DE", industry: "retail", employeeCount: 50 }))).toBe(false);
    expect(ruleMatches(r, "lead", rec({ country: "PL", industry: "Banking", employeeCount: 50 }))).toBe(false);
    expect(ruleMatches(r, "lead", rec({ country: "PL", industry: "Retail", employeeCount: 101 }))).toBe(false);
    expect(ruleMatches(r, "lead", rec({ country: "PL", industry: "Retail", employeeCount: 9 }))).toBe(false);
    // A size bound needs a known size.
    expect(ruleMatches(r, "lead", rec({ country: "PL", industry: "Retail" }))).toBe(false);
  });

  it("the deepest matching territory wins", () => {
    expect(tree.place("account", rec({ country: "PL", region: "mazowieckie" }))?.code).toBe("EMEA-PL-WAW");
    // The Warsaw rule is for accounts: a lead in the same place stops at Poland.
    expect(tree.place("lead", rec({ country: "PL", region: "Mazowieckie" }))?.code).toBe("EMEA-PL");
    expect(tree.place("account", rec({ country: "PL", region: "Pomorskie" }))?.code).toBe("EMEA-PL");
    expect(tree.place("account", rec({ country: "FR" }))?.code).toBe("EMEA");
    expect(tree.place("account", rec({ country: "US" }))).toBeUndefined();
  });

  it("at one depth the higher priority wins, then the lower code", () => {
    // DE (EMEA-DACH, priority 0) against size ≥ 1000 (EMEA-ENT, priority 5): depth 1 both.
    expect(tree.place("account", rec({ country: "DE", employeeCount: 2000 }))?.code).toBe("EMEA-ENT");
    // EMEA-BIG and EMEA-ENT both priority 5: "EMEA-BIG" < "EMEA-ENT".
    expect(tree.place("account", rec({ country: "DE", employeeCount: 6000 }))?.code).toBe("EMEA-BIG");
    // A leads-only-for-ENT: EMEA-ENT applies to accounts, so a big lead goes to EMEA-BIG.
    expect(tree.place("lead", rec({ employeeCount: 2000 }))).toBeUndefined();
    expect(tree.place("lead", rec({ employeeCount: 6000 }))?.code).toBe("EMEA-BIG");
  });

  it("with replaced rules for one territory (a reassignment's dry run)", () => {
    const rulesOf = (n: TerritoryNode) => (n._id === "waw" ? [rule({ countries: ["PL"], regions: ["Pomorskie"] })] : n.rules);
    expect(tree.place("account", rec({ country: "PL", region: "Pomorskie" }), rulesOf)?.code).toBe("EMEA-PL-WAW");
    expect(tree.place("account", rec({ country: "PL", region: "Mazowieckie" }), rulesOf)?.code).toBe("EMEA-PL");
  });

  it("the owner becomes the default owner only when it is not a member", () => {
    const t = node({ _id: "x", code: "X", memberIds: ["rep-1", "rep-2"], defaultOwnerId: "rep-2" });
    expect(ownerAfterPlacement(t, "rep-1")).toBe("rep-1");
    expect(ownerAfterPlacement(t, "outsider")).toBe("rep-2");
    expect(ownerAfterPlacement({ ...t, defaultOwnerId: "" }, "outsider")).toBe("outsider");
  });
});

describe("territory hierarchy checks", () => {
  const parents: Record<string, string> = { emea: "", pl: "emea", waw: "pl", dach: "emea" };
  const parentOf = async (id: string) => parents[id] || undefined;
  const field = async (run: () => Promise<void>) => run().then(() => "ok", (err: unknown) => (err instanceof InvalidArgument ? err.field : String(err)));

  it("refuses a cycle, naming parent_id", async () => {
    expect(await field(() => checkTerritoryParent("emea", "waw", parentOf))).toBe("parent_id");
    expect(await field(() => checkTerritoryParent("pl", "pl", parentOf))).toBe("parent_id");
    expect(await field(() => checkTerritoryParent("dach", "waw", parentOf))).toBe("ok");
    expect(await field(() => checkTerritoryParent(undefined, "waw", parentOf))).toBe("ok");
  });

  it("refuses a default owner who is not a member", () => {
    expect(() => checkDefaultOwner("rep-9", ["rep-1"])).toThrow(InvalidArgument);
    expect(() => checkDefaultOwner("rep-1", ["rep-1"])).not.toThrow();
    expect(() => checkDefaultOwner("", [])).not.toThrow();
  });
});

describe("forecast categories", () => {
  it("default by kind and probability; the default pipeline's stages", () => {
    expect(DEFAULT_STAGES.map((s) => [s.id, forecastCategoryOf(s)])).toEqual([
      ["prospecting", "pipeline"],
      ["qualification", "pipeline"],
      ["proposal", "best_case"],
      ["negotiation", "commit"],
      ["won", "closed"],
      ["lost", "omitted"],
    ]);
    expect(forecastCategoryOf({ kind: "open", probability: 39 })).toBe("pipeline");
    expect(forecastCategoryOf({ kind: "open", probability: 40 })).toBe("best_case");
    expect(forecastCategoryOf({ kind: "open", probability: 70 })).toBe("commit");
    expect(forecastCategoryOf({ kind: "open", probability: 90, forecastCategory: "best_case" })).toBe("best_case");
  });

  it("a pipeline refuses a category that contradicts its stage's kind, naming it", () => {
    const stages = [
      { id: "a", name: "A", probability: 10, kind: "open" as const, forecastCategory: "commit" as const },
      { id: "w", name: "W", probability: 100, kind: "won" as const },
      { id: "l", name: "L", probability: 0, kind: "lost" as const },
    ];
    expect(validatePipeline(stages)[0]!.forecastCategory).toBe("commit");
    try {
      validatePipeline([{ ...stages[0]!, forecastCategory: "closed" }, stages[1]!, stages[2]!]);
      throw new Error("accepted");
    } catch (err) {
      expect((err as InvalidArgument).field).toBe("stages.0.forecast_category");
    }
  });
});

describe("forecast figures and roll-up", () => {
  const opp = (o: Partial<ForecastOpportunity>): ForecastOpportunity => ({
    ownerId: "rep",
    accountId: "a",
    stageId: "prospecting",
    status: "open",
    probability: 10,
    amount: { amount: "1000.00", currency: "EUR" },
    expectedCloseDate: "2026-11-15",
    ...o,
  });

  it("sums per category, weights the open ones exactly and sets closed against the quota", () => {
    const f = emptyFigures();
    // 1000.00 × 10 % = 100.00 (pipeline); 333.33 × 75 % = 249.9975 (commit); 500.00 won.
    for (const o of [opp({}), opp({ stageId: "negotiation", probability: 75, amount: { amount: "333.33", currency: "EUR" } }), opp({ status: "won", stageId: "won", probability: 100, amount: { amount: "500.00", currency: "EUR" } })]) {
      count(f, o, categoryOf(o, DEFAULT_STAGES));
    }
    // Lost: counted nowhere.
    count(f, opp({ status: "lost" }), categoryOf(opp({ status: "lost" }), DEFAULT_STAGES));
    expect(figuresOut(f, 2000_0000n)).toEqual({
      pipeline: "1000.00",
      bestCase: "0.00",
      commit: "333.33",
      closed: "500.00",
      weighted: "349.9975",
      opportunities: 3,
      quota: "2000.00",
      attainment: "0.2500",
      gap: "1500.00",
    });
    expect(figuresOut(f).quota).toBe("");
  });

  it("rolls each territory up with all its descendants, depth first", () => {
    const own = new Map([
      ["waw", addFigures(emptyFigures(), { ...emptyFigures(), closed: 100_0000n, count: 1 })],
      ["pl", addFigures(emptyFigures(), { ...emptyFigures(), closed: 10_0000n, count: 1 })],
      ["dach", addFigures(emptyFigures(), { ...emptyFigures(), commit: 7_0000n, count: 1 })],
    ]);
    const rows = rollUp(tree, own, new Set(tree.byId.keys()));
    expect(rows.map((r) => [r.code, r.depth, formatUnits(r.own.closed), formatUnits(r.rolledUp.closed), formatUnits(r.rolledUp.commit)])).toEqual([
      ["EMEA", 0, "0", "110", "7"],
      ["EMEA-BIG", 1, "0", "0", "0"],
      ["EMEA-DACH", 1, "0", "0", "7"],
      ["EMEA-ENT", 1, "0", "0", "0"],
      ["EMEA-PL", 1, "10", "110", "0"],
      ["EMEA-PL-WAW", 2, "100", "100", "0"],
    ]);
    // A subtree alone.
    expect(rollUp(tree, own, tree.subtree("pl")).map((r) => [r.code, formatUnits(r.rolledUp.closed)])).toEqual([
      ["EMEA-PL", "110"],
      ["EMEA-PL-WAW", "100"],
    ]);
  });
});

const formatUnits = (u: bigint) => String(u / 10_000n);
