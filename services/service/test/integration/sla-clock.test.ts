import { randomUUID } from "node:crypto";
import { createLogger, EventBus, type Identity } from "@relata/platform";
import { CaseChanged, SlaAlert, SlaMetric } from "@relata/proto/events/v1/service";
import { CasePriority, CreateCaseRequest, type Case } from "@relata/proto/service/v1/case";
import { durablesOf } from "./support";
import { clientsAt, localStack, startWorkloadProcess, testServerPort, waitFor, type WorkloadProcess } from "@relata/testing";
import mongoose from "mongoose";
import { serviceServices } from "../../src/client";
import { addBusinessTime, type BusinessCalendar } from "../../src/domain/business-time";
import { calendarOf } from "../../src/events/sla-clock";
import { WEEKDAYS } from "../../src/domain/time-zone";

/**
 * The SLA clock end to end against the real servers: the built Service (its own process), real
 * FerretDB and NATS JetStream. A calendar made for the test closes seconds after the cases
 * open and opens again a minute later; the warnings and breaches must be published by
 * JetStream at the instants the clock computed, each once, also for a case whose alerts fall
 * due while the Service process is SIGKILLed and before it is started again.
 */

const run = randomUUID().replace(/-/g, "").slice(0, 10);
const tenant = `sla${run}`;
const database = `relata_service_test_sla_${run}`;
const durablePrefix = `sla-it-${run}`;
const port = testServerPort(240);
const STREAM = "SERVICE";
const as = (): { identity: Identity } => ({ identity: { tenantId: tenant, subject: "it-manager", roles: ["support-manager"], requestId: randomUUID() } });
const sleepUntil = async (at: number) => {
  while (Date.now() < at) await new Promise((r) => setTimeout(r, Math.min(500, Math.max(1, at - Date.now()))));
};

let service: WorkloadProcess | undefined;
let clients: ReturnType<typeof clientsAt<typeof serviceServices>>;
let bus: EventBus;
let fromSeq: number;

const start = () =>
  startWorkloadProcess("service", {
    port,
    database,
    infra: { mongoBaseUri: localStack.ferretdbUri, natsUrl: localStack.natsUrl },
    // Every consumer the database's own (support.ts), the SLA clock's under this test's prefix.
    env: { ...durablesOf(database), SLA_DURABLE_PREFIX: durablePrefix, SHUTDOWN_GRACE_MS: "3000" },
  });

beforeAll(async () => {
  bus = await EventBus.connect(localStack.natsUrl, "sla-it", createLogger("sla-it", "silent"));
  fromSeq = await bus.jsm.streams
    .info(STREAM)
    .then((i) => i.state.last_seq + 1)
    .catch(() => 1);
  service = await start();
  clients = clientsAt(serviceServices, service.address, 15_000);
});

afterAll(async () => {
  clients?.close();
  await service?.stop();
  for (const suffix of ["clock", "alerts", "config"]) await bus?.jsm.consumers.delete(STREAM, `${durablePrefix}-${suffix}`).catch(() => undefined);
  await bus?.close();
  const db = await mongoose.createConnection(`${localStack.ferretdbUri}/${database}`).asPromise();
  await db.dropDatabase().catch(() => undefined);
  await db.close();
});

interface Landed {
  seq: number;
  storedAt: Date;
  subject: string;
  alert: SlaAlert;
}

/** The SLA alerts of this test's tenant on the stream, in stream order. */
async function alertsOnStream(): Promise<Landed[]> {
  const last = (await bus.jsm.streams.info(STREAM)).state.last_seq;
  const out: Landed[] = [];
  for (let seq = fromSeq; seq <= last; seq++) {
    const m = await bus.jsm.streams.getMessage(STREAM, { seq }).catch(() => null);
    if (!m || (m.subject !== "service.sla.warning" && m.subject !== "service.sla.breached")) continue;
    const alert = SlaAlert.decode(m.data);
    if (alert.meta?.tenantId === tenant) out.push({ seq, storedAt: m.time, subject: m.subject, alert });
  }
  return out;
}

