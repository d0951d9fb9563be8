#!/usr/bin/env node
// Turns the k6 summary that bench.js writes into the benchmark table: for each layer and
// operation the requests per second, p50/p95/p99 latency and errors, then the ratios between
// the layers (gateway/grpc and grpc/ferretdb) for throughput and p95, and the time each layer
// adds at the median. Prints the table and writes it as Markdown and JSON.
//
//   node e2e/load/report.mjs SUMMARY.json... [--relay RELAY.jsonl] [--md OUT.md] [--json OUT.json]
//
// Several summaries (bench.sh makes one per k6 run) are read as one.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";

const args = process.argv.slice(2);
const options = {};
const inputs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i].startsWith("--")) options[args[i]] = args[++i];
  else inputs.push(args[i]);
}
if (inputs.length === 0) {
  console.error("usage: report.mjs SUMMARY.json... [--relay RELAY.jsonl] [--md OUT.md] [--json OUT.json]");
  process.exit(2);
}
const opt = (name) => options[name];

const parts = inputs.map((f) => JSON.parse(readFileSync(f, "utf8")));
const summary = {
  ...parts[0],
  plan: parts.flatMap((p) => p.plan),
  metrics: Object.assign({}, ...parts.map((p) => p.metrics)),
  setup: Object.assign({}, ...parts.map((p) => p.setup ?? {}).reverse()),
};
const relay = opt("--relay") && existsSync(opt("--relay"))
  ? readFileSync(opt("--relay"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l))
  : [];
const LAYERS = ["gateway", "grpc", "ferretdb"];
const OPS = ["create", "get", "list"];

const rows = [];
for (const op of OPS) {
  for (const layer of LAYERS) {
    const name = `${layer}_${op}`;
    if (!summary.plan.some((p) => p.name === name)) continue;
    const trend = summary.metrics[`${summary.metricOf[layer]}{scenario:${name}}`]?.values ?? {};
    const errors = summary.metrics[`bench_errors{scenario:${name}}`]?.values?.count ?? 0;
    const count = trend.count ?? 0;
    rows.push({
      layer,
      op,
      requests: count,
      rps: count / summary.durationSeconds,
      p50: trend.med ?? NaN,
      p95: trend["p(95)"] ?? NaN,
      p99: trend["p(99)"] ?? NaN,
      errors,
    });
  }
}
const row = (layer, op) => rows.find((r) => r.layer === layer && r.op === op);

const ratios = [];
for (const op of OPS) {
  for (const [upper, lower] of [
    ["gateway", "grpc"],
    ["grpc", "ferretdb"],
  ]) {
    const a = row(upper, op);
    const b = row(lower, op);
    if (!a || !b) continue;
    ratios.push({
      op,
      pair: `${upper}/${lower}`,
      throughput: a.rps / b.rps,
      p95: a.p95 / b.p95,
      addedP50: a.p50 - b.p50,
    });
  }
}

// Where the CPU went in each scenario: cpu-sample.sh's samples cut at the scenario's start
// (logged by bench.js) and end, per request.
const cpuRows = [];
if (opt("--cpu") && opt("--marks") && existsSync(opt("--cpu")) && existsSync(opt("--marks"))) {
  const lines = readFileSync(opt("--cpu"), "utf8").split("\n");
  const hz = Number(/ticks per second: (\d+)/.exec(lines[0] ?? "")?.[1] ?? 100);
  const samples = {}; // component -> [[ms, ticks]]
  for (const line of lines) {
    const [ms, component, ticks] = line.split("\t");
    if (!component || line.startsWith("#")) continue;
    (samples[component] ??= []).push([Number(ms), Number(ticks)]);
  }
  const starts = {};
  for (const m of readFileSync(opt("--marks"), "utf8").matchAll(/\[scenario\] (\w+) started (\d+)/g)) starts[m[1]] = Number(m[2]);
  const cores = cpus().length;
  for (const r of rows) {
    const start = starts[`${r.layer}_${r.op}`];
    if (!start) continue;
    const end = start + summary.durationSeconds * 1000;
    const machine = samples.machine ?? [];
    const a = machine.find(([t]) => t >= start);
    const b = [...machine].reverse().find(([t]) => t <= end);
    if (!a || !b || b[0] - a[0] < 2000) continue;
    const requests = r.requests * ((b[0] - a[0]) / (end - start));
    const at = (component, t) => (samples[component] ?? []).find(([x]) => x === t)?.[1];
    const perRequest = {};
    let known = 0;
    for (const component of ["ferretdb", "sales", "gateway", "keycloak", "nats", "k6"]) {
      const t0 = at(component, a[0]);
      const t1 = at(component, b[0]);
      const ms = t0 === undefined || t1 === undefined ? 0 : ((t1 - t0) / hz) * 1000;
      known += ms;
      perRequest[component] = ms / requests;
    }
    const machineMs = ((b[1] - a[1]) / hz) * 1000;
    perRequest.other = Math.max(0, machineMs - known) / requests;
    cpuRows.push({ layer: r.layer, op: r.op, perRequest, busy: machineMs / ((b[0] - a[0]) * cores) });
  }
}

