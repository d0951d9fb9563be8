import type { EventBus } from "@relata/platform";
import { CaseChannel, CasePriority, CaseStatus } from "@relata/proto/service/v1/case";
import { testServerPort } from "@relata/testing";
import { randomUUID } from "node:crypto";
import {
  as, connectBus, csat, dropDatabase, failureOf, publishAll, reportingClientsAt, serviceCase, slaAlert, startReportingProcess, testTenant,
  type ReportingClients, type ReportingProcess, type TestEvent, storeHolds,
} from "./support";

// The service dashboard on a hand-computed example of May 2026; the comments work out each figure.
let bus: EventBus;
let reporting: ReportingProcess;
let clients: ReportingClients;

beforeAll(async () => {
  bus = await connectBus("reporting-service-desk-test");
  reporting = await startReportingProcess({ port: testServerPort(531) });
  clients = reportingClientsAt(reporting.address);
});

afterAll(async () => {
  clients?.close();
  await reporting?.stop();
  if (reporting?.database) await dropDatabase(reporting.database);
  await bus?.close();
});

const applied = (tenant: string, expected: Record<string, number>) => storeHolds(clients, tenant, expected);

const { CASE_PRIORITY_URGENT: urgent, CASE_PRIORITY_HIGH: high, CASE_PRIORITY_NORMAL: normal, CASE_PRIORITY_LOW: low } = CasePriority;
const { CASE_STATUS_NEW, CASE_STATUS_IN_PROGRESS, CASE_STATUS_WAITING_ON_CUSTOMER, CASE_STATUS_RESOLVED, CASE_STATUS_CLOSED } = CaseStatus;

// Every case names its channel (the snapshot encoder needs a known one).
const channel = CaseChannel.CASE_CHANNEL_EMAIL;

const tenant = testTenant("svc");
const other = testTenant("svc-other");
const ask = (request: Record<string, string>, who = as(tenant, ["support-manager"])) =>
  clients.operations.getServiceDashboard({ from: "", to: "", queueId: "", category: "", ownerId: "", timeZone: "", ...request }, who);

