import { tokenClaims, waitFor } from "@relata/testing";
import { as, call, expectProblem, partner, runId, uniqueLead, type ApiResponse } from "./support/api";

/**
 * Reporting from end to end, through the real gateway, Keycloak and every service's public API
 * (nothing is published by the test): Sales, Marketing, the Service and the Knowledge-Base
 * record a scripted quarter in run-unique slices (a territory, a campaign, a case category, a
 * knowledge category), Reporting's store reads their streams, and its dashboards answer the
 * figures computed by hand below; the roles and partners that may read them, another tenant that
 * sees none of them, and a rebuild by replay after which the same dashboards answer the same JSON.
 */

jest.setTimeout(900_000);

// ---------------------------------------------------------------------------------------------
// The answer of the ad-hoc query, read through this one adapter: its shape is the query
// endpoint's to settle (rows of objects keyed by dimension and measure name, or columns + rows of
// arrays); the test only needs "the count for each value of one dimension".
type QueryAnswer = { columns?: (string | { name: string })[]; rows?: unknown[] };
function countsByDimension(answer: QueryAnswer, dimension: string): Record<string, number> {
  const names = (answer.columns ?? []).map((c) => (typeof c === "string" ? c : c.name));
  const out: Record<string, number> = {};
  for (const row of answer.rows ?? []) {
    const record: Record<string, unknown> = Array.isArray(row) ? Object.fromEntries(names.map((n, i) => [n, row[i]])) : (row as Record<string, unknown>);
    const key = String(record[dimension]);
    const measure = Object.entries(record).find(([k]) => k !== dimension)?.[1];
    out[key] = Number(measure);
  }
  return out;
}
// ---------------------------------------------------------------------------------------------

/** This run's slices: no other test's or run's data can fall in them. */
const territory = `t-${runId}`;
const caseCategory = `rep-${runId}`;
const kbCategory = `kb-${runId}`;
const kbProduct = `prod-${runId}`;
const industry = `Ind-${runId}`;
const currency = "EUR";
const eur = (amount: string) => ({ amount, currency });

/** Today and its neighbours in UTC: the range of every dashboard read (the test may cross midnight). */
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const range = () => `from=${day(-1)}&to=${day(1)}&timeZone=UTC`;
/** The current quarter ("2026-Q4") and its last day: the forecast's period and the open deals' close date. */
function quarterNow(): { period: string; lastDay: string } {
  const now = new Date();
  const q = Math.floor(now.getUTCMonth() / 3) + 1;
  const last = new Date(Date.UTC(now.getUTCFullYear(), q * 3, 0));
  return { period: `${now.getUTCFullYear()}-Q${q}`, lastDay: last.toISOString().slice(0, 10) };
}

let rep: string, rep2: string, manager: string, marketer: string, agent: string, supportManager: string;
let editor: string, kbAdmin: string, analyst: string, globexAnalyst: string, admin: string;
let repId: string, rep2Id: string, agentId: string;

beforeAll(async () => {
  [rep, rep2, manager, marketer, agent, supportManager, editor, kbAdmin, analyst, globexAnalyst, admin] = await Promise.all([
    as("acme-sales-rep"),
    as("acme-sales-rep-2"),
    as("acme-sales-manager"),
    as("acme-marketer"),
    as("acme-support-agent"),
    as("acme-support-manager"),
    as("acme-kb-editor"),
    as("acme-tenant-admin"),
    as("acme-analyst"),
    as("globex-analyst"),
    as("platform-admin"),
  ]);
  [repId, rep2Id, agentId] = [rep, rep2, agent].map((t) => String(tokenClaims(t).sub));
});

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  let value!: T;
  await waitFor(async () => ok((value = await read())), { timeoutMs, what }).catch((err: unknown) => {
    throw new Error(`${String(err)}; last read: ${JSON.stringify(value)?.slice(0, 2_000)}`);
  });
  return value;
}

function ok(res: ApiResponse, status = 200): Record<string, any> {
  expect({ status: res.status, body: res.body }).toMatchObject({ status });
  return res.body;
}

const post = (path: string, token: string, body?: unknown, headers?: Record<string, string>) => call("POST", path, { token, body, headers });
const get = (path: string, token: string) => call("GET", path, { token });
const patch = async (path: string, token: string, body: unknown) => {
  const current = ok(await get(path, token));
  return ok(await call("PATCH", path, { token, body, headers: { "If-Match": `"${current.version}"` } }));
};

