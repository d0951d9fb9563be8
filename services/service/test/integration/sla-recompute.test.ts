import { randomUUID } from "node:crypto";
import { createLogger, EventBus, type Identity } from "@relata/platform";
import { SlaAlert } from "@relata/proto/events/v1/service";
import { CasePriority, CreateCaseRequest, UpdateCaseRequest, type Case } from "@relata/proto/service/v1/case";
import { durablesOf } from "./support";
import { clientsAt, localStack, startWorkloadProcess, testServerPort, waitFor, type WorkloadProcess } from "@relata/testing";
import mongoose from "mongoose";
import { serviceServices } from "../../src/client";

/**
 * The SLA clock recomputes against the real servers: a priority change moves the case's
 * schedules (the replaced ones never fire), a policy change moves the due instants of the
 * cases under it, a deleted case's schedules are cancelled.
 */

const run = randomUUID().replace(/-/g, "").slice(0, 10);
const tenant = `slr${run}`;
const database = `relata_service_test_slr_${run}`;
const durablePrefix = `slr-it-${run}`;
const STREAM = "SERVICE";
const MINUTE = 60_000;
const as = (): { identity: Identity } => ({ identity: { tenantId: tenant, subject: "it-manager", roles: ["support-manager"], requestId: randomUUID() } });

let service: WorkloadProcess;
let clients: ReturnType<typeof clientsAt<typeof serviceServices>>;
let bus: EventBus;
let fromSeq: number;

