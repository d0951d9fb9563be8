import { InvalidArgument, PermissionDenied } from "@relata/platform";
import { resolveQuery } from "../../src/domain/query";
import { buildQuery, decimalText, rowCells } from "../../src/domain/query-sql";

const ANALYST = ["analyst"];

/** The error a query is refused with: its class, field and message. */
function refusal(query: unknown, roles: string[] = ANALYST): { kind: string; field?: string; message: string } {
  try {
    resolveQuery(query, roles);
  } catch (err) {
    if (err instanceof InvalidArgument || err instanceof PermissionDenied) return { kind: err.constructor.name, field: err.field, message: err.message };
    throw err;
  }
  throw new Error("the query was accepted");
}

describe("the SQL of a query", () => {
  test("sum by owner by month in a time zone: tenant first and bound, catalogue expressions only, ordered by bucket then dimensions", () => {
    const query = resolveQuery(
      {
        fact: "opportunities",
        measures: [{ function: "sum", field: "amount" }],
        dimensions: ["ownerId"],
        bucket: { field: "createdAt", unit: "month" },
        filters: [{ field: "currency", operator: "equals", values: ["EUR"] }],
        timeZone: "Europe/Warsaw",
        limit: 0,
      },
      ANALYST,
    );
    expect(query.limit).toBe(1000);
    const built = buildQuery(query, "tenant-a", 1001);
    expect(built.sql).toBe(
      "SELECT strftime(CAST(date_trunc('month', timezone($3, f.created_at)) AS DATE), '%Y-%m-%d') AS c0, f.owner_id AS c1, CAST(sum(f.amount) AS VARCHAR) AS c2 " +
        "FROM opportunities f " +
        "WHERE f.tenant_id = $1 AND NOT f.deleted AND f.currency = $2 " +
        "GROUP BY 1, 2 ORDER BY 1 ASC NULLS LAST, 2 ASC NULLS LAST LIMIT $4",
    );
    expect(built.params).toEqual(["tenant-a", "EUR", "Europe/Warsaw", 1001]);
    expect(built.columns).toEqual([
      { name: "month(createdAt)", type: "date" },
      { name: "ownerId", type: "string" },
      { name: "sum(amount)", type: "decimal" },
    ]);
  });

  test("the accounts are joined (on the same tenant) only when the territory is asked for", () => {
    const join = "FROM opportunities f LEFT JOIN accounts a ON a.tenant_id = f.tenant_id AND a.account_id = f.account_id WHERE";
    const sqlOf = (q: object) => buildQuery(resolveQuery({ fact: "opportunities", ...q }, ANALYST), "t").sql;
    expect(sqlOf({ dimensions: ["territory"] })).toContain(join);
    expect(sqlOf({ dimensions: ["ownerId"], filters: [{ field: "territory", operator: "equals", values: ["north"] }] })).toContain(join);
    expect(sqlOf({ measures: [{ function: "count", field: "territory" }] })).toContain(join);
    expect(sqlOf({ dimensions: ["ownerId", "accountId", "stageId", "status", "currency", "leadId"], measures: [{ function: "avg", field: "salesCycleDays" }] })).not.toContain("JOIN");
  });

  test("an event fact has no deleted flag; an export has no limit; counts are integers", () => {
    const query = resolveQuery({ fact: "responses", measures: [{ function: "count" }], dimensions: ["campaignId", "responseType"] }, ["marketer"]);
    const built = buildQuery(query, "tenant-a");
    expect(built.sql).toBe(
      "SELECT f.campaign_id AS c0, f.response_type AS c1, count(*) AS c2 FROM campaign_responses f WHERE f.tenant_id = $1 GROUP BY 1, 2 ORDER BY 1 ASC NULLS LAST, 2 ASC NULLS LAST",
    );
    expect(built.params).toEqual(["tenant-a"]);
    expect(built.columns[2]).toEqual({ name: "count", type: "integer" });
  });

  test("client text reaches SQL only as parameters, whatever it holds", () => {
    const hostile = "x' OR 1=1; DROP TABLE opportunities; --";
    const query = resolveQuery(
      { fact: "opportunities", measures: [{ function: "count" }], filters: [{ field: "ownerId", operator: "in", values: [hostile, "rep-2"] }, { field: "stageId", operator: "not_equals", values: [hostile] }] },
      ANALYST,
    );
    const built = buildQuery(query, "tenant-a", 11);
    expect(built.sql).not.toContain("DROP");
    expect(built.sql).toContain("f.owner_id IN ($2, $3) AND (f.stage_id IS NULL OR NOT (f.stage_id = $4))");
    expect(built.params).toEqual(["tenant-a", hostile, "rep-2", hostile, 11]);
    // A tenant id is a parameter too.
    expect(buildQuery(query, hostile).params[0]).toBe(hostile);
  });

  test("filter values are cast to their field's type; days of a time are the time zone's days", () => {
    const query = resolveQuery(
      {
        fact: "opportunities",
        measures: [{ function: "avg", field: "probability" }, { function: "max", field: "closedAt" }],
        filters: [
          { field: "amount", operator: "between", values: ["100", "2500.50"] },
          { field: "probability", operator: "greater", values: ["20"] },
          { field: "createdAt", operator: "between", values: ["2026-01-01", "2026-03-31"] },
          { field: "closedAt", operator: "less", values: ["2026-04-01T00:00:00+02:00"] },
          { field: "expectedCloseDate", operator: "exists", values: [] },
          { field: "leadId", operator: "not_exists", values: [] },
        ],
        timeZone: "America/New_York",
      },
      ANALYST,
    );
    const built = buildQuery(query, "tenant-a");
    expect(built.sql).toBe(
      "SELECT CAST(avg(f.probability) AS DOUBLE) AS c0, max(f.closed_at) AS c1 " +
        "FROM opportunities f " +
        "WHERE f.tenant_id = $1 AND NOT f.deleted " +
        "AND (f.amount >= CAST($2 AS DECIMAL(38,4)) AND f.amount <= CAST($3 AS DECIMAL(38,4))) " +
        "AND f.probability > CAST($4 AS BIGINT) " +
        "AND (f.created_at >= timezone($6, CAST(CAST($5 AS DATE) AS TIMESTAMP)) AND f.created_at < timezone($6, CAST(CAST($7 AS DATE) AS TIMESTAMP) + INTERVAL 1 DAY)) " +
        "AND f.closed_at < CAST($8 AS TIMESTAMPTZ) " +
        "AND f.expected_close_date IS NOT NULL AND f.lead_id IS NULL",
    );
    expect(built.params).toEqual(["tenant-a", "100", "2500.50", "20", "2026-01-01", "America/New_York", "2026-03-31", "2026-03-31T22:00:00.000Z"]);
    expect(built.columns).toEqual([
      { name: "avg(probability)", type: "number" },
      { name: "max(closedAt)", type: "timestamp" },
    ]);
  });

  test("a week bucket of a day field needs no time zone; booleans compare as booleans", () => {
    const query = resolveQuery(
      { fact: "cases", measures: [{ function: "min", field: "resolutionMinutes" }], dimensions: ["slaBreached"], bucket: { field: "createdAt", unit: "week" }, filters: [{ field: "slaBreached", operator: "equals", values: ["true"] }] },
      ["support-manager"],
    );
    const built = buildQuery(query, "t");
    expect(built.sql).toContain("date_trunc('week', timezone($3, f.created_at))");
    expect(built.sql).toContain("f.sla_breached = CAST($2 AS BOOLEAN)");
    expect(built.params).toEqual(["t", "true", "UTC"]);
    const byDay = buildQuery(resolveQuery({ fact: "opportunities", measures: [{ function: "count" }], bucket: { field: "expectedCloseDate", unit: "quarter" } }, ANALYST), "t");
    expect(byDay.sql).toContain("date_trunc('quarter', f.expected_close_date)");
    expect(byDay.params).toEqual(["t"]);
  });
});