/** What the scenario made, for the dashboards' checks. */
const made = {
  accounts: {} as Record<"alpha" | "beta" | "gamma" | "delta", string>,
  /** Won opportunities: [createdAt, updatedAt of the win] for the average sales cycle. */
  wins: [] as { createdAt: string; closedAt: string }[],
  campaignId: "",
  campaignName: "",
  queueId: "",
  cases: {} as Record<"breached" | "quick" | "slow", Record<string, any>>,
  articles: {} as Record<"popular" | "unhelpful", Record<string, any>>,
  emptyQueries: [`nothing-${runId}`, `gibberish-${runId}`],
  quotaId: "",
};

/** An opportunity of the territory, moved to `stage` (a won or lost stage closes it) by the sales manager. */
async function opportunity(accountId: string, name: string, amount: string, ownerId: string, stage: string, extra: Record<string, unknown> = {}) {
  const created = ok(await post("/v1/opportunities", rep, { accountId, name: `${name} ${runId}`, amount: eur(amount), ownerId, ...extra }), 201);
  return stage === created.stageId ? created : await changeStage(created, stage);
}

async function changeStage(o: Record<string, any>, stageId: string, reason?: string) {
  const moved = ok(await post(`/v1/opportunities/${o.id}/stage`, manager, { stageId, ...(reason ? { reason } : {}) }, { "If-Match": `"${o.version}"` }));
  expect(moved.stageId).toBe(stageId);
  if (stageId === "won") made.wins.push({ createdAt: moved.createdAt, closedAt: moved.updatedAt });
  return moved;
}