beforeAll(async () => {
  // c1's satisfaction published twice (dropped by JetStream) and copied under another message id: one score per case.
  const c1Score = csat(tenant, { channel, id: "c1" }, 5);
  const breach = slaAlert(tenant, { caseId: "c4", metric: "resolution", kind: "breached" });
  const events: TestEvent[] = [
    // c1: q1, high, billing, ag-1; opened 05-04 08:00, answered after 30 min, resolved after 240 min, both targets met.
    serviceCase(tenant, { channel, id: "c1", queueId: "q1", priority: high, category: "billing", ownerId: "ag-1", createdAt: "2026-05-04T08:00:00Z",
      firstResponseDueAt: "2026-05-04T09:00:00Z", resolutionDueAt: "2026-05-05T08:00:00Z" }),
    serviceCase(tenant, { channel, id: "c1", queueId: "q1", priority: high, category: "billing", ownerId: "ag-1", createdAt: "2026-05-04T08:00:00Z", status: CASE_STATUS_RESOLVED,
      firstRespondedAt: "2026-05-04T08:30:00Z", firstResponseDueAt: "2026-05-04T09:00:00Z", resolvedAt: "2026-05-04T12:00:00Z", resolutionDueAt: "2026-05-05T08:00:00Z", version: "2" }, "resolved"),
    // c2: q1, normal, billing, ag-1; answered after 60 min, resolved after 1440 min: 2 hours after its due date (breached, never flagged), closed.
    serviceCase(tenant, { channel, id: "c2", queueId: "q1", priority: normal, category: "billing", ownerId: "ag-1", createdAt: "2026-05-10T10:00:00Z", status: CASE_STATUS_CLOSED,
      firstRespondedAt: "2026-05-10T11:00:00Z", resolvedAt: "2026-05-11T10:00:00Z", resolutionDueAt: "2026-05-11T08:00:00Z", closedAt: "2026-05-11T11:00:00Z" }),
    // c3: q2, urgent, tech, ag-2; not answered, flagged as breached, in progress.
    serviceCase(tenant, { channel, id: "c3", queueId: "q2", priority: urgent, category: "tech", ownerId: "ag-2", createdAt: "2026-05-15T09:00:00Z", status: CASE_STATUS_IN_PROGRESS,
      firstResponseDueAt: "2026-05-15T10:00:00Z", slaBreached: true }),
    // c4: q2, normal, tech, ag-2; answered after 10 min; a resolution breach alert (redelivered and copied); waiting on the customer.
    serviceCase(tenant, { channel, id: "c4", queueId: "q2", priority: normal, category: "tech", ownerId: "ag-2", createdAt: "2026-05-20T09:00:00Z", status: CASE_STATUS_WAITING_ON_CUSTOMER,
      firstRespondedAt: "2026-05-20T09:10:00Z", resolutionDueAt: "2026-05-22T09:00:00Z" }),
    breach, breach, { ...breach, id: randomUUID() },
    // c8: q2, high, tech, ag-3; its clock breached: Service cleared the due date, the flag stays; in progress.
    serviceCase(tenant, { channel, id: "c8", queueId: "q2", priority: high, category: "tech", ownerId: "ag-3", createdAt: "2026-05-18T09:00:00Z", status: CASE_STATUS_IN_PROGRESS, slaBreached: true }),
    // c5: q1, low; 05-31 22:30 UTC = 06-01 00:30 in Warsaw; no SLA; new.
    serviceCase(tenant, { channel, id: "c5", queueId: "q1", priority: low, category: "billing", createdAt: "2026-05-31T22:30:00Z", status: CASE_STATUS_NEW }),
    // c6: deleted: never counted.
    serviceCase(tenant, { channel, id: "c6", queueId: "q1", priority: normal, category: "billing", createdAt: "2026-05-12T09:00:00Z" }),
    serviceCase(tenant, { channel, id: "c6", queueId: "q1", priority: normal, category: "billing", createdAt: "2026-05-12T09:00:00Z", version: "2" }, "deleted"),
    // c7: q2, high; 04-30 22:30 UTC = 05-01 00:30 in Warsaw; resolved after 90 min; no SLA.
    serviceCase(tenant, { channel, id: "c7", queueId: "q2", priority: high, category: "tech", createdAt: "2026-04-30T22:30:00Z", status: CASE_STATUS_RESOLVED, resolvedAt: "2026-05-01T00:00:00Z" }),
    c1Score, c1Score, { ...c1Score, id: randomUUID() },
    csat(tenant, { channel, id: "c2" }, 3),
    // The other tenant: a case with the same id, breached, scored 1; and a queue of its own.
    serviceCase(other, { channel, id: "c1", queueId: "q-other", priority: high, category: "billing", createdAt: "2026-05-04T08:00:00Z", firstResponseDueAt: "2026-05-04T09:00:00Z", slaBreached: true }),
    csat(other, { channel, id: "c1" }, 1),
    slaAlert(other, { caseId: "c1", metric: "first_response", kind: "breached" }),
  ];
  await publishAll(bus, events);
  // Every event of the tenant is on the SERVICE stream in this order: the last subjects' counts say the rest is in.
  await applied(tenant, { "service.case.opened": 7, "service.case.resolved": 1, "service.case.deleted": 1, "service.sla.breached": 1, "service.case.csat_given": 2 });
  await applied(other, { "service.case.opened": 1, "service.case.csat_given": 1, "service.sla.breached": 1 });
});

