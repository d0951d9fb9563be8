import { canRead, FACTS, factNamed, QUERY_READERS, readableFacts } from "../../src/domain/catalogue";
import { catalogueFor } from "../../src/rpc/query";

const names = (roles: string[]) => readableFacts(roles).map((f) => f.name);

describe("the catalogue's facts by the caller's roles", () => {
  test("analysts and tenant admins read every fact", () => {
    const all = ["opportunities", "leads", "orders", "responses", "cases", "articleViews", "searches"];
    expect(names(["analyst"])).toEqual(all);
    expect(names(["tenant-admin"])).toEqual(all);
  });

  test("a partner client with reporting:read reads every fact; another scope reads none", () => {
    expect(names(["scope:reporting:read"])).toEqual(FACTS.map((f) => f.name));
    expect(names(["scope:sales:read"])).toEqual([]);
  });

  test("each area's managers read their area's facts only", () => {
    expect(names(["sales-manager"])).toEqual(["opportunities", "leads", "orders"]);
    expect(names(["marketer"])).toEqual(["responses"]);
    expect(names(["support-manager"])).toEqual(["cases", "articleViews", "searches"]);
    expect(names(["kb-editor"])).toEqual(["articleViews", "searches"]);
    expect(names(["sales-manager", "marketer"])).toEqual(["opportunities", "leads", "orders", "responses"]);
  });

  test("roles with no fact read nothing", () => {
    expect(names(["sales-rep"])).toEqual([]);
    expect(names(["support-agent"])).toEqual([]);
    expect(names(["platform-admin"])).toEqual([]);
    expect(names([])).toEqual([]);
    expect(canRead(factNamed("cases")!, ["sales-manager"])).toBe(false);
  });

  test("the gateway's readers are exactly the roles some fact lets read", () => {
    expect([...QUERY_READERS].sort()).toEqual(["analyst", "kb-editor", "marketer", "sales-manager", "support-manager", "tenant-admin"]);
  });

  test("GetCatalogue lists the caller's facts with their fields, and the functions, units and operators", () => {
    const catalogue = catalogueFor(["marketer"]);
    expect(catalogue.facts).toEqual([
      {
        name: "responses",
        description: expect.any(String),
        dimensions: [
          { name: "campaignId", type: "string", description: expect.any(String) },
          { name: "responseType", type: "string", description: expect.any(String) },
          { name: "leadId", type: "string", description: expect.any(String) },
        ],
        measures: [],
        times: [{ name: "occurredAt", type: "timestamp", description: expect.any(String) }],
        roles: ["tenant-admin", "analyst", "marketer"],
      },
    ]);
    expect(catalogue.functions).toEqual(["count", "sum", "avg", "min", "max"]);
    expect(catalogue.buckets).toEqual(["day", "week", "month", "quarter", "year"]);
    expect(catalogue.operators).toEqual(["equals", "not_equals", "in", "greater", "less", "between", "exists", "not_exists"]);
    const opportunities = catalogueFor(["sales-manager"]).facts[0]!;
    expect(opportunities.dimensions.map((d) => d.name)).toEqual(["opportunityId", "accountId", "ownerId", "stageId", "status", "currency", "territory", "leadId"]);
    expect(opportunities.measures.map((m) => [m.name, m.type])).toEqual([["amount", "decimal"], ["probability", "integer"], ["salesCycleDays", "number"]]);
    expect(opportunities.times.map((t) => [t.name, t.type])).toEqual([["createdAt", "timestamp"], ["closedAt", "timestamp"], ["expectedCloseDate", "date"]]);
  });

  test("every expression reads the fact's own alias, and every fact's table is scoped by f.tenant_id", () => {
    for (const fact of FACTS) {
      expect(fact.from).toMatch(/^\w+ f$/);
      // A join names the same tenant as the fact's row.
      for (const join of fact.joins) expect(join.sql).toMatch(new RegExp(`^LEFT JOIN \\w+ ${join.alias} ON ${join.alias}\\.tenant_id = f\\.tenant_id AND `));
      const names = [...fact.dimensions, ...fact.measures, ...fact.times].map((e) => e.name);
      expect(new Set(names).size).toBe(names.length);
    }
  });
});
