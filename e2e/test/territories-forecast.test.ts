import { as, call, expectProblem, runId, type ApiResponse } from "./support/api";

/**
 * Territories and the forecast through the real gateway: a three-level hierarchy whose rules
 * match only this run's region, two accounts placed by them, one opportunity each, a territory
 * quota set in Reporting through /v1/quotas, and Sales' forecast of the subtree rolled up to its
 * top against that quota. A far period (2031-Q2) keeps other tests' deals out.
 */

jest.setTimeout(120_000);

const region = `r-${runId}`;
const top = `E2E-${runId}`;
const period = "2031-Q2";
const eur = (amount: string) => ({ amount, currency: "EUR" });

function ok(res: ApiResponse, status = 200): Record<string, any> {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

let manager: string, rep: string;

beforeAll(async () => {
  [manager, rep] = await Promise.all([as("acme-sales-manager"), as("acme-sales-rep")]);
});

test("a hierarchy places two accounts; the forecast rolls their deals up against a territory quota", async () => {
  const post = (path: string, token: string, body: unknown) => call("POST", path, { token, body });
  const root = ok(await post("/v1/territories", manager, { code: top, name: "EMEA", rules: [{ regions: [region] }], memberIds: ["rep-top"], defaultOwnerId: "rep-top" }), 201);
  const pl = ok(await post("/v1/territories", manager, { code: `${top}-PL`, name: "Poland", parentId: root.id, rules: [{ countries: ["PL"], regions: [region] }] }), 201);
  const waw = ok(
    await post("/v1/territories", manager, { code: `${top}-PL-WAW`, name: "Warsaw", parentId: pl.id, rules: [{ countries: ["PL"], regions: [region], industries: ["Banking"], appliesTo: "accounts" }] }),
    201,
  );
  // A sales rep reads territories but does not configure them.
  expect(ok(await call("GET", `/v1/territories/${waw.id}`, { token: rep }))).toMatchObject({ code: `${top}-PL-WAW`, parentId: pl.id });
  expectProblem(await post("/v1/territories", rep, { code: `${top}-X`, name: "X" }), 403);
  // A cycle is refused naming the field.
  expectProblem(await call("PATCH", `/v1/territories/${root.id}`, { token: manager, body: { parentId: waw.id }, headers: { "If-Match": `"${root.version}"` } }), 400, "parentId");

  // Warsaw is the deepest match of the bank; the other account only matches the top (DE).
  const bank = ok(await post("/v1/accounts", manager, { name: `Bank ${runId}`, country: "PL", region, industry: "Banking" }), 201);
  const other = ok(await post("/v1/accounts", manager, { name: `Other ${runId}`, country: "DE", region }), 201);
  expect(bank.territory).toBe(`${top}-PL-WAW`);
  // The manager is not a member of the top: its default owner takes the account.
  expect([other.territory, other.ownerId]).toEqual([top, "rep-top"]);

  // The tenant's pipeline decides the stages: the first open one, and the won one.
  const pipeline = ok(await call("GET", "/v1/pipeline", { token: manager }));
  const open = pipeline.stages.find((s: any) => s.kind === "open");
  const won = pipeline.stages.find((s: any) => s.kind === "won");
  const opp1 = ok(await post("/v1/opportunities", manager, { accountId: bank.id, name: `Deal ${runId}`, amount: eur("10000.00"), expectedCloseDate: "2031-05-15" }), 201);
  const opp2 = ok(await post("/v1/opportunities", manager, { accountId: other.id, name: `Won ${runId}`, amount: eur("4000.00"), expectedCloseDate: "2031-06-30" }), 201);
  ok(await post(`/v1/opportunities/${opp2.id}/stage`, manager, { stageId: won.id }));
  expect(opp1.stageId).toBe(open.id);

  // The top territory's quota, in Reporting.
  ok(await post("/v1/quotas", manager, { territory: top, period, amount: eur("8000.00") }), 201);

  const res = ok(await call("GET", `/v1/forecast?period=${period}&groupBy=territory&territoryId=${root.id}&currency=EUR`, { token: manager }));
  expect(res).toMatchObject({ period, from: "2031-04-01", to: "2031-06-30", quotasAvailable: true });
  // The open deal: 10000.00 × its stage's probability (10 % in the default pipeline: 1000.00),
  // counted in its stage's category (the default pipeline's first stage: "pipeline").
  const category = open.forecastCategory ?? (open.probability >= 70 ? "commit" : open.probability >= 40 ? "best_case" : "pipeline");
  const key = { pipeline: "pipeline", best_case: "bestCase", commit: "commit" }[category as string] ?? "pipeline";
  const weighted = `${(10000 * open.probability) / 100}.0000`;
  const wawOwn = { pipeline: "0.00", bestCase: "0.00", commit: "0.00", closed: "0.00", [key]: "10000.00", weighted, opportunities: 1, quota: null, attainment: null, gap: null };
  const groups = Object.fromEntries(res.groups.map((g: any) => [g.code, g]));
  expect(Object.keys(groups)).toEqual([top, `${top}-PL`, `${top}-PL-WAW`]);
  expect(groups[`${top}-PL-WAW`].own).toEqual(wawOwn);
  expect(groups[`${top}-PL`].own.opportunities).toBe(0);
  expect(groups[`${top}-PL`].rolledUp).toEqual(wawOwn);
  // The top: its own won 4000.00 and Warsaw's deal; 4000 / 8000 = 0.5, gap 4000.00.
  expect(groups[top].own).toMatchObject({ closed: "4000.00", opportunities: 1, quota: null });
  expect(groups[top].rolledUp).toEqual({ ...wawOwn, closed: "4000.00", opportunities: 2, quota: "8000.00", attainment: "0.5000", gap: "4000.00" });
  expect(res.total).toEqual(groups[top].rolledUp);

  // A sales rep does not read the forecast.
  expectProblem(await call("GET", `/v1/forecast?period=${period}&groupBy=owner&currency=EUR`, { token: rep }), 403);
});
