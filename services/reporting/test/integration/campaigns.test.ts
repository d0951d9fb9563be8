import type { EventBus } from "@relata/platform";
import { CampaignStatus, LaunchReport } from "@relata/proto/marketing/v1/campaign";
import { testServerPort } from "@relata/testing";
import { randomUUID } from "node:crypto";
import {
  as, asPartner, campaign, connectBus, dropDatabase, failureOf, lead, opportunity, publishAll, reportingClientsAt, response, startReportingProcess, testTenant,
  type ReportingClients, type ReportingProcess, type TestEvent, storeHolds,
} from "./support";

// The campaign dashboard on a hand-computed example; every figure below is worked out in the comments.
let bus: EventBus;
let reporting: ReportingProcess;
let clients: ReportingClients;

beforeAll(async () => {
  bus = await connectBus("reporting-campaigns-test");
  reporting = await startReportingProcess({ port: testServerPort(530) });
  clients = reportingClientsAt(reporting.address);
});

afterAll(async () => {
  clients?.close();
  await reporting?.stop();
  if (reporting?.database) await dropDatabase(reporting.database);
  await bus?.close();
});

const applied = (tenant: string, expected: Record<string, number>) => storeHolds(clients, tenant, expected);

const eur = (amount: string) => ({ amount, currency: "EUR" });
const running = CampaignStatus.CAMPAIGN_STATUS_RUNNING;
const members = (n: number) => ({ launchReport: LaunchReport.fromPartial({ members: String(n) }) });

const tenant = testTenant("cmp");
const other = testTenant("cmp-other");
const ask = (request: Record<string, string>, who = as(tenant, ["marketer"])) =>
  clients.operations.getCampaignDashboard({ from: "", to: "", campaignId: "", ownerId: "", currency: "", timeZone: "", ...request }, who);

