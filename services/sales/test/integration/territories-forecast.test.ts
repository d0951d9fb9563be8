import { status } from "@grpc/grpc-js";
import type { EventBus, Role } from "@relata/platform";
import { AccountChanged, LeadChanged, OpportunityChanged, TerritoryChanged } from "@relata/proto/events/v1/sales";
import { CreateQuotaRequest, QuotaServiceService } from "@relata/proto/reporting/v1/quota";
import { CreateAccountRequest, UpdateAccountRequest, type Account } from "@relata/proto/sales/v1/account";
import { GetForecastRequest, type Forecast, type ForecastFigures } from "@relata/proto/sales/v1/forecast";
import { CreateLeadRequest, UpdateLeadRequest } from "@relata/proto/sales/v1/lead";
import { ChangeStageRequest, CreateOpportunityRequest, type Opportunity } from "@relata/proto/sales/v1/opportunity";
import { ForecastCategory, StageKind } from "@relata/proto/sales/v1/pipeline";
import { CreateTerritoryRequest, UpdateTerritoryRequest, type Territory, type TerritoryRule } from "@relata/proto/sales/v1/territory";
import * as kit from "@relata/testing";
import { clientsAt, dropDatabase, testServerPort } from "@relata/testing";

const reportingServices = { quotas: QuotaServiceService };
import { connectBus, failureOf, nextSequence, runId, salesClientsAt, startSalesProcess, type SalesClients, type SalesProcess } from "./support";

// Territories and the forecast on real NATS and FerretDB: Sales as a process and Reporting as a
// process (its quotas). Offsets 40 (Sales), 41 (Reporting), 42 (a Sales whose Reporting is away).

jest.setTimeout(240_000);

const run = runId();
const tenant = `terr-${run}`;
const other = `terr-other-${run}`;
const as = (t: string, roles: Role[], subject = `${t}-user`) => ({ identity: kit.identity(t, subject, roles) });
const manager = () => as(tenant, ["sales-manager"], "mgr");

let bus: EventBus;
let fromSeq: number;
let sales: SalesProcess;
let clients: SalesClients;
let reporting: kit.WorkloadProcess;
let quotas: kit.ClosableClients<typeof reportingServices>;
let stranded: SalesProcess | undefined;

beforeAll(async () => {
  bus = await connectBus("sales-it-territories");
  fromSeq = await nextSequence(bus);
  reporting = await kit.startWorkloadProcess("reporting", { port: testServerPort(41), env: { SHUTDOWN_GRACE_MS: "3000" } });
  quotas = clientsAt(reportingServices, reporting.address);
  sales = await startSalesProcess({ grpcPort: testServerPort(40), env: { REPORTING_GRPC_ADDR: reporting.address } });
  clients = salesClientsAt(sales.address);
});

afterAll(async () => {
  clients?.close();
  quotas?.close();
  await stranded?.stop();
  await sales?.stop();
  await reporting?.stop();
  for (const db of [sales?.database, reporting?.database]) if (db) await dropDatabase(db);
  await bus?.close();
});

const rule = (r: Partial<TerritoryRule>): TerritoryRule => ({ countries: [], regions: [], industries: [], minEmployees: 0, maxEmployees: 0, appliesTo: "both", ...r });
const ids = (...values: string[]) => ({ values });

async function territory(t: Partial<CreateTerritoryRequest> & { code: string }, call = manager()): Promise<Territory> {
  return clients.territories.createTerritory(CreateTerritoryRequest.fromPartial({ name: t.code, ...t }), call);
}
const account = (a: Partial<CreateAccountRequest>) => clients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: `Acc ${run}`, ...a }), manager());
const eur = (amount: string) => ({ amount, currency: "EUR" });

// EMEA → EMEA-PL → EMEA-PL-WAW, and EMEA-DACH beside EMEA-PL.
let emea: Territory, pl: Territory, waw: Territory, dach: Territory;
const acc: Record<string, Account> = {};
const opp: Record<string, Opportunity> = {};
let l1: string, l2: string;

