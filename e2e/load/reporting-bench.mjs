#!/usr/bin/env node
// `make bench`'s Reporting part: a store of BENCH_OPPORTUNITIES (1,000,000) opportunity facts.
//
//   node e2e/load/reporting-bench.mjs
//
// Isolated from the rest of the bench stack: a NATS server of its own (a temporary JetStream
// directory) and a Reporting process of its own on it, so that the million events reach no other
// service's consumers (Sales' timeline would chew them for an hour) and nothing else competes for
// the machine while it measures. It uses the stack's FerretDB (Reporting's quotas).
// 1. Publishes BENCH_OPPORTUNITIES / 100 accounts and BENCH_OPPORTUNITIES opportunities (their
//    latest snapshots: 60 % open in five stages, 25 % won, 15 % lost; amounts, owners, territories,
//    currencies, created and closed instants spread over three years) onto SALES.
// 2. Starts Reporting on an empty file: the time until its store has applied every event is the
//    replay rate (events per second into the store). Then a rebuild by replay beside the live
//    store (POST /v1/analytics/store/rebuild's RPC), timed the same way.
// 3. Every dashboard and customer value over the million, through Reporting's gRPC API:
//    BENCH_CALLS (30) calls each after 3 warm-ups, one at a time: p50/p95; the heaviest is named.
// 4. An export of 1,000,000 rows (one per opportunity: id, owner, stage, amount) streamed as CSV
//    through the kit's CSV writer, as the gateway streams it: rows per second and megabytes.
// Writes .run/bench/reporting-<stamp>.json and prints a table for docs/benchmarks.md.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = fileURLToPath(new URL("../../", import.meta.url));
const require = createRequire(`${root}package.json`);
const platform = require("@relata/platform");
const { csvRows } = require("@relata/platform/http");
const { AccountChanged, OpportunityChanged, OpportunityStageChanged } = require("@relata/proto/events/v1/sales");
const { reportingServices } = require("@relata/reporting/client");
const { clientsAt, dropDatabase, freePort, spawnProcess, startWorkloadProcess, localStack } = require("@relata/testing");

const OPPORTUNITIES = Number(process.env.BENCH_OPPORTUNITIES ?? 1_000_000);
const CALLS = Number(process.env.BENCH_CALLS ?? 30);
const TENANT = process.env.BENCH_TENANT ?? "bench-reporting";
const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
const say = (m) => process.stderr.write(`[reporting-bench] ${m}\n`);

const TERRITORIES = ["North", "South", "East", "West", "Central", "Benelux", "DACH", "Nordics"];
const STAGES = [["prospecting", 10], ["qualification", 20], ["proposal", 50], ["negotiation", 70], ["commit", 90]];
const pad = (n) => String(n).padStart(7, "0");
const THREE_YEARS_MS = 3 * 365 * 24 * 3600 * 1000;
const epoch = Date.parse("2024-01-01T00:00:00Z");
const at = (n, spread) => new Date(epoch + ((n * 7919) % spread) * (THREE_YEARS_MS / spread)).toISOString();

function meta(subject, entityId, occurredAt) {
  return { id: platform.stableEventId("reporting-bench", TENANT, subject, entityId), type: subject, tenantId: TENANT, entityId, actorId: "reporting-bench", requestId: "", occurredAt };
}

