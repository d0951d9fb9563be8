import type { EventBus } from "@relata/platform";
import { testServerPort } from "@relata/testing";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  account, as, connectBus, dropDatabase, eventually, opportunity, publishAll, reportingClientsAt, serviceCase, startReportingProcess, testTenant,
  type ReportingClients, type ReportingProcess, type TestEvent, appliedEvents,
} from "./support";

// The store as a process sees it: a rebuild by replay, and a SIGKILL in the middle of a stream.
let bus: EventBus;
let dir: string;
const started: ReportingProcess[] = [];

beforeAll(async () => {
  bus = await connectBus("reporting-store-test");
  dir = mkdtempSync(join(tmpdir(), "reporting-store-"));
});

afterAll(async () => {
  for (const p of started) await p.stop().catch(() => undefined);
  for (const p of started) await dropDatabase(p.database).catch(() => undefined);
  await bus?.close();
  rmSync(dir, { recursive: true, force: true });
});

const counts = appliedEvents;
const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

test("a rebuild by replay gives the same store and switches to it, the file alone left in place", async () => {
  const path = join(dir, "rebuild", "facts.duckdb");
  const reporting = await startReportingProcess({ port: testServerPort(580), env: { REPORTING_DB_PATH: path } });
  started.push(reporting);
  const clients = reportingClientsAt(reporting.address);
  try {
    const tenant = testTenant("rebuild");
    await publishAll(bus, [
      account(tenant, { id: "a1", territory: "north" }),
      opportunity(tenant, { id: "o1", accountId: "a1", amount: { amount: "10.00", currency: "EUR" } }),
      opportunity(tenant, { id: "o1", accountId: "a1", amount: { amount: "10.00", currency: "EUR" }, version: "2" }, "won"),
      serviceCase(tenant, { id: "c1" }),
    ]);
    const before = await eventually(() => counts(clients, tenant), (c) => total(c) === 4, "the tenant's events in the store");

    const answer = await clients.store.rebuildStore({}, as(tenant, ["platform-admin"]));
    expect(answer.rebuilding).toBe(true);
    const status = await eventually(
      () => clients.store.getStoreStatus({}, as(tenant, ["analyst"])),
      (s) => !s.rebuilding && s.lastRebuild !== undefined,
      "the rebuild to switch",
      60_000,
    );
    expect(Number(status.lastRebuild!.events)).toBeGreaterThanOrEqual(4);
    expect(await counts(clients, tenant)).toEqual(before);
    expect(readdirSync(join(dir, "rebuild")).filter((f) => !f.endsWith(".wal"))).toEqual(["facts.duckdb"]);

    // The rebuilt store goes on following the streams.
    await publishAll(bus, [serviceCase(tenant, { id: "c2" })]);
    await eventually(() => counts(clients, tenant), (c) => c["service.case.opened"] === 2, "an event after the switch");
  } finally {
    clients.close();
  }
});

test("killed with SIGKILL in the middle of a stream and started again, it neither loses nor double-counts an event", async () => {
  const path = join(dir, "kill", "facts.duckdb");
  const tenant = testTenant("kill");
  const N = 20_000;
  const events: TestEvent[] = [];
  for (let i = 0; i < N; i++) events.push(opportunity(tenant, { id: `o${i}`, amount: { amount: `${i}.25`, currency: "EUR" } }));

  const first = await startReportingProcess({ port: testServerPort(581), env: { REPORTING_DB_PATH: path } });
  started.push(first);
  const publishing = publishAll(bus, events);
  const clients = reportingClientsAt(first.address);
  // Kill it once it has applied part of the stream, while the rest is still arriving.
  const partial = await eventually(() => counts(clients, tenant), (c) => (c["sales.opportunity.created"] ?? 0) > 0, "some events applied", 60_000);
  clients.close();
  await first.kill();
  expect(partial["sales.opportunity.created"]).toBeLessThan(N);
  await publishing;

  const second = await startReportingProcess({ port: testServerPort(582), database: first.database, env: { REPORTING_DB_PATH: path } });
  started.push(second);
  const again = reportingClientsAt(second.address);
  try {
    const after = await eventually(() => counts(again, tenant), (c) => (c["sales.opportunity.created"] ?? 0) >= N, "every event applied after the restart", 120_000);
    // Settle: nothing more arrives for this tenant, and the count is exactly what was published.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(after).toEqual({ "sales.opportunity.created": N });
    expect(await counts(again, tenant)).toEqual({ "sales.opportunity.created": N });
  } finally {
    again.close();
  }
});