describe("territories", () => {
  test("a three-level hierarchy; codes unique in the tenant, no cycles, a default owner among the members", async () => {
    emea = await territory({ code: "EMEA", rules: { values: [rule({ countries: ["PL", "DE", "CZ"] })] }, memberIds: ids("rep-emea"), defaultOwnerId: "rep-emea", managerId: "mgr" });
    pl = await territory({ code: "EMEA-PL", parentId: emea.id, rules: { values: [rule({ countries: ["PL"] })] }, memberIds: ids("rep-pl", "rep-waw"), defaultOwnerId: "rep-pl" });
    waw = await territory({
      code: "EMEA-PL-WAW",
      parentId: pl.id,
      rules: { values: [rule({ countries: ["PL"], regions: ["Mazowieckie"], appliesTo: "accounts" })] },
      memberIds: ids("rep-waw"),
      defaultOwnerId: "rep-waw",
    });
    // Big banks are DACH's wherever they are: at EMEA-PL's depth its priority decides.
    dach = await territory({
      code: "EMEA-DACH",
      parentId: emea.id,
      priority: 10,
      rules: { values: [rule({ countries: ["DE"] }), rule({ industries: ["Banking"], minEmployees: 1000, appliesTo: "accounts" })] },
      memberIds: ids("rep-dach"),
      defaultOwnerId: "rep-dach",
    });
    expect(waw).toMatchObject({ code: "EMEA-PL-WAW", parentId: pl.id, memberIds: { values: ["rep-waw"] }, version: "1" });

    expect(await failureOf(territory({ code: "EMEA" }))).toMatchObject({ code: status.ALREADY_EXISTS, field: "code" });
    expect(await failureOf(clients.territories.updateTerritory(UpdateTerritoryRequest.fromPartial({ id: emea.id, parentId: waw.id }), manager()))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "parent_id",
    });
    expect(await failureOf(clients.territories.updateTerritory(UpdateTerritoryRequest.fromPartial({ id: emea.id, parentId: emea.id }), manager()))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "parent_id",
    });
    expect(await failureOf(territory({ code: "X-1", memberIds: ids("a"), defaultOwnerId: "b" }))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "default_owner_id" });
    expect(await failureOf(territory({ code: "X-2", rules: { values: [rule({})] } }))).toMatchObject({ code: status.INVALID_ARGUMENT });
    // A code stays taken while its territory is in the recycle bin.
    const gone = await territory({ code: "X-DEL" });
    await clients.territories.deleteTerritory({ id: gone.id, expectedVersion: gone.version }, manager());
    expect(await failureOf(territory({ code: "X-DEL" }))).toMatchObject({ code: status.ALREADY_EXISTS, field: "code" });
    // A parent with children is not deleted.
    expect((await failureOf(clients.territories.deleteTerritory({ id: pl.id, expectedVersion: "0" }, manager()))).code).toBe(status.ABORTED);
  });

  test("accounts and leads are placed on create: the deepest match, then priority; the owner follows when not a member", async () => {
    acc.a1 = await account({ country: "PL", region: "Mazowieckie", ownerId: "rep-waw" });
    acc.a2 = await account({ country: "PL", region: "Pomorskie", ownerId: "outsider" });
    acc.a3 = await account({ country: "DE", ownerId: "rep-dach" });
    acc.a4 = await account({ country: "CZ", ownerId: "rep-emea" });
    acc.a5 = await account({ country: "PL", region: "Pomorskie", industry: "banking", employeeCount: 2000, ownerId: "rep-pl" });
    acc.a6 = await account({ country: "US", ownerId: "rep-x" });
    acc.a7 = await account({ country: "US", territory: "EMEA", ownerId: "rep-emea" });
    acc.a8 = await account({ country: "PL", region: "Malopolskie", ownerId: "rep-pl" });
    acc.a9 = await account({ country: "US", ownerId: "rep-x" });
    const placed = Object.fromEntries(Object.entries(acc).map(([k, a]) => [k, [a.territory, a.ownerId]]));
    expect(placed).toEqual({
      a1: ["EMEA-PL-WAW", "rep-waw"], // a member: keeps it
      a2: ["EMEA-PL", "rep-pl"], // not a member: the default owner
      a3: ["EMEA-DACH", "rep-dach"],
      a4: ["EMEA", "rep-emea"],
      a5: ["EMEA-DACH", "rep-dach"], // EMEA-PL and EMEA-DACH at depth 1: priority 10 wins
      a6: ["", "rep-x"], // no rule matches
      a7: ["EMEA", "rep-emea"], // named by the caller: not placed
      a8: ["EMEA-PL", "rep-pl"],
      a9: ["", "rep-x"],
    });
    // The Warsaw rule is for accounts: a lead there stops at EMEA-PL; DACH's banking rule too.
    const lead1 = await clients.leads.createLead(CreateLeadRequest.fromPartial({ lastName: "One", country: "PL", region: "Mazowieckie", ownerId: "outsider" }), manager());
    const lead2 = await clients.leads.createLead(CreateLeadRequest.fromPartial({ lastName: "Two", country: "CZ", industry: "Banking", employeeCount: 5000, ownerId: "rep-emea" }), manager());
    expect([lead1.territory, lead1.ownerId, lead2.territory, lead2.ownerId]).toEqual(["EMEA-PL", "rep-pl", "EMEA", "rep-emea"]);
    l1 = lead1.id;
    l2 = lead2.id;
  });

  test("the pipeline's stages carry forecast categories; opportunities for the forecast", async () => {
    const stage = (id: string, probability: number, kind: StageKind, forecastCategory = ForecastCategory.FORECAST_CATEGORY_UNSPECIFIED) => ({ id, name: id, probability, kind, forecastCategory });
    const pipeline = await clients.pipeline.updatePipeline(
      {
        stages: [
          stage("discover", 10, StageKind.STAGE_KIND_OPEN),
          stage("propose", 40, StageKind.STAGE_KIND_OPEN),
          stage("commit", 75, StageKind.STAGE_KIND_OPEN, ForecastCategory.FORECAST_CATEGORY_COMMIT),
          stage("won", 100, StageKind.STAGE_KIND_WON),
          stage("lost", 0, StageKind.STAGE_KIND_LOST),
        ],
      },
      manager(),
    );
    expect(pipeline.stages.map((s) => s.forecastCategory)).toEqual([0, 0, 0, 0, 0].map((_, i) => (i === 2 ? ForecastCategory.FORECAST_CATEGORY_COMMIT : ForecastCategory.FORECAST_CATEGORY_UNSPECIFIED)));
    // A won stage cannot be counted as pipeline.
    expect(
      await failureOf(clients.pipeline.updatePipeline({ stages: [stage("a", 10, StageKind.STAGE_KIND_OPEN), stage("w", 100, StageKind.STAGE_KIND_WON, ForecastCategory.FORECAST_CATEGORY_PIPELINE), stage("l", 0, StageKind.STAGE_KIND_LOST)] }, manager())),
    ).toMatchObject({ code: status.INVALID_ARGUMENT, field: "stages.1.forecast_category" });

    const make = async (key: string, accountId: string, stageId: string, amount: string, close: string, ownerId: string, currency = "EUR") => {
      opp[key] = await clients.opportunities.createOpportunity(
        CreateOpportunityRequest.fromPartial({ accountId, name: key, stageId: stageId === "won" || stageId === "lost" ? "discover" : stageId, amount: { amount, currency }, expectedCloseDate: close, ownerId }),
        manager(),
      );
      if (stageId === "won" || stageId === "lost") {
        opp[key] = await clients.opportunities.changeStage(ChangeStageRequest.fromPartial({ id: opp[key].id, stageId, reason: stageId === "lost" ? "price" : "" }), manager());
      }
    };
    await make("o1", acc.a1!.id, "discover", "10000.00", "2026-11-15", "rep-waw");
    await make("o2", acc.a1!.id, "propose", "20000.00", "2026-12-01", "rep-waw");
    await make("o3", acc.a2!.id, "commit", "8000.00", "2026-10-20", "rep-pl");
    await make("o4", acc.a5!.id, "won", "5000.00", "2026-11-30", "rep-dach");
    await make("o5", acc.a8!.id, "commit", "12000.00", "2026-11-01", "rep-pl");
    await make("o6", acc.a8!.id, "won", "3000.00", "2026-10-05", "rep-pl");
    await make("o7", acc.a3!.id, "propose", "7000.00", "2026-12-31", "rep-dach");
    await make("o8", acc.a3!.id, "won", "4000.00", "2026-12-15", "rep-dach");
    await make("o9", acc.a4!.id, "discover", "1000.00", "2026-11-11", "rep-emea");
    await make("o10", acc.a4!.id, "lost", "9999.00", "2026-11-12", "rep-emea");
    await make("o11", acc.a3!.id, "propose", "50000.00", "2027-01-05", "rep-dach");
    await make("o12", acc.a9!.id, "commit", "2500.00", "2026-11-20", "rep-x");
    await make("o13", acc.a4!.id, "discover", "600.00", "2026-11-01", "rep-emea", "USD");
    await make("o14", acc.a6!.id, "discover", "1500.00", "2026-10-10", "rep-x");
    expect(opp.o4!.status).toBe("OPPORTUNITY_STATUS_WON");
  });

  test("an update of a rule-relevant field places the account again; its open opportunities follow the owner", async () => {
    acc.a6 = await clients.accounts.updateAccount(UpdateAccountRequest.fromPartial({ id: acc.a6!.id, country: "PL", region: "Mazowieckie" }), manager());
    expect([acc.a6.territory, acc.a6.ownerId]).toEqual(["EMEA-PL-WAW", "rep-waw"]);
    expect((await clients.opportunities.getOpportunity({ id: opp.o14!.id }, manager())).ownerId).toBe("rep-waw");
    // A lead too: its country given later places it, and its owner follows.
    const lead3 = await clients.leads.createLead(CreateLeadRequest.fromPartial({ lastName: "Three", country: "US", ownerId: "rep-emea" }), manager());
    expect([lead3.territory, lead3.ownerId]).toEqual(["", "rep-emea"]);
    const moved = await clients.leads.updateLead(UpdateLeadRequest.fromPartial({ id: lead3.id, country: "DE" }), manager());
    expect([moved.territory, moved.ownerId]).toEqual(["EMEA-DACH", "rep-dach"]);
    // A territory named in the update wins over placement (DE would be EMEA-DACH's), and so does clearing it.
    const named = await clients.accounts.updateAccount(UpdateAccountRequest.fromPartial({ id: acc.a9!.id, country: "DE", territory: "EMEA" }), manager());
    expect([named.territory, named.ownerId]).toEqual(["EMEA", "rep-x"]);
    acc.a9 = await clients.accounts.updateAccount(UpdateAccountRequest.fromPartial({ id: acc.a9!.id, country: "US", territory: "" }), manager());
    expect([acc.a9.territory, acc.a9.ownerId]).toEqual(["", "rep-x"]);
  });

  test("replacing a rule: a dry run says what would move and writes nothing; then exactly those move, with their events", async () => {
    const newRules = { values: [rule({ countries: ["PL"], regions: ["Mazowieckie", "Pomorskie"] })] };
    const expected = [
      // Pomorskie is now Warsaw's; the owners are not its members.
      { type: "account", id: acc.a2!.id, fromTerritory: "EMEA-PL", toTerritory: "EMEA-PL-WAW", fromOwner: "rep-pl", toOwner: "rep-waw" },
      // Depth 2 beats DACH's priority at depth 1.
      { type: "account", id: acc.a5!.id, fromTerritory: "EMEA-DACH", toTerritory: "EMEA-PL-WAW", fromOwner: "rep-dach", toOwner: "rep-waw" },
      // The rule now applies to leads too.
      { type: "lead", id: l1, fromTerritory: "EMEA-PL", toTerritory: "EMEA-PL-WAW", fromOwner: "rep-pl", toOwner: "rep-waw" },
      // a2's open opportunity follows its owner; a5's only one is won and stays.
      { type: "opportunity", id: opp.o3!.id, fromTerritory: "", toTerritory: "", fromOwner: "rep-pl", toOwner: "rep-waw" },
    ];
    const sortMoves = <T extends { id: string; type: string }>(m: T[]) => [...m].sort((a, b) => (a.type + a.id < b.type + b.id ? -1 : 1));

    const dry = await clients.territories.replaceTerritoryRules({ id: waw.id, expectedVersion: waw.version, rules: newRules, dryRun: true }, manager());
    expect(dry).toMatchObject({ dryRun: true, accounts: 2, leads: 1, opportunities: 1 });
    expect(sortMoves(dry.moved)).toEqual(sortMoves(expected));
    expect((await clients.accounts.getAccount({ id: acc.a2!.id }, manager())).territory).toBe("EMEA-PL");
    expect((await clients.territories.getTerritory({ id: waw.id }, manager())).version).toBe(waw.version);

    // Another tenant cannot touch it; a stale version is refused.
    expect((await failureOf(clients.territories.replaceTerritoryRules({ id: waw.id, expectedVersion: "0", rules: newRules, dryRun: true }, as(other, ["sales-manager"])))).code).toBe(status.NOT_FOUND);
    expect((await failureOf(clients.territories.replaceTerritoryRules({ id: waw.id, expectedVersion: "7", rules: newRules, dryRun: false }, manager()))).code).toBe(status.FAILED_PRECONDITION);

    const seq = await nextSequence(bus);
    const real = await clients.territories.replaceTerritoryRules({ id: waw.id, expectedVersion: waw.version, rules: newRules, dryRun: false }, manager());
    expect(real).toMatchObject({ dryRun: false, accounts: 2, leads: 1, opportunities: 1 });
    expect(sortMoves(real.moved)).toEqual(sortMoves(expected));
    waw = real.territory!;
    expect(waw.rules!.values).toEqual(newRules.values);
    expect(waw.version).toBe("2");
    for (const id of [acc.a2!.id, acc.a5!.id]) expect(await clients.accounts.getAccount({ id }, manager())).toMatchObject({ territory: "EMEA-PL-WAW", ownerId: "rep-waw" });
    expect(await clients.leads.getLead({ id: l1 }, manager())).toMatchObject({ territory: "EMEA-PL-WAW", ownerId: "rep-waw" });
    expect(await clients.leads.getLead({ id: l2 }, manager())).toMatchObject({ territory: "EMEA", ownerId: "rep-emea" });
    expect((await clients.opportunities.getOpportunity({ id: opp.o3!.id }, manager())).ownerId).toBe("rep-waw");
    expect((await clients.opportunities.getOpportunity({ id: opp.o4!.id }, manager())).ownerId).toBe("rep-dach");

    // Each moved record's updated event, and the territory's; nothing for what stayed.
    const events = await kit.readStreamMessages(bus, "SALES", seq, ["sales.account.updated", "sales.lead.updated", "sales.opportunity.updated", "sales.territory.rules_replaced"]);
    const mine = events.map((m) => {
      if (m.subject === "sales.account.updated") return [m.subject, AccountChanged.decode(m.data).account!.id];
      if (m.subject === "sales.lead.updated") return [m.subject, LeadChanged.decode(m.data).lead!.id];
      if (m.subject === "sales.opportunity.updated") return [m.subject, OpportunityChanged.decode(m.data).opportunity!.id];
      return [m.subject, TerritoryChanged.decode(m.data).territory!.id];
    });
    const ours = new Set([acc.a1!.id, acc.a2!.id, acc.a5!.id, acc.a8!.id, l1, l2, opp.o3!.id, opp.o4!.id, waw.id]);
    expect(mine.filter(([, id]) => ours.has(id!)).sort()).toEqual(
      [
        ["sales.account.updated", acc.a2!.id],
        ["sales.account.updated", acc.a5!.id],
        ["sales.lead.updated", l1],
        ["sales.opportunity.updated", opp.o3!.id],
        ["sales.territory.rules_replaced", waw.id],
      ].sort(),
    );

    // Accounts and leads are in it: it is not deleted.
    const refused = await failureOf(clients.territories.deleteTerritory({ id: waw.id, expectedVersion: "0" }, manager()));
    expect(refused.code).toBe(status.ABORTED);

    // Sent again, it moves nothing more.
    const again = await clients.territories.replaceTerritoryRules({ id: waw.id, expectedVersion: "0", rules: newRules, dryRun: true }, manager());
    expect(again.moved).toEqual([]);
  });
});

