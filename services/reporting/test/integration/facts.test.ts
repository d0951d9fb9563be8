import type { EventBus } from "@relata/platform";
import { testServerPort } from "@relata/testing";
import {
  account, activity, article, articleFeedback, articleLinked, articleViewed, as, campaign, connectBus, csat, dropDatabase, eventually, lead, opportunity,
  publishAll, quota, reportingClientsAt, response, search, serviceCase, slaAlert, startReportingProcess, testTenant,
  type ReportingClients, type ReportingProcess, appliedEvents,
} from "./support";

// The store takes every kind of event the services publish, each counted once by subject.
let bus: EventBus;
let reporting: ReportingProcess;
let clients: ReportingClients;

beforeAll(async () => {
  bus = await connectBus("reporting-facts-test");
  reporting = await startReportingProcess({ port: testServerPort(500) });
  clients = reportingClientsAt(reporting.address);
});

afterAll(async () => {
  clients?.close();
  await reporting?.stop();
  if (reporting?.database) await dropDatabase(reporting.database);
  await bus?.close();
});

test("every event kind reaches the store and is counted once under its subject, for its tenant only", async () => {
  const tenant = testTenant("facts");
  const other = testTenant("other");
  await publishAll(bus, [
    account(tenant, { id: "a1", territory: "north" }),
    opportunity(tenant, { id: "o1", accountId: "a1", amount: { amount: "100.50", currency: "EUR" } }),
    opportunity(tenant, { id: "o1", accountId: "a1", amount: { amount: "100.50", currency: "EUR" }, version: "2" }, "won"),
    lead(tenant, { id: "l1" }),
    lead(tenant, { id: "l1", version: "2", conversion: { accountId: "a1", contactId: "c1", opportunityId: "o1", convertedAt: new Date().toISOString() } }, "converted"),
    activity(tenant, { id: "act1", accountId: "a1" }),
    campaign(tenant, { id: "cmp1", name: "Spring", actualCost: { amount: "50", currency: "EUR" } }),
    response(tenant, { campaignId: "cmp1", type: "opened" }),
    serviceCase(tenant, { id: "case1", category: "billing" }),
    slaAlert(tenant, { caseId: "case1", metric: "resolution", kind: "breached" }),
    csat(tenant, { id: "case1" }, 4),
    article(tenant, { id: "art1", title: "Reset" }),
    articleViewed(tenant, { articleId: "art1" }),
    articleFeedback(tenant, { articleId: "art1", helpful: true }),
    articleLinked(tenant, { articleId: "art1", caseId: "case1" }),
    ...search(tenant, { query: "nothing here", resultCount: 0 }),
    quota(tenant, { id: "q1", period: "2026-Q4", ownerId: "rep-1", amount: { amount: "1000", currency: "EUR" } }),
    account(other, { id: "a1" }),
  ]);

  const counts = await eventually(
    () => appliedEvents(clients, tenant),
    (c) => Object.values(c).reduce((a, b) => a + b, 0) >= 18,
    "the tenant's events in the store",
  );
  expect(counts).toEqual({
    "sales.account.created": 1,
    "sales.opportunity.created": 1,
    "sales.opportunity.won": 1,
    "sales.lead.created": 1,
    "sales.lead.converted": 1,
    "sales.activity.logged": 1,
    "marketing.campaign.created": 1,
    "marketing.response.recorded": 1,
    "service.case.opened": 1,
    "service.sla.breached": 1,
    "service.case.csat_given": 1,
    "knowledge.article.approved": 1,
    "knowledge.article.viewed": 1,
    "knowledge.article.feedback_given": 1,
    "knowledge.article.linked_to_case": 1,
    "knowledge.search.performed": 1,
    "knowledge.search.no_results": 1,
    "reporting.quota.created": 1,
  });
  const others = await clients.store.getStoreStatus({}, as(other, ["analyst"]));
  expect(others.events.map((e) => [e.subject, Number(e.events)])).toEqual([["sales.account.created", 1]]);
});