test("May in UTC: volume, times, SLA, CSAT, by queue and by priority", async () => {
  const d = await ask({ from: "2026-05-01", to: "2026-05-31" });
  expect(d).toEqual({
    // c1..c5, c8 (c6 deleted, c7 opened in April in UTC)
    opened: "6",
    resolved: "2", // c1, c2
    backlog: "4", // c3, c4, c5, c8
    averageFirstResponseMinutes: expect.any(Number),
    averageResolutionMinutes: 840, // (240 + 1440) / 2
    slaCases: "5", // c1..c4 have a due date, c8 is flagged
    slaMet: "1", // c1
    slaBreached: "4", // c2 resolved late, c3 and c8 flagged, c4 alerted
    slaCompliance: 0.2,
    csatResponses: "2", // c1's 5 (its copy kept once), c2's 3
    csatAverage: 4,
    byQueue: [
      { key: "q1", opened: "3", resolved: "2", backlog: "1", slaBreached: "1" },
      { key: "q2", opened: "3", resolved: "0", backlog: "3", slaBreached: "3" },
    ],
    byPriority: [
      { key: "urgent", opened: "1", resolved: "0", backlog: "1", slaBreached: "1" },
      { key: "high", opened: "2", resolved: "1", backlog: "1", slaBreached: "1" },
      { key: "normal", opened: "2", resolved: "1", backlog: "1", slaBreached: "2" },
      { key: "low", opened: "1", resolved: "0", backlog: "1", slaBreached: "0" },
    ],
  });
  expect(d.averageFirstResponseMinutes).toBeCloseTo(100 / 3, 9); // (30 + 60 + 10) / 3
});

test("May in Warsaw: c7 (00:30 on May 1st there) is in, c5 (00:30 on June 1st there) is out", async () => {
  const d = await ask({ from: "2026-05-01", to: "2026-05-31", timeZone: "Europe/Warsaw" });
  expect(d).toMatchObject({ opened: "6", resolved: "3", backlog: "3", averageResolutionMinutes: 590, slaCases: "5", slaBreached: "4" });
  expect(d.byQueue).toEqual([
    { key: "q1", opened: "2", resolved: "2", backlog: "0", slaBreached: "1" },
    { key: "q2", opened: "4", resolved: "1", backlog: "3", slaBreached: "3" },
  ]);
});

test("filters: category, owner and queue", async () => {
  expect(await ask({ category: "tech", from: "2026-05-01", to: "2026-05-31" })).toMatchObject({ opened: "3", resolved: "0", backlog: "3", slaCases: "3", slaMet: "0", slaBreached: "3", slaCompliance: 0, csatResponses: "0", csatAverage: 0 });
  expect(await ask({ ownerId: "ag-1" })).toMatchObject({ opened: "2", resolved: "2", backlog: "0", slaCases: "2", slaMet: "1", slaBreached: "1", slaCompliance: 0.5, csatResponses: "2", csatAverage: 4 });
  expect(await ask({ queueId: "q1", to: "2026-05-30" })).toMatchObject({ opened: "2", byQueue: [{ key: "q1", opened: "2", resolved: "2", backlog: "0", slaBreached: "1" }] });
});

test("tenants never see each other's cases; another tenant's queue gives zeros", async () => {
  expect(await ask({}, as(other, ["analyst"]))).toMatchObject({ opened: "1", slaCases: "1", slaBreached: "1", csatResponses: "1", csatAverage: 1, byQueue: [{ key: "q-other", opened: "1" }] });
  expect(await ask({ queueId: "q-other" })).toEqual({
    opened: "0", resolved: "0", backlog: "0", averageFirstResponseMinutes: 0, averageResolutionMinutes: 0, slaCases: "0", slaMet: "0", slaBreached: "0",
    slaCompliance: 0, csatResponses: "0", csatAverage: 0, byQueue: [], byPriority: [],
  });
});

test("the request is checked at the gRPC boundary", async () => {
  expect(await failureOf(ask({ to: "31/05/2026" }))).toMatchObject({ code: 3, field: "to" });
  expect(await failureOf(ask({ timeZone: "Nowhere" }))).toMatchObject({ code: 3, field: "time_zone" });
});