beforeAll(async () => {
  // The same response published twice (JetStream drops the second within its duplicate window),
  // and a copy under another message id: the store keys responses by their id, so one row.
  const redelivered = response(tenant, { campaignId: "cmp-a", type: "clicked" });
  const copied = response(tenant, { campaignId: "cmp-a", type: "opened" });
  const copy: TestEvent = { ...copied, id: randomUUID() };
  const events: TestEvent[] = [
    // A: starts 2026-03-10, cost 3000.00 EUR, 120 members.
    redelivered, redelivered, copied, copy,
    response(tenant, { campaignId: "cmp-a", type: "replied" }),
    response(tenant, { campaignId: "cmp-b", type: "registered" }),
    // The other tenant's responses under the same campaign id never count for the first.
    response(other, { campaignId: "cmp-a", type: "opened" }),
    campaign(tenant, { id: "cmp-a", name: "Spring", ownerId: "mk-1", status: running, createdAt: "2026-02-01T08:00:00Z", startsAt: "2026-03-10T09:00:00Z", actualCost: eur("3000.00"), ...members(120) }),
    // B: unscheduled, created 2026-03-15, no cost.
    campaign(tenant, { id: "cmp-b", name: "Webinar", ownerId: "mk-2", createdAt: "2026-03-15T10:00:00Z", ...members(40) }),
    // C: deleted: never shown, its lead and won opportunity never counted.
    campaign(tenant, { id: "cmp-c", name: "Gone", createdAt: "2026-03-12T10:00:00Z", actualCost: eur("10.00") }),
    campaign(tenant, { id: "cmp-c", name: "Gone", createdAt: "2026-03-12T10:00:00Z", actualCost: eur("10.00"), version: "2" }, "deleted"),
    // D: starts 2026-03-31 22:30 UTC = 2026-04-01 00:30 in Warsaw (CEST); its cost in USD.
    campaign(tenant, { id: "cmp-d", name: "Late", ownerId: "mk-1", createdAt: "2026-03-01T10:00:00Z", startsAt: "2026-03-31T22:30:00Z", actualCost: { amount: "300.00", currency: "USD" } }),
    // E: starts 2026-03-20, cost 400.00 EUR, 10 members.
    campaign(tenant, { id: "cmp-e", name: "Cheap", ownerId: "mk-2", createdAt: "2026-03-01T10:00:00Z", startsAt: "2026-03-20T12:00:00Z", actualCost: eur("400.00"), ...members(10) }),
    // F: starts 2026-02-28 23:30 UTC = 2026-03-01 00:30 in Warsaw (CET), 5 members.
    campaign(tenant, { id: "cmp-f", name: "Early", createdAt: "2026-02-01T10:00:00Z", startsAt: "2026-02-28T23:30:00Z", ...members(5) }),
    campaign(other, { id: "cmp-a", name: "Theirs", createdAt: "2026-03-10T10:00:00Z", actualCost: eur("5.00"), ...members(999) }),
    campaign(other, { id: "cmp-o", name: "Only theirs", createdAt: "2026-03-10T10:00:00Z", actualCost: eur("5.00") }),

    lead(tenant, { id: "l1", campaignId: "cmp-a" }),
    lead(tenant, { id: "l2", campaignId: "cmp-a" }),
    lead(tenant, { id: "l2", campaignId: "cmp-a", version: "2", conversion: { accountId: "acc", contactId: "con", opportunityId: "o2", convertedAt: "2026-03-11T10:00:00Z" } }, "converted"),
    lead(tenant, { id: "l3", campaignId: "cmp-a" }),
    lead(tenant, { id: "l3", campaignId: "cmp-a", version: "2" }, "deleted"),
    lead(tenant, { id: "l4", campaignId: "cmp-b" }),
    lead(tenant, { id: "l5", campaignId: "cmp-e" }),
    lead(tenant, { id: "l6", campaignId: "cmp-d" }),
    lead(tenant, { id: "lc", campaignId: "cmp-c" }),
    lead(other, { id: "l1", campaignId: "cmp-a" }),
    // A: o1 (lead l1, won 1500.00 EUR), o2 (made from l2 by conversion, won 750.50 EUR), o3 (l2, open),
    // o4 (l1, won in USD: a win, no EUR revenue); o8 (l1) deleted.
    opportunity(tenant, { id: "o1", leadId: "l1", amount: eur("1500.00") }, "won"),
    opportunity(tenant, { id: "o2", amount: eur("750.50") }, "won"),
    opportunity(tenant, { id: "o3", leadId: "l2", amount: eur("100.00") }),
    opportunity(tenant, { id: "o4", leadId: "l1", amount: { amount: "999.99", currency: "USD" } }, "won"),
    opportunity(tenant, { id: "o8", leadId: "l1", amount: eur("10000.00") }, "won"),
    opportunity(tenant, { id: "o8", leadId: "l1", amount: eur("10000.00"), version: "2" }, "deleted"),
    opportunity(tenant, { id: "o5", leadId: "l4", amount: eur("200.00") }, "won"),
    opportunity(tenant, { id: "o6", leadId: "l5", amount: eur("300.00") }, "won"),
    opportunity(tenant, { id: "o7", leadId: "l6", amount: eur("50.00") }, "won"),
    opportunity(tenant, { id: "oc", leadId: "lc", amount: eur("70.00") }, "won"),
    opportunity(other, { id: "o1", leadId: "l1", amount: eur("123456.00") }, "won"),
  ];
  await publishAll(bus, events);
  // The campaigns follow the responses on their stream: once they are in, so are the responses.
  await applied(tenant, { "marketing.campaign.created": 6, "marketing.campaign.deleted": 1, "sales.lead.created": 7, "sales.lead.converted": 1, "sales.lead.deleted": 1, "sales.opportunity.won": 8, "sales.opportunity.created": 1, "sales.opportunity.deleted": 1 });
  await applied(other, { "marketing.campaign.created": 2, "sales.opportunity.won": 1, "sales.lead.created": 1 });
});

const zero = { campaignId: "", name: "", status: "", members: "0", responses: "0", leads: "0", opportunities: "0", won: "0", wonRevenue: "0.00", cost: "", roi: "" };