/** Every snapshot of a case on the stream, in order. */
async function caseEvents(caseId: string): Promise<{ actorId: string; c: Case }[]> {
  const last = (await bus.jsm.streams.info(STREAM)).state.last_seq;
  const out: { actorId: string; c: Case }[] = [];
  for (let seq = fromSeq; seq <= last; seq++) {
    const m = await bus.jsm.streams.getMessage(STREAM, { seq }).catch(() => null);
    if (!m || !m.subject.startsWith("service.case.")) continue;
    const e = CaseChanged.decode(m.data);
    if (e.case?.id === caseId) out.push({ actorId: e.meta?.actorId ?? "", c: e.case });
  }
  return out;
}

const hhmm = (d: Date) => `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;

describe("SLA warnings and breaches at the right instants", () => {
  it("publishes each alert once at its instant, skipping closed time, also across a SIGKILL of the Service", async () => {
    // Close at the next minute at least 5 s away (calendars are in minutes), reopen a minute later.
    let closes = new Date(Math.ceil((Date.now() + 5_000) / 60_000) * 60_000);
    if (closes.getTime() - Date.now() >= 55_000 || closes.getUTCDate() !== new Date().getUTCDate()) {
      await sleepUntil(closes.getTime() + 1_000);
      closes = new Date(Math.ceil((Date.now() + 5_000) / 60_000) * 60_000);
    }
    const reopens = new Date(closes.getTime() + 60_000);
    const today = WEEKDAYS[(closes.getUTCDay() + 6) % 7]!;
    const weeklyHours = WEEKDAYS.flatMap((day) =>
      day === today
        ? [
            { day, opens: "00:00", closes: hhmm(closes) },
            { day, opens: hhmm(reopens), closes: "24:00" },
          ]
        : [{ day, opens: "00:00", closes: "24:00" }],
    );
    const calendarRecord = await clients.businessCalendars.createBusinessCalendar(
      { name: "Closes for a minute", timeZone: "UTC", weeklyHours: { values: weeklyHours }, holidays: { values: [] }, idempotencyKey: "" },
      as(),
    );
    const calendar: BusinessCalendar = calendarOf({ timeZone: "UTC", weeklyHours, holidays: [] });
    const target = (priority: string, firstResponseMinutes: number) => ({ priority, slaLevel: "", firstResponseMinutes, resolutionMinutes: 0 });
    await clients.slaPolicies.createSlaPolicy(
      { name: "Default", calendarId: calendarRecord.id, category: "", warningPercent: 50, targets: { values: [target("normal", 1)] }, idempotencyKey: "" },
      as(),
    );
    // Complaints have their own policy, which wins over the default for them.
    await clients.slaPolicies.createSlaPolicy(
      { name: "Complaints", calendarId: calendarRecord.id, category: "complaint", warningPercent: 50, targets: { values: [target("normal", 2)] }, idempotencyKey: "" },
      as(),
    );

    const opened = await clients.cases.createCase(CreateCaseRequest.fromPartial({ subject: "Printer on fire", priority: CasePriority.CASE_PRIORITY_NORMAL }), as());
    const complaint = await clients.cases.createCase(
      CreateCaseRequest.fromPartial({ subject: "Nobody put the fire out", category: "complaint", priority: CasePriority.CASE_PRIORITY_NORMAL }),
      as(),
    );
    const expected = (c: Case, minutes: number) => {
      const openedAt = new Date(c.createdAt!);
      return { warning: addBusinessTime(calendar, openedAt, minutes * 30), breach: addBusinessTime(calendar, openedAt, minutes * 60) };
    };
    const a = expected(opened, 1);
    const b = expected(complaint, 2);
    // The minute the calendar is closed is skipped: one business minute ends two minutes after the opening.
    expect(a.breach.getTime() - new Date(opened.createdAt!).getTime()).toBe(120_000);
    expect(b.breach.getTime() - new Date(complaint.createdAt!).getTime()).toBe(180_000);

    // The clock writes the due instants on the cases.
    for (const [c, due] of [
      [opened, a],
      [complaint, b],
    ] as const) {
      await waitFor(async () => !!(await clients.cases.getCase({ id: c.id }, as())).firstResponseDueAt, { timeoutMs: 20_000, what: "the due instant on the case" });
      const read = await clients.cases.getCase({ id: c.id }, as());
      expect(new Date(read.firstResponseDueAt!)).toEqual(due.breach);
      expect(read.slaBreached).toBe(false);
    }

    // The first case breaches while the Service runs, and is marked.
    await waitFor(async () => (await clients.cases.getCase({ id: opened.id }, as())).slaBreached, { timeoutMs: 200_000, intervalMs: 500, what: "the first case marked breached" });
    expect(Date.now()).toBeLessThan(b.breach.getTime());

    // Killed before the complaint's breach, started again after it.
    await service!.kill();
    clients.close();
    await sleepUntil(b.breach.getTime() + 3_000);
    service = await start();
    clients = clientsAt(serviceServices, service.address, 15_000);
    await waitFor(async () => (await clients.cases.getCase({ id: complaint.id }, as())).slaBreached, { timeoutMs: 60_000, intervalMs: 500, what: "the complaint marked breached" });

    // A few seconds more for any duplicate to show up on the stream.
    await new Promise((r) => setTimeout(r, 3_000));
    const landed = await alertsOnStream();
    const key = (l: Landed) => `${l.alert.caseId}/${l.subject}`;
    expect(landed.map(key).sort()).toEqual(
      [`${opened.id}/service.sla.warning`, `${opened.id}/service.sla.breached`, `${complaint.id}/service.sla.warning`, `${complaint.id}/service.sla.breached`].sort(),
    );
    for (const [c, due] of [
      [opened, a],
      [complaint, b],
    ] as const) {
      const warning = landed.find((l) => l.alert.caseId === c.id && l.subject === "service.sla.warning")!;
      const breach = landed.find((l) => l.alert.caseId === c.id && l.subject === "service.sla.breached")!;
      // At the computed instants, carried by the events, and none before its instant.
      expect(new Date(warning.alert.dueAt!)).toEqual(due.warning);
      expect(new Date(breach.alert.dueAt!)).toEqual(due.breach);
      expect(new Date(warning.alert.targetAt!)).toEqual(due.breach);
      expect(warning.alert.metric).toBe(SlaMetric.SLA_METRIC_FIRST_RESPONSE);
      expect(warning.storedAt.getTime()).toBeGreaterThanOrEqual(due.warning.getTime());
      expect(breach.storedAt.getTime()).toBeGreaterThanOrEqual(due.breach.getTime());
      expect(warning.seq).toBeLessThan(breach.seq);
      expect(warning.alert.meta?.tenantId).toBe(tenant);
    }
    // The complaint's breach came while no Service process ran.
    const complaintBreach = landed.find((l) => l.alert.caseId === complaint.id && l.subject === "service.sla.breached")!;
    expect(complaintBreach.storedAt.getTime()).toBeLessThan(b.breach.getTime() + 3_000);

    // Each case marked once: one write set sla_breached, none after it undid or repeated it.
    for (const c of [opened, complaint]) {
      const events = await caseEvents(c.id);
      const flips = events.filter((e, i) => e.c.slaBreached && !(i > 0 && events[i - 1]!.c.slaBreached));
      expect(flips).toHaveLength(1);
      expect(flips[0]!.actorId).toBe("system:sla-clock");
      expect(events[events.length - 1]!.c.slaBreached).toBe(true);
    }
  }, 330_000);
});