beforeAll(async () => {
  bus = await EventBus.connect(localStack.natsUrl, "slr-it", createLogger("slr-it", "silent"));
  fromSeq = await bus.jsm.streams
    .info(STREAM)
    .then((i) => i.state.last_seq + 1)
    .catch(() => 1);
  service = await startWorkloadProcess("service", {
    port: testServerPort(241),
    database,
    infra: { mongoBaseUri: localStack.ferretdbUri, natsUrl: localStack.natsUrl },
    // Every consumer the database's own (support.ts), the SLA clock's under this test's prefix.
    env: { ...durablesOf(database), SLA_DURABLE_PREFIX: durablePrefix, SHUTDOWN_GRACE_MS: "3000" },
  });
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

/** The schedule waiting on a timer subject: its instant, or null when there is none. */
async function scheduledAt(caseId: string, metric: string, kind: string): Promise<string | null> {
  const m = await bus.jsm.streams.getMessage(STREAM, { last_by_subj: `service.sla.timer.${tenant}.${caseId}.${metric}.${kind}` }).catch(() => null);
  return m ? (m.header.get("Nats-Schedule") ?? null) : null;
}

const dueOf = async (id: string) => (await clients.cases.getCase({ id }, as())).firstResponseDueAt ?? null;
const iso = (ms: number) => new Date(ms).toISOString();

describe("the SLA clock recomputes", () => {
  let policyId: string;
  let policyVersion: string;

  beforeAll(async () => {
    const days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map((day) => ({ day, opens: "00:00", closes: "24:00" }));
    const calendar = await clients.businessCalendars.createBusinessCalendar(
      { name: "Always", timeZone: "UTC", weeklyHours: { values: days }, holidays: { values: [] }, idempotencyKey: "" },
      as(),
    );
    const policy = await clients.slaPolicies.createSlaPolicy(
      {
        name: "Default",
        calendarId: calendar.id,
        category: "",
        warningPercent: 50,
        targets: {
          values: [
            { priority: "normal", slaLevel: "", firstResponseMinutes: 600, resolutionMinutes: 0 },
            { priority: "urgent", slaLevel: "", firstResponseMinutes: 1, resolutionMinutes: 0 },
          ],
        },
        idempotencyKey: "",
      },
      as(),
    );
    policyId = policy.id;
    policyVersion = policy.version;
  });

  const open = (subject: string): Promise<Case> => clients.cases.createCase(CreateCaseRequest.fromPartial({ subject, priority: CasePriority.CASE_PRIORITY_NORMAL }), as());

  it("moves a case's schedules when its priority changes, and only the new ones fire", async () => {
    const c = await open("Slow at first");
    const opened = new Date(c.createdAt!).getTime();
    await waitFor(async () => (await dueOf(c.id)) === iso(opened + 600 * MINUTE), { timeoutMs: 20_000, what: "the normal due instant" });
    expect(await scheduledAt(c.id, "first_response", "breach")).toBe(`@at ${iso(opened + 600 * MINUTE)}`);

    const current = await clients.cases.getCase({ id: c.id }, as());
    await clients.cases.updateCase(UpdateCaseRequest.fromPartial({ id: c.id, expectedVersion: current.version, priority: CasePriority.CASE_PRIORITY_URGENT }), as());
    await waitFor(async () => (await dueOf(c.id)) === iso(opened + MINUTE), { timeoutMs: 20_000, what: "the urgent due instant" });
    // Published again on the same subjects: the schedules now hold the urgent instants.
    expect(await scheduledAt(c.id, "first_response", "warning")).toBe(`@at ${iso(opened + 30_000)}`);

    await waitFor(async () => (await clients.cases.getCase({ id: c.id }, as())).slaBreached, { timeoutMs: 120_000, intervalMs: 500, what: "the breach" });
    const last = (await bus.jsm.streams.info(STREAM)).state.last_seq;
    const alerts: { subject: string; dueAt: string }[] = [];
    for (let seq = fromSeq; seq <= last; seq++) {
      const m = await bus.jsm.streams.getMessage(STREAM, { seq }).catch(() => null);
      if (!m || !m.subject.startsWith("service.sla.") || m.subject.startsWith("service.sla.timer.")) continue;
      const a = SlaAlert.decode(m.data);
      if (a.caseId === c.id) alerts.push({ subject: m.subject, dueAt: a.dueAt! });
    }
    expect(alerts).toEqual([
      { subject: "service.sla.warning", dueAt: iso(opened + 30_000) },
      { subject: "service.sla.breached", dueAt: iso(opened + MINUTE) },
    ]);
    // Fired schedules are gone from their subjects.
    expect(await scheduledAt(c.id, "first_response", "breach")).toBeNull();
  }, 180_000);

  it("moves the due instants of the cases under a policy when the policy changes", async () => {
    const c = await open("Policy changes under it");
    const opened = new Date(c.createdAt!).getTime();
    await waitFor(async () => (await dueOf(c.id)) === iso(opened + 600 * MINUTE), { timeoutMs: 20_000, what: "the first due instant" });
    await clients.slaPolicies.updateSlaPolicy(
      {
        id: policyId,
        expectedVersion: policyVersion,
        targets: {
          values: [
            { priority: "normal", slaLevel: "", firstResponseMinutes: 700, resolutionMinutes: 0 },
            { priority: "urgent", slaLevel: "", firstResponseMinutes: 1, resolutionMinutes: 0 },
          ],
        },
      },
      as(),
    );
    await waitFor(async () => (await dueOf(c.id)) === iso(opened + 700 * MINUTE), { timeoutMs: 20_000, what: "the moved due instant" });
    expect(await scheduledAt(c.id, "first_response", "warning")).toBe(`@at ${iso(opened + 350 * MINUTE)}`);
  });

  it("cancels a deleted case's schedules", async () => {
    const c = await open("Opened by mistake");
    const opened = new Date(c.createdAt!).getTime();
    await waitFor(async () => (await dueOf(c.id)) !== null, { timeoutMs: 20_000, what: "the due instant" });
    expect(await scheduledAt(c.id, "first_response", "breach")).toBe(`@at ${iso(opened + 700 * MINUTE)}`);
    const current = await clients.cases.getCase({ id: c.id }, as());
    await clients.cases.deleteCase({ id: c.id, expectedVersion: current.version }, as());
    await waitFor(async () => (await scheduledAt(c.id, "first_response", "breach")) === null, { timeoutMs: 20_000, what: "the schedules cancelled" });
    expect(await scheduledAt(c.id, "first_response", "warning")).toBeNull();
  });
});