describe("a quarter recorded by the other services", () => {
  test("sales: accounts of the territory, leads (one converted), opportunities won, lost and open", async () => {
    // The default pipeline's stages (the hand computation below uses their probabilities).
    const pipeline = ok(await get("/v1/pipeline", rep));
    const probability = Object.fromEntries(pipeline.stages.map((s: { id: string; probability: number }) => [s.id, s.probability]));
    expect(probability).toMatchObject({ prospecting: 10, proposal: 50, negotiation: 75, won: 100, lost: 0 });
    const { lastDay } = quarterNow();

    const account = async (name: string, extra: Record<string, unknown> = {}) =>
      ok(await post("/v1/accounts", rep, { name: `${name} ${runId}`, territory, ownerId: repId, ...extra }), 201).id as string;
    made.accounts.alpha = await account("Alpha Corp");
    made.accounts.beta = await account("Beta Ltd");
    // Delta is the campaign's customer: its contacts are the campaign's audience (by industry).
    made.accounts.delta = await account("Delta GmbH", { industry });

    // Alpha: two deals won (8,000 and 4,000) and one lost (3,000).
    await opportunity(made.accounts.alpha, "Alpha licences", "8000.00", repId, "won");
    await opportunity(made.accounts.alpha, "Alpha support", "4000.00", repId, "won");
    const lost = await opportunity(made.accounts.alpha, "Alpha extension", "3000.00", repId, "proposal");
    expectProblem(await post(`/v1/opportunities/${lost.id}/stage`, manager, { stageId: "lost" }, { "If-Match": `"${lost.version}"` }), 400, "reason");
    expect((await changeStage(lost, "lost", "Budget cut")).status).toBe("lost");
    // Beta: one deal won (1,000), one open in proposal (8,000 at 50%) closing in the quarter.
    await opportunity(made.accounts.beta, "Beta pilot", "1000.00", rep2Id, "won");
    await opportunity(made.accounts.beta, "Beta roll-out", "8000.00", repId, "proposal", { expectedCloseDate: lastDay });

    // A lead converted into a new account (Gamma, moved into the territory) and its deal won
    // (3,000); a second opportunity of Gamma open in negotiation (2,000 at 75%).
    const lead = ok(await post("/v1/leads", rep, uniqueLead({ company: `Gamma AG ${runId}`, ownerId: rep2Id })), 201);
    const converted = ok(await post(`/v1/leads/${lead.id}/convert`, rep, { opportunityName: `Gamma deal ${runId}`, amount: eur("3000.00"), expectedCloseDate: lastDay }));
    expect(converted.lead.status).toBe("converted");
    made.accounts.gamma = converted.accountId;
    expect(await patch(`/v1/accounts/${made.accounts.gamma}`, rep, { territory, ownerId: rep2Id })).toMatchObject({ territory });
    const gammaDeal = await patch(`/v1/opportunities/${converted.opportunityId}`, rep, { ownerId: rep2Id });
    expect(gammaDeal).toMatchObject({ ownerId: rep2Id, leadId: lead.id, status: "open" });
    await changeStage(gammaDeal, "won");
    await opportunity(made.accounts.gamma, "Gamma expansion", "2000.00", rep2Id, "negotiation", { expectedCloseDate: lastDay });
    // An unconverted lead of the run: no opportunity, nothing in the pipeline.
    ok(await post("/v1/leads", rep, uniqueLead({ company: `Unconverted ${runId}` })), 201);
  });

  test("marketing: a launched campaign with a cost, an interested respondent whose lead is converted and won", async () => {
    const contact = async (first: string) =>
      ok(await post("/v1/contacts", rep, { accountId: made.accounts.delta, firstName: first, lastName: `Delta ${runId}`, email: `${first.toLowerCase()}.${runId}@example.test` }), 201);
    const alice = await contact("Alice");
    await contact("Bob");

    const conditions = [{ field: "industry", operator: "equals", value: industry }];
    await eventually(
      () => post("/v1/segments/preview", marketer, { match: "all", conditions, sampleSize: 10 }),
      (res) => res.status === 200 && res.body.count === 2,
      "Marketing's audience to hold Delta's two contacts",
    );
    const segment = ok(await post("/v1/segments", marketer, { name: `Delta buyers ${runId}`, match: "all", conditions }), 201);
    made.campaignName = `Reporting webinar ${runId}`;
    const campaign = ok(
      await post("/v1/campaigns", marketer, {
        name: made.campaignName,
        channels: ["email"],
        segmentIds: [segment.id],
        budget: eur("1500.00"),
        actualCost: eur("1000.00"),
        endsAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
      201,
    );
    made.campaignId = campaign.id;
    const path = `/v1/campaigns/${campaign.id}`;
    const launched = ok(await post(`${path}/launch`, marketer, undefined, { "If-Match": `"${campaign.version}"` }));
    expect(launched).toMatchObject({ status: "running", launchReport: { members: 2, excluded: 0 } });

    // Two responses: Alice opens the email; a visitor of the web form is interested.
    ok(await post(`${path}/responses`, marketer, { type: "opened", personId: alice.id, channel: "email" }), 201);
    ok(
      await post(`${path}/responses`, await partner("acme"), {
        type: "interested",
        respondent: { firstName: "Dana", lastName: `Delta ${runId}`, email: `dana.${runId}@example.test`, company: `Delta GmbH ${runId}` },
      }),
      201,
    );
    const leads = await eventually(
      () => get(`/v1/leads?campaignId=${campaign.id}&limit=10`, rep),
      (res) => res.status === 200 && res.body.data.length === 1,
      "Sales to make a lead of the interested response",
    );
    const lead = leads.body.data[0];
    expect(lead).toMatchObject({ source: "marketing", campaignId: campaign.id });

    // Dana's lead becomes a 4,000 deal on Delta, won.
    const converted = ok(await post(`/v1/leads/${lead.id}/convert`, rep, { existingAccountId: made.accounts.delta, opportunityName: `Delta webinar deal ${runId}`, amount: eur("4000.00") }));
    expect(converted.accountId).toBe(made.accounts.delta);
    const deal = await patch(`/v1/opportunities/${converted.opportunityId}`, rep, { ownerId: rep2Id });
    expect(deal).toMatchObject({ leadId: lead.id, accountId: made.accounts.delta });
    await changeStage(deal, "won");
  });

  test("service: cases of the category under a 1-minute SLA, one breached, two answered, resolved and rated", async () => {
    const allWeek = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map((d) => ({ day: d, opens: "00:00", closes: "24:00" }));
    const calendar = ok(await post("/v1/business-calendars", supportManager, { name: `Always ${runId}`, timeZone: "UTC", weeklyHours: allWeek }), 201);
    // High priority: a first reply within 1 business minute (the shortest target there is: the
    // breached case needs no more than a minute's wait); normal: 10 hours and a day.
    ok(
      await post("/v1/sla-policies", supportManager, {
        name: `Reporting ${runId}`,
        calendarId: calendar.id,
        category: caseCategory,
        targets: [
          { priority: "high", firstResponseMinutes: 1, resolutionMinutes: 0 },
          { priority: "normal", firstResponseMinutes: 600, resolutionMinutes: 1440 },
        ],
      }),
      201,
    );
    made.queueId = ok(await post("/v1/queues", supportManager, { name: `Reporting queue ${runId}`, memberIds: [agentId], assignmentRule: "round_robin" }), 201).id;
    const open = async (subject: string, priority: string) => {
      const opened = ok(await post("/v1/cases", agent, { subject: `${subject} ${runId}`, priority, category: caseCategory, queueId: made.queueId, channel: "email" }), 201);
      // Its due instants come from the policy once the SLA clock has read the case.
      return (await eventually(() => get(`/v1/cases/${opened.id}`, agent), (res) => res.body.firstResponseDueAt !== null, `the SLA clock to start on "${subject}"`)).body;
    };
    // Opened first: its minute runs while the others are worked.
    const breached = await open("Nobody answers", "high");
    expect(Date.parse(breached.firstResponseDueAt) - Date.parse(breached.createdAt)).toBe(60_000);

    const solve = async (subject: string, score: number) => {
      const c = await open(subject, "normal");
      const path = `/v1/cases/${c.id}`;
      ok(await post(`${path}/comments`, agent, { visibility: "public", body: "Looking into it." }), 201);
      ok(await post(`${path}/start`, agent));
      ok(await post(`${path}/resolve`, agent, { resolution: "Fixed" }));
      ok(await post(`${path}/feedback`, agent, { score }), 201);
      const done = ok(await get(path, agent));
      expect(done).toMatchObject({ status: "resolved", slaBreached: false, firstRespondedAt: expect.any(String), resolvedAt: expect.any(String) });
      return done;
    };
    made.cases = { breached, quick: await solve("Printer jammed", 5), slow: await solve("Invoice wrong", 3) };

    made.cases.breached = (
      await eventually(() => get(`/v1/cases/${breached.id}`, agent), (res) => res.body.slaBreached === true, "the unanswered case to breach its first-response target", 240_000)
    ).body;
    expect(made.cases.breached).toMatchObject({ status: "new", firstRespondedAt: null });
  });

  test("knowledge: articles of the category read, rated and linked to a case; searches that find nothing", async () => {
    const publish = async (title: string) => {
      // No run id in the text (the category and product isolate the run): a search for words
      // with the run id must find nothing, and the engine forgives typos.
      const a = ok(await post("/v1/articles", editor, { title, body: `How to ${title.toLowerCase()}.`, category: kbCategory, product: kbProduct, language: "en" }), 201);
      ok(await post(`/v1/articles/${a.id}/submit`, editor, {}));
      return ok(await post(`/v1/articles/${a.id}/approve`, kbAdmin, { comment: "ok" }));
    };
    made.articles = { popular: await publish("Clear a paper jam"), unhelpful: await publish("Reissue an invoice") };
    const { popular, unhelpful } = made.articles;

    // Each reader opens each article once (a view counts once per reader and hour).
    for (const token of [agent, rep, analyst]) ok(await get(`/v1/articles/${popular.id}`, token));
    ok(await get(`/v1/articles/${unhelpful.id}`, agent));
    ok(await post(`/v1/articles/${popular.id}/feedback`, agent, { helpful: true }), 201);
    ok(await post(`/v1/articles/${popular.id}/feedback`, rep, { helpful: true }), 201);
    ok(await post(`/v1/articles/${popular.id}/feedback`, analyst, { helpful: false }), 201);
    ok(await post(`/v1/articles/${unhelpful.id}/feedback`, agent, { helpful: false }), 201);

    // The popular article solved the quick case.
    await eventually(
      () => post(`/v1/cases/${made.cases.quick.id}/linked-articles`, agent, { articleId: popular.id }),
      (res) => res.status === 200,
      "the Knowledge-Base hearing of the case",
    );

    // Wait for the index by the product alone (these searches carry no category: outside the
    // dashboard's slice), then search within the category: one search finds the article, three
    // (two of them the same words) find nothing.
    await eventually(
      () => get(`/v1/articles/search?q=${encodeURIComponent("paper jam")}&product=${kbProduct}`, agent),
      (res) => res.status === 200 && res.body.total === 1,
      "the popular article indexed",
    );
    const search = (q: string) => get(`/v1/articles/search?q=${encodeURIComponent(q)}&category=${kbCategory}`, agent);
    expect(ok(await search("paper jam")).total).toBe(1);
    for (const q of [made.emptyQueries[0]!, made.emptyQueries[0]!, made.emptyQueries[1]!]) expect(ok(await search(q)).total).toBe(0);
  });

  test("reporting: a quota for the territory this quarter", async () => {
    const { period } = quarterNow();
    // A sales rep may not set quotas; a sales manager may.
    expectProblem(await post("/v1/quotas", rep, { territory, period, amount: eur("25000.00") }), 403);
    const quota = ok(await post("/v1/quotas", manager, { territory, period, amount: eur("25000.00") }), 201);
    expect(quota).toMatchObject({ territory, period, amount: { amount: "25000.00", currency } });
    made.quotaId = quota.id;
    expect(ok(await get(`/v1/quotas/${quota.id}`, analyst))).toMatchObject({ id: quota.id, territory });
  });
});

// The figures, by hand.
//
// Territory t-<run>, EUR (won and lost today; the open deals close on the quarter's last day):
//   Alpha  (rep):   won 8,000.00 + won 4,000.00; lost 3,000.00 ("Budget cut")
//   Beta:           won 1,000.00 (rep 2); open "proposal" 8,000.00 at 50% → 4,000.00 (rep)
//   Gamma  (lead):  won 3,000.00 (rep 2); open "negotiation" 2,000.00 at 75% → 1,500.00 (rep 2)
//   Delta  (camp.): won 4,000.00 (rep 2)
// Sales dashboard: open 2 = 10,000.00, weighted 4,000.00 + 1,500.00 = 5,500.00;
//   by stage: negotiation 1 / 2,000.00 / 1,500.00, proposal 1 / 8,000.00 / 4,000.00;
//   by owner: rep 1 / 8,000.00 / 4,000.00, rep 2 1 / 2,000.00 / 1,500.00; by territory: the one row = total;
//   won 5, lost 1, win rate 5/6, won 8,000 + 4,000 + 1,000 + 3,000 + 4,000 = 20,000.00;
//   average sales cycle: the mean of (won − created) of the five, in days (from the API's own instants).
// Forecast of the quarter for the territory, quota 25,000.00: won 20,000.00, pipeline 10,000.00,
//   weighted 5,500.00, forecast 20,000 + 5,500 = 25,500.00, attainment 20,000 / 25,000 = 0.8,
//   gap 25,000 − 25,500 = −500.00.
// Campaign: 2 members (Alice, Bob: both with email, none withdrawn), 2 responses (opened,
//   interested), 1 lead, 1 opportunity, 1 won, revenue 4,000.00, cost 1,000.00,
//   ROI (4,000 − 1,000) / 1,000 = 3.
// Customer value of the territory (revenue: Alpha 12,000, Delta 4,000, Gamma 3,000, Beta 1,000 =
//   20,000): cumulative 60%, 80%, 95%, 100% (the cuts fall exactly on 80% and 95%, so every reading
//   of "the customers bringing the first 80%" agrees): Pareto 2 of 4 customers (share 0.5) bring
//   16,000.00, top Alpha, Delta; value classes a: Alpha, Delta; b: Gamma; c: Beta. Purchases: Alpha 2,
//   the others 1; every last purchase today (recency 0 days); RFM scores and classes in the test;
//   nobody at churn risk.
// Service, category rep-<run>, one queue: "Nobody answers" (high, 1-minute first response, never
//   answered: breached, still new), "Printer jammed" (normal, answered, resolved, CSAT 5), "Invoice
//   wrong" (normal, answered, resolved, CSAT 3): opened 3, resolved 2, backlog 1, SLA cases 3,
//   met 2, breached 1, compliance 2/3, CSAT 2 answers averaging 4; first response and resolution
//   averages over the two answered cases (from the API's instants); by priority high 1/0/1/1,
//   normal 2/2/0/0; by queue the queue 3/2/1/1.
// Knowledge, category kb-<run>: "paper jam" viewed by agent, rep and analyst (3), rated helpful,
//   helpful, not helpful, linked to 1 case; "invoice" viewed by the agent (1), not helpful:
//   views 4, helpful 2, not helpful 2, linked 1; searches in the category 4 (one found the
//   article), without results 3 (rate 0.75): nothing-<run> 2, gibberish-<run> 1.

const minutesBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 60_000;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const byKey = <T extends { key: string }>(rows: T[]) => [...rows].sort((a, b) => a.key.localeCompare(b.key));
const dashboards = () => ({
  sales: `/v1/analytics/sales?territory=${territory}&currency=${currency}&${range()}`,
  forecast: `/v1/analytics/forecast?period=${quarterNow().period}&groupBy=territory&territory=${territory}&currency=${currency}&timeZone=UTC`,
  campaigns: `/v1/analytics/campaigns?campaignId=${made.campaignId}&currency=${currency}`,
  service: `/v1/analytics/service?category=${caseCategory}&${range()}`,
  knowledge: `/v1/analytics/knowledge?category=${kbCategory}&${range()}`,
  customerValue: `/v1/analytics/customer-value?territory=${territory}&currency=${currency}`,
});

describe("Reporting's dashboards", () => {
  test("the store catches up and every dashboard answers the figures computed by hand", async () => {
    const paths = dashboards();
    const store = await eventually(
      async () => ok(await get("/v1/analytics/store", analyst)),
      (s) => s.caughtUp === true && s.rebuilding === false,
      "the store to catch up",
      300_000,
    );
    // It reads every area's stream, and counts the tenant's events by subject.
    expect(store.positions.map((p: { stream: string }) => p.stream)).toEqual(expect.arrayContaining(["SALES", "MARKETING", "SERVICE", "KNOWLEDGE"]));
    const applied = Object.fromEntries(store.events.map((e: { subject: string; events: number }) => [e.subject, e.events]));
    for (const subject of ["sales.opportunity.won", "sales.opportunity.lost", "marketing.campaign.launched", "service.case.csat_given", "knowledge.search.no_results"]) {
      expect({ subject, applied: applied[subject] > 0 }).toEqual({ subject, applied: true });
    }
    // The last facts of each area to arrive: the figures are complete once they show.
    await eventually(() => get(paths.sales, analyst), (r) => r.status === 200 && r.body.won === 5 && r.body.lost === 1 && r.body.total?.openCount === 2, "the sales figures", 300_000);
    await eventually(() => get(paths.campaigns, analyst), (r) => r.status === 200 && r.body.campaigns?.[0]?.won === 1 && r.body.campaigns[0].responses === 2, "the campaign figures", 300_000);
    await eventually(() => get(paths.service, analyst), (r) => r.status === 200 && r.body.slaBreached === 1 && r.body.csatResponses === 2, "the service figures", 300_000);
    await eventually(() => get(paths.knowledge, analyst), (r) => r.status === 200 && r.body.searches === 4 && r.body.linkedToCases === 1 && r.body.views === 4, "the knowledge figures", 300_000);
    await eventually(() => get(paths.forecast, analyst), (r) => r.status === 200 && r.body.rows?.[0]?.quota !== "" && r.body.rows?.[0]?.quota !== undefined, "the quota in the forecast", 300_000);

    const sales = ok(await get(paths.sales, analyst));
    expect(sales).toMatchObject({ currency, timeZone: "UTC", won: 5, lost: 1, wonAmount: "20000.00" });
    // Rates and averages may be rounded for display (4 decimals for a rate, 2 for days): compared to that.
    expect(sales.winRate).toBeCloseTo(5 / 6, 3);
    expect(sales.total).toMatchObject({ openCount: 2, openAmount: "10000.00", weightedAmount: "5500.00" });
    expect(byKey(sales.byStage)).toEqual([
      { key: "negotiation", openCount: 1, openAmount: "2000.00", weightedAmount: "1500.00" },
      { key: "proposal", openCount: 1, openAmount: "8000.00", weightedAmount: "4000.00" },
    ]);
    expect(byKey(sales.byOwner)).toEqual(
      byKey([
        { key: repId, openCount: 1, openAmount: "8000.00", weightedAmount: "4000.00" },
        { key: rep2Id, openCount: 1, openAmount: "2000.00", weightedAmount: "1500.00" },
      ]),
    );
    expect(sales.byTerritory).toEqual([{ key: territory, openCount: 2, openAmount: "10000.00", weightedAmount: "5500.00" }]);
    expect(made.wins).toHaveLength(5);
    expect(sales.averageSalesCycleDays).toBeCloseTo(mean(made.wins.map((w) => minutesBetween(w.createdAt, w.closedAt) / 1440)), 2);

    const { period } = quarterNow();
    const forecast = ok(await get(paths.forecast, analyst));
    const row = { key: territory, quota: "25000.00", won: "20000.00", pipeline: "10000.00", weightedPipeline: "5500.00", forecast: "25500.00", gap: "-500.00" };
    expect(forecast).toMatchObject({ period, currency, rows: [row], total: { ...row, key: expect.any(String) } });
    expect(Number(forecast.rows[0].attainment)).toBe(0.8);
    expect(forecast.from).toMatch(/^\d{4}-\d{2}-01$/);
    expect(forecast.to).toBe(quarterNow().lastDay);

    const campaigns = ok(await get(paths.campaigns, analyst));
    const performance = {
      campaignId: made.campaignId,
      name: made.campaignName,
      status: "running",
      members: 2,
      responses: 2,
      leads: 1,
      opportunities: 1,
      won: 1,
      wonRevenue: "4000.00",
      cost: "1000.00",
    };
    expect(campaigns).toMatchObject({ currency, campaigns: [performance] });
    expect(Number(campaigns.campaigns[0].roi)).toBe(3);
    expect(campaigns.total).toMatchObject({ members: 2, responses: 2, leads: 1, opportunities: 1, won: 1, wonRevenue: "4000.00", cost: "1000.00" });

    const service = ok(await get(paths.service, analyst));
    const { breached, quick, slow } = made.cases;
    expect(service).toMatchObject({ opened: 3, resolved: 2, backlog: 1, slaCases: 3, slaMet: 2, slaBreached: 1, csatResponses: 2, csatAverage: 4 });
    expect(service.slaCompliance).toBeCloseTo(2 / 3, 3);
    expect(service.averageFirstResponseMinutes).toBeCloseTo(mean([quick, slow].map((c) => minutesBetween(c.createdAt, c.firstRespondedAt))), 2);
    expect(service.averageResolutionMinutes).toBeCloseTo(mean([quick, slow].map((c) => minutesBetween(c.createdAt, c.resolvedAt))), 2);
    expect(byKey(service.byPriority)).toEqual([
      { key: "high", opened: 1, resolved: 0, backlog: 1, slaBreached: 1 },
      { key: "normal", opened: 2, resolved: 2, backlog: 0, slaBreached: 0 },
    ]);
    expect(service.byQueue).toEqual([{ key: made.queueId, opened: 3, resolved: 2, backlog: 1, slaBreached: 1 }]);
    expect(breached.slaBreached).toBe(true);

    const knowledge = ok(await get(paths.knowledge, analyst));
    const { popular, unhelpful } = made.articles;
    expect(knowledge).toMatchObject({ views: 4, searches: 4, searchesWithoutResults: 3, noResultRate: 0.75, helpful: 2, notHelpful: 2, linkedToCases: 1 });
    expect(knowledge.topArticles).toEqual([
      { articleId: popular.id, title: popular.title, views: 3, helpful: 2, notHelpful: 1, casesSolved: 1 },
      { articleId: unhelpful.id, title: unhelpful.title, views: 1, helpful: 0, notHelpful: 1, casesSolved: 0 },
    ]);
    expect(knowledge.emptySearches).toEqual([
      { query: made.emptyQueries[0], count: 2 },
      { query: made.emptyQueries[1], count: 1 },
    ]);
  });

  test("customer value of the territory: revenue, purchases, RFM scores and classes, the Pareto cut", async () => {
    const { alpha, beta, gamma, delta } = made.accounts;
    const report = ok(await eventually(() => get(dashboards().customerValue, manager), (r) => r.status === 200 && r.body.pareto?.customers === 4, "the territory's four customers", 300_000));
    expect(report.currency).toBe(currency);
    expect(report.computedAt).toEqual(expect.any(String));
    type Customer = Record<string, any>;
    const customers: Customer[] = report.customers;
    // Listed by revenue.
    expect(customers.map((c) => [c.accountId, c.lifetimeRevenue, c.purchases, c.valueClass, c.territory])).toEqual([
      [alpha, "12000.00", 2, "a", territory],
      [delta, "4000.00", 1, "a", territory],
      [gamma, "3000.00", 1, "b", territory],
      [beta, "1000.00", 1, "c", territory],
    ]);
    expect(customers.find((c) => c.accountId === gamma)!.ownerId).toBe(rep2Id);
    for (const c of customers) expect(c).toMatchObject({ recencyDays: 0, churnRisk: false, lastPurchaseAt: expect.any(String) });
    // Scores (ceil(5 × c / n), c the customers no better than this one, ties sharing the higher
    // score; n = 4): recency, all 0 days: 5 each; frequency, Alpha's 2 purchases: 5, the three
    // single purchases: ceil(15 / 4) = 4; monetary, Beta 1,000: ceil(5 / 4) = 2, Gamma 3,000:
    // ceil(10 / 4) = 3, Delta 4,000: ceil(15 / 4) = 4, Alpha 12,000: 5. Classes: r, f, m ≥ 4:
    // champions (Alpha 5/5/5, Delta 5/4/4); r ≥ 3 and f ≥ 4: loyal (Gamma 5/4/3, Beta 5/4/2).
    expect(customers.map((c) => [c.accountId, c.recencyScore, c.frequencyScore, c.monetaryScore, c.rfmClass])).toEqual([
      [alpha, 5, 5, 5, "champions"],
      [delta, 5, 4, 4, "champions"],
      [gamma, 5, 4, 3, "loyal"],
      [beta, 5, 4, 2, "loyal"],
    ]);
    const classes = Object.fromEntries(report.classes.filter((k: { customers: number }) => k.customers > 0).map((k: { rfmClass: string; customers: number }) => [k.rfmClass, k.customers]));
    expect(classes).toEqual({ champions: 2, loyal: 2 });

    expect(report.pareto).toMatchObject({ customers: 4, customersFor80Percent: 2, shareOfCustomers: 0.5, revenue: "20000.00", revenueOfTop: "16000.00", topAccountIds: [alpha, delta] });

    // A class filter lists that class only (the Pareto cut stays the territory's).
    const loyal = ok(await get(`${dashboards().customerValue}&rfmClass=loyal`, manager));
    expect(loyal.customers.map((c: Customer) => c.accountId)).toEqual([gamma, beta]);
    expect(loyal.pareto).toEqual(report.pareto);
  });

  test("an ad-hoc query counts the category's cases by priority", async () => {
    const catalogue = ok(await get("/v1/analytics/catalogue", analyst));
    expect(JSON.stringify(catalogue)).toContain("cases");
    const answer = ok(
      await post("/v1/analytics/query", analyst, {
        fact: "cases",
        measures: [{ function: "count" }],
        dimensions: ["priority"],
        filters: [{ field: "category", operator: "equals", values: [caseCategory] }],
        timeZone: "UTC",
        limit: 10,
      }),
    );
    expect(countsByDimension(answer as QueryAnswer, "priority")).toEqual({ high: 1, normal: 2 });
  });
});

describe("who reads the dashboards", () => {
  test("analysts read all; managers their area; a sales rep none; partners with reporting:read", async () => {
    const paths = dashboards();
    for (const path of Object.values(paths)) expect({ path, status: (await get(path, analyst)).status }).toEqual({ path, status: 200 });
    for (const path of [paths.sales, paths.forecast, paths.campaigns, paths.service, paths.knowledge, paths.customerValue]) expectProblem(await get(path, rep), 403);
    const roles: [string, (keyof typeof paths)[], (keyof typeof paths)[]][] = [
      ["acme-sales-manager", ["sales", "forecast", "customerValue"], ["service", "knowledge"]],
      ["acme-marketer", ["campaigns", "customerValue"], ["service", "sales"]],
      ["acme-support-manager", ["service", "knowledge"], ["sales", "campaigns"]],
      ["acme-kb-editor", ["knowledge"], ["service", "sales"]],
    ];
    for (const [user, allowed, refused] of roles) {
      const token = await as(user);
      for (const name of allowed) expect({ user, name, status: (await get(paths[name], token)).status }).toEqual({ user, name, status: 200 });
      for (const name of refused) expectProblem(await get(paths[name], token), 403);
    }
    const acmePartner = await partner("acme");
    const read = ok(await get(paths.service, acmePartner));
    expect(read).toMatchObject({ opened: 3, slaBreached: 1 });
    expectProblem(await call("GET", paths.service), 401);
  });

  test("another tenant's analyst, with the same filters, sees none of acme's figures", async () => {
    const paths = dashboards();
    const sales = ok(await get(paths.sales, globexAnalyst));
    expect(sales).toMatchObject({ byStage: [], byOwner: [], byTerritory: [], won: 0, lost: 0, winRate: 0, total: { openCount: 0 } });
    expect(Number(sales.wonAmount)).toBe(0);
    const forecast = ok(await get(paths.forecast, globexAnalyst));
    for (const r of forecast.rows) expect([Number(r.won), Number(r.pipeline), r.quota]).toEqual([0, 0, ""]);
    expect(ok(await get(paths.campaigns, globexAnalyst)).campaigns).toEqual([]);
    expect(ok(await get(paths.service, globexAnalyst))).toMatchObject({ opened: 0, resolved: 0, backlog: 0, slaCases: 0, csatResponses: 0, byQueue: [], byPriority: [] });
    expect(ok(await get(paths.knowledge, globexAnalyst))).toMatchObject({ views: 0, searches: 0, helpful: 0, linkedToCases: 0, topArticles: [], emptySearches: [] });
    const value = ok(await get(paths.customerValue, await as("globex-sales-manager")));
    expect(value).toMatchObject({ customers: [], pareto: { customers: 0 } });
    // Nor the quota, by its id.
    expectProblem(await get(`/v1/quotas/${made.quotaId}`, globexAnalyst), 404);
  });
});

describe("a rebuild by replay", () => {
  test("only a platform admin starts it; afterwards the same dashboards answer the same JSON", async () => {
    const paths = dashboards();
    const before: Record<string, unknown> = {};
    for (const [name, path] of Object.entries(paths)) before[name] = ok(await get(path, analyst));

    expectProblem(await post("/v1/analytics/store/rebuild", analyst), 403);
    const previous = ok(await get("/v1/analytics/store", analyst)).lastRebuild;
    const started = await post("/v1/analytics/store/rebuild", admin, undefined, { "X-Relata-Tenant": "acme" });
    expect(started.status).toBe(202);
    await eventually(
      async () => ok(await get("/v1/analytics/store", analyst)),
      (s) => !s.rebuilding && s.caughtUp && s.lastRebuild?.finishedAt != null && JSON.stringify(s.lastRebuild) !== JSON.stringify(previous),
      "the rebuild to finish and catch up",
      600_000,
    );

    for (const [name, path] of Object.entries(paths)) {
      const after = ok(await get(path, analyst));
      if (name === "customerValue") {
        // Computed anew: only its instant may differ.
        expect({ ...after, computedAt: null }).toEqual({ ...(before[name] as object), computedAt: null });
      } else {
        expect({ name, body: after }).toEqual({ name, body: before[name] });
      }
    }
  });
});