/** The bench's events: accounts first, then each opportunity's latest snapshot. */
function* events() {
  const accounts = Math.max(1, Math.floor(OPPORTUNITIES / 100));
  for (let a = 0; a < accounts; a++) {
    const id = `bench-account-${pad(a)}`;
    const subject = "sales.account.created";
    const createdAt = at(a, accounts);
    const account = { id, tenantId: TENANT, name: `Bench Account ${a}`, parentAccountId: "", industry: "", territory: TERRITORIES[(a * 3) % TERRITORIES.length], ownerId: `rep-${a % 50}`, website: "", version: "1", createdAt, updatedAt: createdAt };
    const m = meta(subject, id, createdAt);
    yield { subject, id: m.id, data: AccountChanged.encode({ meta: m, account }).finish() };
  }
  for (let n = 0; n < OPPORTUNITIES; n++) {
    const id = `bench-opportunity-${pad(n)}`;
    const createdAt = at(n, OPPORTUNITIES);
    const kind = n % 20 < 12 ? "open" : n % 20 < 17 ? "won" : "lost";
    const [stageId, probability] = kind === "open" ? STAGES[n % STAGES.length] : kind === "won" ? ["closed_won", 100] : ["closed_lost", 0];
    const closedAt = new Date(Date.parse(createdAt) + ((n % 90) + 1) * 86_400_000).toISOString();
    const expectedCloseDate = closedAt.slice(0, 10);
    const opportunity = {
      id, tenantId: TENANT, accountId: `bench-account-${pad(n % accounts)}`, contactId: "", name: `Deal ${n}`, stageId, probability,
      amount: { amount: `${1000 + ((n * 37) % 99_000)}.${String(n % 100).padStart(2, "0")}`, currency: n % 10 === 9 ? "USD" : "EUR" },
      expectedCloseDate, status: kind === "open" ? "OPPORTUNITY_STATUS_OPEN" : kind === "won" ? "OPPORTUNITY_STATUS_WON" : "OPPORTUNITY_STATUS_LOST",
      closeReason: "", ownerId: `rep-${n % 50}`, leadId: "", version: kind === "open" ? "1" : "2", createdAt, updatedAt: createdAt,
      stageHistory: kind === "open" ? [] : [{ fromStageId: "negotiation", toStageId: stageId, changedBy: "reporting-bench", changedAt: closedAt }],
    };
    if (kind === "open") {
      const subject = "sales.opportunity.created";
      const m = meta(subject, id, createdAt);
      yield { subject, id: m.id, data: OpportunityChanged.encode({ meta: m, opportunity }).finish() };
    } else {
      const subject = `sales.opportunity.${kind}`;
      const m = meta(subject, id, closedAt);
      yield { subject, id: m.id, data: OpportunityStageChanged.encode({ meta: m, opportunity, fromStageId: "negotiation", toStageId: stageId }).finish() };
    }
  }
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const call = { identity: { tenantId: TENANT, subject: "reporting-bench", roles: ["analyst"], requestId: "reporting-bench" } };
const admin = { identity: { tenantId: TENANT, subject: "reporting-bench", roles: ["platform-admin"], requestId: "reporting-bench" } };

const dir = mkdtempSync(join(tmpdir(), "relata-reporting-bench-"));
const natsPort = await freePort();
const natsUrl = `nats://127.0.0.1:${natsPort}`;
const nats = await spawnProcess({
  name: "nats",
  command: "nats-server",
  args: ["-js", "-a", "127.0.0.1", "-p", String(natsPort), "-sd", join(dir, "nats")],
  ready: async (child) => child.logs().includes("Server is ready"),
});
const bus = await platform.EventBus.connect(natsUrl, "reporting-bench", platform.createLogger("reporting-bench", "warn"));
let reporting;
let clients;
try {
  await bus.ensureStream({ name: "SALES", subjects: ["sales.>"] });
  const t0 = Date.now();
  let published = 0;
  let batch = [];
  for (const e of events()) {
    batch.push(bus.publish(e.subject, e.data, { msgId: e.id }));
    published++;
    if (batch.length === 2000) {
      await Promise.all(batch);
      batch = [];
    }
  }
  await Promise.all(batch);
  const publishSeconds = (Date.now() - t0) / 1000;
  say(`published ${published} events in ${publishSeconds.toFixed(1)} s (${Math.round(published / publishSeconds)}/s)`);

  // 2. Replay into an empty store, from the process start to every event applied.
  const applied = async () => Number((await clients.store.getStoreStatus({}, call)).events.reduce((n, e) => n + Number(e.events), 0));
  const replayStart = Date.now();
  reporting = await startWorkloadProcess("reporting", {
    port: await freePort(),
    database: `relata_reporting_bench_${stamp.toLowerCase()}`,
    infra: { natsUrl, mongoBaseUri: localStack.ferretdbUri },
    env: { REPORTING_DB_PATH: join(dir, "store", "facts.duckdb"), SHUTDOWN_GRACE_MS: "3000" },
  });
  clients = clientsAt(reportingServices, reporting.address, 15 * 60_000);
  while ((await applied()) < published) await new Promise((r) => setTimeout(r, 250));
  const replaySeconds = (Date.now() - replayStart) / 1000;
  const replayRate = Math.round(published / replaySeconds);
  say(`replayed ${published} events into an empty store in ${replaySeconds.toFixed(1)} s (process start included): ${replayRate} events/s`);

  const rebuildStart = Date.now();
  await clients.store.rebuildStore({}, admin);
  let status;
  do {
    await new Promise((r) => setTimeout(r, 250));
    status = await clients.store.getStoreStatus({}, call);
  } while (status.rebuilding || !status.lastRebuild);
  const rebuildSeconds = (Date.parse(status.lastRebuild.finishedAt) - Date.parse(status.lastRebuild.startedAt)) / 1000;
  const rebuildRate = Math.round(Number(status.lastRebuild.events) / rebuildSeconds);
  say(`rebuild beside the live store: ${status.lastRebuild.events} events in ${rebuildSeconds.toFixed(1)} s (${rebuildRate} events/s); wall ${((Date.now() - rebuildStart) / 1000).toFixed(1)} s`);

  // 3. Dashboards over the million.
  const QUERIES = {
    "sales dashboard (pipeline by stage, owner, territory; won, lost, cycle)": () => clients.sales.getSalesDashboard({ from: "2024-01-01", to: "2026-12-31", ownerId: "", territory: "", currency: "EUR", timeZone: "Europe/Warsaw" }, call),
    "forecast by owner (2025-Q2)": () => clients.sales.getForecast({ period: "2025-Q2", groupBy: "owner", currency: "EUR", timeZone: "Europe/Warsaw", ownerId: "", territory: "" }, call),
    "customer value (RFM, Pareto) over 10,000 accounts": () => clients.customerValue.getCustomerValue({ currency: "EUR", territory: "", ownerId: "", rfmClass: "", limit: 100, timeZone: "Europe/Warsaw" }, call),
    "ad-hoc: sum of amounts by owner by month": () =>
      clients.query.runQuery({ query: { fact: "opportunities", measures: [{ function: "sum", field: "amount" }], dimensions: ["ownerId"], bucket: { field: "createdAt", unit: "month" }, filters: [{ field: "currency", operator: "equals", values: ["EUR"] }], timeZone: "Europe/Warsaw", limit: 10_000 } }, call),
  };
  const results = [];
  for (const [name, run] of Object.entries(QUERIES)) {
    for (let i = 0; i < 3; i++) await run();
    const times = [];
    for (let i = 0; i < CALLS; i++) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const row = { query: name, p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1] };
    results.push(row);
    say(`${name}: p50 ${row.p50.toFixed(1)} ms, p95 ${row.p95.toFixed(1)} ms, max ${row.max.toFixed(1)} ms`);
  }
  const heaviest = [...results].sort((a, b) => b.p50 - a.p50)[0];

  // 4. An export of a row per opportunity, streamed as CSV.
  const exportStart = performance.now();
  let rows = 0;
  let bytes = 0;
  let columns = [];
  async function* chunks() {
    for await (const chunk of clients.query.exportQuery({ query: { fact: "opportunities", measures: [{ function: "sum", field: "amount" }], dimensions: ["opportunityId", "ownerId", "stageId"], filters: [], timeZone: "UTC", limit: 0 } }, call)) {
      if (chunk.columns.length) columns = chunk.columns.map((c) => c.name);
      rows += chunk.rows.length;
      yield chunk.rows.map((r) => r.cells);
    }
  }
  const lines = chunks();
  const first = await lines.next();
  async function* rest() {
    if (!first.done) yield first.value;
    yield* lines;
  }
  for await (const text of csvRows(columns, rest())) bytes += Buffer.byteLength(text);
  const exportSeconds = (performance.now() - exportStart) / 1000;
  const exported = { rows, megabytes: bytes / 1e6, seconds: exportSeconds, rowsPerSecond: Math.round(rows / exportSeconds) };
  say(`CSV export: ${rows} rows, ${exported.megabytes.toFixed(1)} MB in ${exportSeconds.toFixed(1)} s (${exported.rowsPerSecond} rows/s)`);

  const out = { stamp, opportunities: OPPORTUNITIES, events: published, publishSeconds, replaySeconds, replayRate, rebuild: { events: Number(status.lastRebuild.events), seconds: rebuildSeconds, rate: rebuildRate }, calls: CALLS, results, heaviest: heaviest.query, export: exported };
  mkdirSync(`${root}.run/bench`, { recursive: true });
  writeFileSync(`${root}.run/bench/reporting-${stamp}.json`, JSON.stringify(out, null, 2));
  process.stdout.write(
    [
      `replay: ${published} events in ${replaySeconds.toFixed(1)} s (${replayRate} events/s); rebuild beside the live store ${rebuildRate} events/s`,
      "",
      "| query | p50 (ms) | p95 (ms) |",
      "|---|---:|---:|",
      ...results.map((r) => `| ${r.query} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} |`),
      "",
      `heaviest: ${heaviest.query} (p50 ${heaviest.p50.toFixed(1)} ms)`,
      `CSV export: ${rows} rows, ${exported.megabytes.toFixed(1)} MB, ${exportSeconds.toFixed(1)} s (${exported.rowsPerSecond} rows/s)`,
    ].join("\n") + "\n",
  );
} finally {
  clients?.close();
  await reporting?.stop().catch(() => undefined);
  if (reporting?.database) await dropDatabase(reporting.database).catch(() => undefined);
  await bus.close();
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
}