describe("what a query may name", () => {
  test("unknown names are refused naming their exact place", () => {
    expect(refusal({ fact: "salaries", measures: [{ function: "count" }] })).toMatchObject({ kind: "InvalidArgument", field: "fact" });
    expect(refusal({ fact: "opportunities", measures: [{ function: "count" }, { function: "sum", field: "f.amount" }] })).toMatchObject({
      kind: "InvalidArgument",
      field: "measures.1.field",
      message: expect.stringContaining('opportunities has no measure "f.amount"'),
    });
    expect(refusal({ fact: "opportunities", measures: [{ function: "sum", field: "ownerId" }] })).toMatchObject({ field: "measures.0.field" });
    expect(refusal({ fact: "opportunities", measures: [{ function: "sum", field: "" }] })).toMatchObject({ field: "measures.0.field" });
    expect(refusal({ fact: "opportunities", measures: [{ function: "median", field: "amount" }] })).toMatchObject({ field: "measures.0.function" });
    expect(refusal({ fact: "opportunities", dimensions: ["owner_id"] })).toMatchObject({ field: "dimensions.0" });
    expect(refusal({ fact: "opportunities", dimensions: ["ownerId", "ownerId"] })).toMatchObject({ field: "dimensions.1", message: expect.stringContaining("listed twice") });
    expect(refusal({ fact: "opportunities", dimensions: ["ownerId"], bucket: { field: "ownerId", unit: "month" } })).toMatchObject({ field: "bucket.field" });
    expect(refusal({ fact: "opportunities", dimensions: ["ownerId"], bucket: { field: "createdAt", unit: "hour" } })).toMatchObject({ field: "bucket.unit" });
    expect(refusal({ fact: "opportunities", dimensions: ["ownerId"], filters: [{ field: "deleted", operator: "equals", values: ["true"] }] })).toMatchObject({ field: "filters.0.field" });
    expect(refusal({ fact: "opportunities", dimensions: ["ownerId"], filters: [{ field: "ownerId", operator: "like", values: ["a%"] }] })).toMatchObject({ field: "filters.0.operator" });
    expect(refusal({ fact: "opportunities" })).toMatchObject({ field: "measures" });
    expect(refusal({ fact: "opportunities", dimensions: ["ownerId"], timeZone: "Mars/Olympus" })).toMatchObject({ field: "time_zone" });
    expect(refusal({ fact: "opportunities", dimensions: ["ownerId"], limit: 10_001 })).toMatchObject({ field: "limit" });
  });

  test("filter values must be of the field's type and as many as the operator takes", () => {
    const filter = (field: string, operator: string, values: string[]) => refusal({ fact: "opportunities", dimensions: ["ownerId"], filters: [{ field: "ownerId", operator: "exists" }, { field, operator, values }] });
    expect(filter("amount", "greater", ["a lot"])).toMatchObject({ kind: "InvalidArgument", field: "filters.1.values.0", message: expect.stringContaining("decimal") });
    expect(filter("probability", "in", ["10", "ten"])).toMatchObject({ field: "filters.1.values.1" });
    expect(filter("amount", "greater", ["1.23456"])).toMatchObject({ field: "filters.1.values.0" });
    expect(filter("salesCycleDays", "less", ["NaN"])).toMatchObject({ field: "filters.1.values.0" });
    expect(filter("createdAt", "greater", ["yesterday"])).toMatchObject({ field: "filters.1.values.0" });
    expect(filter("expectedCloseDate", "equals", ["2026-02-30"])).toMatchObject({ field: "filters.1.values.0" });
    expect(filter("amount", "between", ["1"])).toMatchObject({ field: "filters.1.values", message: expect.stringContaining("two values") });
    expect(filter("ownerId", "equals", [])).toMatchObject({ field: "filters.1.values" });
    expect(filter("ownerId", "exists", ["x"])).toMatchObject({ field: "filters.1.values" });
    expect(refusal({ fact: "cases", dimensions: ["queueId"], filters: [{ field: "slaBreached", operator: "equals", values: ["yes"] }] })).toMatchObject({ field: "filters.0.values.0" });
    expect(refusal({ fact: "cases", dimensions: ["queueId"], filters: [{ field: "slaBreached", operator: "greater", values: ["true"] }] })).toMatchObject({ field: "filters.0.operator" });
  });

  test("a fact the caller's roles may not read is PermissionDenied naming fact, before any other name is looked at", () => {
    expect(refusal({ fact: "cases", dimensions: ["nonsense"] }, ["sales-manager"])).toMatchObject({ kind: "PermissionDenied", field: "fact" });
    expect(refusal({ fact: "opportunities", measures: [{ function: "count" }] }, ["marketer"])).toMatchObject({ kind: "PermissionDenied", field: "fact" });
    expect(refusal({ fact: "opportunities", measures: [{ function: "count" }] }, ["scope:quotas:read"])).toMatchObject({ kind: "PermissionDenied" });
    expect(() => resolveQuery({ fact: "cases", measures: [{ function: "count" }] }, ["scope:reporting:read"])).not.toThrow();
  });
});

describe("cells", () => {
  test("decimals stay exact, with at least two decimals", () => {
    expect(decimalText("1234.5000")).toBe("1234.50");
    expect(decimalText("0.1250")).toBe("0.125");
    expect(decimalText("-12.0000")).toBe("-12.00");
    expect(decimalText("123456789012345678.1234")).toBe("123456789012345678.1234");
    expect(decimalText("7")).toBe("7.00");
  });

  test("rows become text cells in the columns' order, nulls listed apart", () => {
    const columns = [
      { name: "month(createdAt)", type: "date" as const },
      { name: "slaBreached", type: "boolean" as const },
      { name: "count", type: "integer" as const },
      { name: "sum(amount)", type: "decimal" as const },
      { name: "avg(resolutionMinutes)", type: "number" as const },
      { name: "max(createdAt)", type: "timestamp" as const },
    ];
    expect(rowCells({ c0: "2026-02-01", c1: false, c2: 12n, c3: "10.5000", c4: null, c5: new Date("2026-01-31T23:30:00Z") }, columns)).toEqual({
      cells: ["2026-02-01", "false", "12", "10.50", "", "2026-01-31T23:30:00.000Z"],
      nullCells: [4],
    });
  });
});