const f = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "–");
const ms = (x) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : "–");

function table(head, body) {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
  const line = (cells) => "| " + cells.map((c, i) => String(c).padEnd(widths[i])).join(" | ") + " |";
  return [line(head), "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|", ...body.map(line)].join("\n");
}

const main = table(
  ["layer", "operation", "req/s", "p50 ms", "p95 ms", "p99 ms", "requests", "errors"],
  rows.map((r) => [r.layer, r.op, f(r.rps), ms(r.p50), ms(r.p95), ms(r.p99), r.requests, r.errors]),
);
const between = table(
  ["operation", "layers", "throughput ratio", "p95 ratio", "added at p50 (ms)"],
  ratios.map((r) => [r.op, r.pair, `${f(r.throughput, 2)}x`, `${f(r.p95, 2)}x`, ms(r.addedP50)]),
);

const cpuTable = cpuRows.length
  ? table(
      ["layer", "operation", "ferretdb", "sales", "gateway", "keycloak", "nats", "k6", "other", "cores busy"],
      cpuRows.map((c) => [
        c.layer,
        c.op,
        ...["ferretdb", "sales", "gateway", "keycloak", "nats", "k6", "other"].map((k) => ms(c.perRequest[k])),
        `${Math.round(c.busy * 100)}%`,
      ]),
    )
  : "";

const facts = summary.setup ?? {};
const context = [
  `run ${summary.run}, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? "unknown"})`,
  `${summary.vus} virtual users per scenario, ${summary.durationSeconds} s each, scenarios one after another`,
  facts.serviceLeads !== undefined
    ? `leads collection before the reads: ${facts.serviceLeads} in the service's database, ${facts.benchLeads} in the bench database`
    : undefined,
  facts.relayWaitSeconds !== undefined
    ? `the outbox relay took ${f(facts.relayWaitSeconds)} s to publish the events of the ${facts.preloadedThroughGrpc} leads preloaded for the reads`
    : undefined,
  ...relay
    .filter((r) => r.relay.pendingAtStart > 0)
    .map(
      (r) =>
        `${r.after}: ${r.relay.pendingAtStart} lead events still unpublished; the relay took ${f(r.relay.seconds)} s to publish them` +
        (r.relay.drained ? ` (about ${f(r.relay.pendingAtStart / Math.max(r.relay.seconds, 0.1))} per second)` : `, ${r.relay.pendingLeft} left when the wait gave up`),
    ),
].filter(Boolean);

const errors = rows.reduce((n, r) => n + r.errors, 0);
const text = [
  ...context,
  "",
  main,
  "",
  "Between the layers (upper/lower): throughput ratio below 1 means the upper layer serves fewer requests per second; p95 ratio above 1 means it is slower.",
  "",
  between,
  ...(cpuTable
    ? [
        "",
        `CPU milliseconds per request, by process ("other": everything else on the machine; "cores busy": all ${cpus().length} cores together):`,
        "",
        cpuTable,
      ]
    : []),
  errors ? `\nWARNING: ${errors} calls failed; see the k6 output above. Numbers of a layer with errors are not comparable.` : "",
].join("\n");

console.log(text);
if (opt("--md")) writeFileSync(opt("--md"), text + "\n");
if (opt("--json")) writeFileSync(opt("--json"), JSON.stringify({ context, facts, relay, rows, ratios, cpu: cpuRows }, null, 2) + "\n");
