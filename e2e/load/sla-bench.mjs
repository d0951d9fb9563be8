#!/usr/bin/env node
// `make bench`'s SLA part: how late after their due instant JetStream message schedules land on
// the stream and reach a durable consumer, with many timers pending at once.
//
//   node e2e/load/sla-bench.mjs
//
// 1. kit timers: BENCH_SLA_TIMERS (10000) schedules published through the kit's schedule API
//    (publishSchedule, as the SLA clock publishes its warning and breach), each an event due at
//    its own instant, spread evenly over BENCH_SLA_SPREAD seconds (30) starting
//    BENCH_SLA_LEAD seconds (20) after the first is published, into a stream of the bench's own
//    (allow_msg_schedules, removed at the end). A durable pull consumer reads the targets.
// 2. at the same time, real cases (when BENCH_SLA_CASES > 0, default 100, and the Service is up): cases opened
//    through the Service's gRPC API under a 24/7 calendar and a policy with a one-minute
//    first-response target (warning at 50 %), so that the Service's own SLA clock schedules
//    their alerts; the alerts are read from the SERVICE stream.
//
// For every alert it records lateness = (instant it was stored on the stream) - (due instant),
// and (instant the consumer received it) - (due instant); prints p50/p99/max, counts
// early, missing and duplicate alerts, and writes .run/bench/sla-<stamp>.json.
// NATS_PORT, SERVICE_GRPC_PORT come from deploy/env.sh.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { mkdirSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";

const root = fileURLToPath(new URL("../../", import.meta.url));
const require = createRequire(`${root}package.json`);
const platform = require("@relata/platform");

const TIMERS = Number(process.env.BENCH_SLA_TIMERS ?? 10_000);
const SPREAD_S = Number(process.env.BENCH_SLA_SPREAD ?? 30);
const LEAD_S = Number(process.env.BENCH_SLA_LEAD ?? 20);
const CASES = Number(process.env.BENCH_SLA_CASES ?? 100);
const natsUrl = process.env.NATS_URL ?? `nats://127.0.0.1:${process.env.NATS_PORT ?? 4222}`;
const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
const run = randomUUID().slice(0, 8);
const say = (m) => process.stderr.write(`[sla-bench] ${m}\n`);

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN, min: sorted[0] ?? NaN };
}
const fmt = (ms) => (Number.isFinite(ms) ? ms.toFixed(1) : "-");

async function kitTimers(bus) {
  const stream = `SLABENCH_${run.toUpperCase()}`;
  const prefix = `slabench${run}`;
  await bus.ensureStream({ name: stream, subjects: [`${prefix}.>`], allowMsgSchedules: true, duplicateWindowMs: 600_000 });
  const due = new Map();
  const stored = new Map();
  const received = new Map();
  let duplicates = 0;
  const consumer = await bus.consume({
    stream,
    durable: `slabench-${run}`,
    filterSubjects: [`${prefix}.fired`],
    decode: (data) => new TextDecoder().decode(data),
    ackWaitMs: 60_000,
    handle: async (r) => {
      const now = Date.now();
      const id = r.headers["Relata-Event-Id"];
      if (received.has(id)) duplicates++;
      else received.set(id, now);
    },
  });
  // The stream's own timestamps, read back in one pass at the end (a second consumer of the raw client).
  const start = Date.now() + LEAD_S * 1000;
  const t0 = Date.now();
  const BATCH = 500;
  for (let i = 0; i < TIMERS; i += BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(BATCH, TIMERS - i) }, (_, k) => {
        const n = i + k;
        const at = new Date(start + Math.floor((n * SPREAD_S * 1000) / TIMERS));
        const id = `timer-${run}-${n}`;
        due.set(id, at.getTime());
        const event = platform.pendingEvent(`${prefix}.fired`, new TextEncoder().encode(JSON.stringify({ n })), { id });
        return platform.publishSchedule(bus, platform.eventSchedule(`${prefix}.timer.${n}`, at, event, `schedule-${id}`));
      }),
    );
  }
  const publishSeconds = (Date.now() - t0) / 1000;
  say(`published ${TIMERS} schedules in ${publishSeconds.toFixed(1)} s; the first is due in ${((start - Date.now()) / 1000).toFixed(1)} s`);
  const deadline = start + SPREAD_S * 1000 + 60_000;
  while (received.size < TIMERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  await consumer.stop();
  // Stored instants: an ordered read of the target subject.
  const reader = await bus.js.consumers.get(stream, { filter_subjects: [`${prefix}.fired`] });
  const messages = await reader.fetch({ max_messages: TIMERS, expires: 30_000 });
  let read = 0;
  for await (const m of messages) {
    stored.set(m.headers?.get("Relata-Event-Id") ?? "", Math.floor(m.info.timestampNanos / 1e6));
    if (++read >= received.size) break;
  }
  await bus.jsm.streams.delete(stream).catch(() => undefined);
  return { due, stored, received, duplicates, publishSeconds };
}

function report(name, { due, stored, received, duplicates }) {
  const storedLate = [];
  const receivedLate = [];
  let early = 0;
  for (const [id, at] of due) {
    const s = stored.get(id);
    const r = received.get(id);
    if (s !== undefined) {
      storedLate.push(s - at);
      if (s < at) early++;
    }
    if (r !== undefined) receivedLate.push(r - at);
  }
  const missing = [...due.keys()].filter((id) => !received.has(id)).length;
  return { name, timers: due.size, missing, duplicates, early, stored: summary(storedLate), received: summary(receivedLate) };
}

const bus = await platform.EventBus.connect(natsUrl, "sla-bench", platform.createLogger("sla-bench", "warn"));
const results = [];
try {
  say(`${TIMERS} kit timers over ${SPREAD_S} s${CASES > 0 ? `, and ${CASES} real cases at the same time` : ""}`);
  // Both at once: the cases' alerts fall due while the kit timers are pending and firing.
  const [kit, cases] = await Promise.all([
    kitTimers(bus),
    CASES > 0
      ? import("./sla-bench-cases.mjs").then((m) => m.realCases(bus, { cases: CASES, run, say })).catch((err) => {
          say(`real cases skipped: ${err.message}`);
          return undefined;
        })
      : undefined,
  ]);
  results.push({ ...report(`kit schedules (${TIMERS})`, kit), publishSeconds: kit.publishSeconds });
  if (cases) results.push({ ...report(`real cases (${CASES}, a warning and a breach each)`, cases), mismatched: cases.mismatched });
} finally {
  await bus.close();
}

const lines = [
  "| timers | alerts | missing | duplicates | early | wrong instant | stored p50 ms | stored p99 ms | stored max ms | received p50 ms | received p99 ms | received max ms |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|",
  ...results.map(
    (r) =>
      `| ${r.name} | ${r.stored.n} | ${r.missing} | ${r.duplicates} | ${r.early} | ${r.mismatched ?? "-"} | ${fmt(r.stored.p50)} | ${fmt(r.stored.p99)} | ${fmt(r.stored.max)} | ${fmt(r.received.p50)} | ${fmt(r.received.p99)} | ${fmt(r.received.max)} |`,
  ),
];
console.log(lines.join("\n"));
const out = `${root}.run/bench`;
mkdirSync(out, { recursive: true });
writeFileSync(`${out}/sla-${stamp}.json`, JSON.stringify({ stamp, results }, null, 2));
writeFileSync(`${out}/sla-${stamp}.md`, lines.join("\n") + "\n");
say(`results: .run/bench/sla-${stamp}.json`);