test("March in UTC: per campaign and in total, with exact revenue, cost and return on cost", async () => {
  const dashboard = await ask({ from: "2026-03-01", to: "2026-03-31", currency: "EUR" });
  expect(dashboard.currency).toBe("EUR");
  expect(dashboard.campaigns).toEqual([
    // (2250.50 - 3000.00) / 3000.00 = -0.24983.. → -0.2498
    { campaignId: "cmp-a", name: "Spring", status: "running", members: "120", responses: "3", leads: "2", opportunities: "4", won: "3", wonRevenue: "2250.50", cost: "3000.00", roi: "-0.2498" },
    { campaignId: "cmp-b", name: "Webinar", status: "draft", members: "40", responses: "1", leads: "1", opportunities: "1", won: "1", wonRevenue: "200.00", cost: "", roi: "" },
    // (300.00 - 400.00) / 400.00
    { campaignId: "cmp-e", name: "Cheap", status: "draft", members: "10", responses: "0", leads: "1", opportunities: "1", won: "1", wonRevenue: "300.00", cost: "400.00", roi: "-0.2500" },
    // The cost is in USD: no cost in EUR, no return.
    { campaignId: "cmp-d", name: "Late", status: "draft", members: "0", responses: "0", leads: "1", opportunities: "1", won: "1", wonRevenue: "50.00", cost: "", roi: "" },
  ]);
  // (2800.50 - 3400.00) / 3400.00 = -0.17632.. → -0.1763
  expect(dashboard.total).toEqual({ ...zero, members: "170", responses: "4", leads: "5", opportunities: "7", won: "6", wonRevenue: "2800.50", cost: "3400.00", roi: "-0.1763" });
});

test("March in Warsaw: F (00:30 on March 1st there) is in, D (00:30 on April 1st there) is out", async () => {
  const dashboard = await ask({ from: "2026-03-01", to: "2026-03-31", timeZone: "Europe/Warsaw" });
  expect(dashboard.campaigns.map((c) => c.campaignId)).toEqual(["cmp-f", "cmp-a", "cmp-b", "cmp-e"]);
  // Without a currency: the one most selected costs are in (EUR for A and E).
  expect(dashboard.currency).toBe("EUR");
  expect(dashboard.total).toEqual({ ...zero, members: "175", responses: "4", leads: "4", opportunities: "6", won: "5", wonRevenue: "2750.50", cost: "3400.00", roi: "-0.1910" });
});

test("a campaign filter without a currency answers in its cost's currency; the owner filter", async () => {
  const d = await ask({ campaignId: "cmp-d" });
  expect(d.currency).toBe("USD");
  // Its won opportunity is in EUR: no USD revenue; (0 - 300) / 300.
  expect(d.campaigns).toEqual([{ campaignId: "cmp-d", name: "Late", status: "draft", members: "0", responses: "0", leads: "1", opportunities: "1", won: "1", wonRevenue: "0.00", cost: "300.00", roi: "-1.0000" }]);
  const mine = await ask({ ownerId: "mk-1", from: "2026-03-01", to: "2026-03-31" });
  expect(mine.campaigns.map((c) => c.campaignId)).toEqual(["cmp-a", "cmp-d"]);
});

test("tenants never see each other's campaigns; another tenant's campaign id gives nothing", async () => {
  const theirs = await ask({ from: "2026-03-01", to: "2026-03-31" }, as(other, ["analyst"]));
  expect(theirs.campaigns).toEqual([
    { campaignId: "cmp-a", name: "Theirs", status: "draft", members: "999", responses: "1", leads: "1", opportunities: "1", won: "1", wonRevenue: "123456.00", cost: "5.00", roi: "24690.2000" },
    { campaignId: "cmp-o", name: "Only theirs", status: "draft", members: "0", responses: "0", leads: "0", opportunities: "0", won: "0", wonRevenue: "0.00", cost: "5.00", roi: "-1.0000" },
  ]);
  const crossed = await ask({ campaignId: "cmp-o", currency: "EUR" });
  expect(crossed).toEqual({ currency: "EUR", campaigns: [], total: zero });
  // A partner with reporting:read reads the same figures.
  expect((await ask({ campaignId: "cmp-a", currency: "EUR" }, asPartner(tenant))).campaigns[0]?.roi).toBe("-0.2498");
});

test("the request is checked at the gRPC boundary", async () => {
  expect(await failureOf(ask({ from: "2026-02-30" }))).toMatchObject({ code: 3, field: "from" });
  expect(await failureOf(ask({ from: "2026-03-02", to: "2026-03-01" }))).toMatchObject({ code: 3, field: "to" });
  expect(await failureOf(ask({ timeZone: "Mars/Olympus" }))).toMatchObject({ code: 3, field: "time_zone" });
  expect(await failureOf(ask({ currency: "XYZ" }))).toMatchObject({ code: 3, field: "currency" });
});