const zero = { pipeline: "0.00", bestCase: "0.00", commit: "0.00", closed: "0.00", weighted: "0.0000", opportunities: 0, quota: "", attainment: "", gap: "" };
const figures = (f: Partial<ForecastFigures>): ForecastFigures => ({ ...zero, ...f });
const forecast = (r: Partial<GetForecastRequest>, call = manager()) => clients.forecast.getForecast(GetForecastRequest.fromPartial({ period: "2026-Q4", currency: "EUR", ...r }), call);
const byCode = (f: Forecast) => Object.fromEntries(f.groups.map((g) => [g.code || g.kind, { own: g.own, rolledUp: g.rolledUp }]));

describe("the forecast", () => {
  beforeAll(async () => {
    const q = (r: Partial<CreateQuotaRequest>) => quotas.quotas.createQuota(CreateQuotaRequest.fromPartial({ period: "2026-Q4", ...r }), manager());
    await q({ territory: "EMEA", amount: eur("40000.00") });
    await q({ territory: "EMEA-PL", amount: eur("10000.00") });
    await q({ territory: "EMEA-PL-WAW", amount: eur("4000.00") });
    // Another currency and another period: not EMEA-DACH's quota for this forecast.
    await q({ territory: "EMEA-DACH", amount: { amount: "9000.00", currency: "USD" } });
    await q({ territory: "EMEA-DACH", period: "2026-Q3", amount: eur("9000.00") });
    await q({ ownerId: "rep-waw", amount: eur("6000.00") });
  });

  test("by territory: each territory's own figures and rolled up to the top, against Reporting's quotas", async () => {
    const f = await forecast({ groupBy: "territory" });
    expect(f).toMatchObject({ period: "2026-Q4", from: "2026-10-01", to: "2026-12-31", currency: "EUR", quotasAvailable: true, otherCurrencyCount: 1 });
    expect(f.groups.map((g) => [g.kind, g.code, g.depth])).toEqual([
      ["territory", "EMEA", 0],
      ["territory", "EMEA-DACH", 1],
      ["territory", "EMEA-PL", 1],
      ["territory", "EMEA-PL-WAW", 2],
      ["unassigned", "", 0],
    ]);
    // Stages: discover 10 % (pipeline), propose 40 % (best case), commit 75 % (commit).
    // WAW: a1 o1 10000 discover (×10 % = 1000), o2 20000 propose (8000); a2 o3 8000 commit (6000);
    //      a5 o4 5000 won; a6 o14 1500 discover (150). Weighted 1000 + 8000 + 6000 + 150 = 15150.
    //      Quota 4000: attainment 5000 / 4000 = 1.25, gap 4000 − 5000 = −1000.
    const wawOwn = figures({ pipeline: "11500.00", bestCase: "20000.00", commit: "8000.00", closed: "5000.00", weighted: "15150.0000", opportunities: 5 });
    // PL's own: a8 o5 12000 commit (9000), o6 3000 won. Rolled up with WAW: pipeline 11500,
    // best case 20000, commit 20000, closed 8000, weighted 24150; quota 10000: 0.8, gap 2000.
    const plOwn = figures({ commit: "12000.00", closed: "3000.00", weighted: "9000.0000", opportunities: 2 });
    // DACH: a3 o7 7000 propose (2800), o8 4000 won; o11 closes in 2027: not counted. No EUR quota for Q4.
    const dach = figures({ bestCase: "7000.00", closed: "4000.00", weighted: "2800.0000", opportunities: 2 });
    // EMEA's own: a4 o9 1000 discover (100); o10 lost (omitted); o13 in USD (other currency).
    // Rolled up: pipeline 1000 + 11500 = 12500, best case 7000 + 20000 = 27000, commit 20000,
    // closed 4000 + 8000 = 12000, weighted 100 + 2800 + 24150 = 27050; quota 40000: 0.3, gap 28000.
    const emeaOwn = figures({ pipeline: "1000.00", weighted: "100.0000", opportunities: 1 });
    // Unassigned: a9 o12 2500 commit (1875).
    const unassigned = figures({ commit: "2500.00", weighted: "1875.0000", opportunities: 1 });
    expect(byCode(f)).toEqual({
      "EMEA": { own: emeaOwn, rolledUp: figures({ pipeline: "12500.00", bestCase: "27000.00", commit: "20000.00", closed: "12000.00", weighted: "27050.0000", opportunities: 10, quota: "40000.00", attainment: "0.3000", gap: "28000.00" }) },
      "EMEA-DACH": { own: dach, rolledUp: dach },
      "EMEA-PL": { own: plOwn, rolledUp: figures({ pipeline: "11500.00", bestCase: "20000.00", commit: "20000.00", closed: "8000.00", weighted: "24150.0000", opportunities: 7, quota: "10000.00", attainment: "0.8000", gap: "2000.00" }) },
      "EMEA-PL-WAW": { own: wawOwn, rolledUp: { ...wawOwn, quota: "4000.00", attainment: "1.2500", gap: "-1000.00" } },
      "unassigned": { own: unassigned, rolledUp: unassigned },
    });
    // The total: every territory and the unassigned, against the top territories' quotas.
    expect(f.total).toEqual(figures({ pipeline: "12500.00", bestCase: "27000.00", commit: "22500.00", closed: "12000.00", weighted: "28925.0000", opportunities: 11, quota: "40000.00", attainment: "0.3000", gap: "28000.00" }));

    // One subtree: EMEA-PL and EMEA-PL-WAW only.
    const sub = await forecast({ groupBy: "territory", territoryId: pl.id });
    expect(sub.groups.map((g) => g.code)).toEqual(["EMEA-PL", "EMEA-PL-WAW"]);
    expect(sub.total).toMatchObject({ closed: "8000.00", weighted: "24150.0000", quota: "10000.00", attainment: "0.8000" });
  });

  test("by owner, with the owners' quotas", async () => {
    const f = await forecast({ groupBy: "owner" });
    const byOwner = Object.fromEntries(f.groups.map((g) => [g.ownerId, g.own]));
    expect(byOwner).toEqual({
      // o1 10000 (1000), o2 20000 (8000), o3 8000 (6000), o14 1500 (150) after following their accounts; quota 6000, nothing won.
      "rep-waw": figures({ pipeline: "11500.00", bestCase: "20000.00", commit: "8000.00", weighted: "15150.0000", opportunities: 4, quota: "6000.00", attainment: "0.0000", gap: "6000.00" }),
      // o4 won 5000 (it did not follow a5: it was closed), o7 7000 (2800), o8 won 4000.
      "rep-dach": figures({ bestCase: "7000.00", closed: "9000.00", weighted: "2800.0000", opportunities: 3 }),
      "rep-pl": figures({ commit: "12000.00", closed: "3000.00", weighted: "9000.0000", opportunities: 2 }),
      "rep-emea": figures({ pipeline: "1000.00", weighted: "100.0000", opportunities: 1 }),
      "rep-x": figures({ commit: "2500.00", weighted: "1875.0000", opportunities: 1 }),
    });
    expect(f.total).toMatchObject({ closed: "12000.00", weighted: "28925.0000", quota: "6000.00", attainment: "2.0000", gap: "-6000.00" });
    const one = await forecast({ groupBy: "owner", ownerId: "rep-pl" });
    expect(one.groups.map((g) => g.ownerId)).toEqual(["rep-pl"]);
  });

  test("roles: managers, admins and analysts read it; a sales rep is refused", async () => {
    expect((await forecast({ groupBy: "owner" }, as(tenant, ["analyst"]))).total!.closed).toBe("12000.00");
    expect((await forecast({ groupBy: "owner" }, as(tenant, ["tenant-admin"]))).total!.closed).toBe("12000.00");
    expect((await failureOf(forecast({ groupBy: "owner" }, as(tenant, ["sales-rep"], "rep-waw")))).code).toBe(status.PERMISSION_DENIED);
    expect(await failureOf(forecast({ groupBy: "nobody" }))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "group_by" });
    expect(await failureOf(forecast({ groupBy: "owner", period: "2026-Q5" }))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "period" });
  });

  test("tenant isolation: another tenant's territory is not found and its opportunities are never counted", async () => {
    const theirs = await territory({ code: "EMEA", rules: { values: [rule({ countries: ["PL"] })] } }, as(other, ["sales-manager"]));
    const theirAccount = await clients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: "Theirs", country: "PL" }), as(other, ["sales-manager"], "o-mgr"));
    expect(theirAccount.territory).toBe("EMEA");
    await clients.opportunities.createOpportunity(CreateOpportunityRequest.fromPartial({ accountId: theirAccount.id, name: "x", amount: eur("777.00"), expectedCloseDate: "2026-11-01" }), as(other, ["sales-manager"], "o-mgr"));
    expect((await failureOf(clients.territories.getTerritory({ id: theirs.id }, manager()))).code).toBe(status.NOT_FOUND);
    expect((await failureOf(forecast({ groupBy: "territory", territoryId: theirs.id }))).code).toBe(status.NOT_FOUND);
    expect((await forecast({ groupBy: "territory" })).total).toMatchObject({ opportunities: 11, pipeline: "12500.00" });
    // Theirs: their own opportunity only, and no quotas of ours.
    const their = await forecast({ groupBy: "territory" }, as(other, ["sales-manager"]));
    expect(their.total).toEqual(figures({ pipeline: "777.00", weighted: "77.7000", opportunities: 1 }));
  });

  test("Reporting away: the figures without quotas, quotasAvailable false", async () => {
    // A Sales on the same database whose Reporting address answers nothing.
    stranded = await startSalesProcess({ grpcPort: testServerPort(42), database: sales.database, env: { REPORTING_GRPC_ADDR: `127.0.0.1:${testServerPort(43)}`, OUTBOX_RELAY_ENABLED: "false", FORECAST_QUOTA_TIMEOUT_MS: "500" } });
    const away = salesClientsAt(stranded.address);
    try {
      const f = await away.forecast.getForecast(GetForecastRequest.fromPartial({ period: "2026-Q4", currency: "EUR", groupBy: "territory" }), manager());
      expect(f.quotasAvailable).toBe(false);
      expect(f.total).toEqual(figures({ pipeline: "12500.00", bestCase: "27000.00", commit: "22500.00", closed: "12000.00", weighted: "28925.0000", opportunities: 11 }));
    } finally {
      away.close();
    }
  });
});
