// The knobs, the scenario plan, the lead-shaped test data and the summary file, shared by
// bench.js and the three layers in layers/.
//
// Every (layer, operation) pair is one k6 scenario of BENCH_VUS virtual users in a closed loop
// for BENCH_DURATION. Scenarios run one after another, never at the same time, in this order:
// every layer's get, every layer's list, then every layer's create. Reads go first so that all
// three layers read collections of the same size (FerretDB's SQLite backend scans, so a read
// costs in proportion to the collection), and the creates, which grow the collections, last.
import { Counter } from "k6/metrics";

export const LAYERS = ["gateway", "grpc", "ferretdb"];
export const OPS = ["get", "list", "create"];
/** The trend that times one call at each layer. */
export const METRICS = { gateway: "http_req_duration", grpc: "grpc_req_duration", ferretdb: "ferretdb_req_duration" };

export const DURATION = __ENV.BENCH_DURATION || "15s";
export const VUS = parseInt(__ENV.BENCH_VUS || "4", 10);
/** Leads made in setup() for get and list to read. */
export const PRELOAD = parseInt(__ENV.BENCH_PRELOAD || "100", 10);
/** Distinct companies the leads are spread over; list filters on one of them. */
export const COMPANIES = parseInt(__ENV.BENCH_COMPANIES || "5", 10);
/** The page size asked for, as in GET /v1/leads?limit=20. */
export const PAGE = 20;
/**
 * Tells this run's leads apart from earlier runs' and from the demo data (bench.sh passes one
 * per `make bench`; every VU must see the same, so it cannot be made up here).
 */
export const RUN = __ENV.BENCH_RUN || "local";
export const TENANT = __ENV.BENCH_TENANT || "acme";
const GAP_SECONDS = 3;

function selected(name, all) {
  const list = (__ENV[name] || all.join(",")).split(",").map((s) => s.trim()).filter(Boolean);
  for (const x of list) if (!all.includes(x)) throw new Error(`${name}: unknown '${x}' (one of ${all.join(", ")})`);
  return list;
}
/** BENCH_LAYERS=grpc,ferretdb or BENCH_OPS=get narrow a run down. */
export const SELECTED_LAYERS = selected("BENCH_LAYERS", LAYERS);
export const SELECTED_OPS = selected("BENCH_OPS", OPS);

/** Calls that did not return what they should: failed checks, bad statuses, exceptions. */
export const benchErrors = new Counter("bench_errors");

export function seconds(duration) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(duration);
  if (!m) throw new Error(`BENCH_DURATION must look like 15s, 500ms or 1m, not ${duration}`);
  const n = parseFloat(m[1]);
  return m[2] === "ms" ? n / 1000 : m[2] === "m" ? n * 60 : n;
}

/** The scenarios in the order they run: [{ name, layer, op }]. */
export function plan() {
  const out = [];
  for (const op of OPS) {
    if (!SELECTED_OPS.includes(op)) continue;
    for (const layer of LAYERS) if (SELECTED_LAYERS.includes(layer)) out.push({ name: `${layer}_${op}`, layer, op });
  }
  return out;
}

/**
 * k6 options for the plan. The always-true thresholds are there only so that k6 keeps one
 * sub-metric per scenario in its summary.
 */
export function benchOptions() {
  const secs = seconds(DURATION);
  const scenarios = {};
  const thresholds = {};
  plan().forEach(({ name, layer }, i) => {
    scenarios[name] = {
      executor: "constant-vus",
      exec: name,
      vus: VUS,
      duration: DURATION,
      startTime: `${i * (secs + GAP_SECONDS)}s`,
      gracefulStop: "2s",
    };
    thresholds[`${METRICS[layer]}{scenario:${name}}`] = ["max>=0"];
    thresholds[`bench_errors{scenario:${name}}`] = ["count>=0"];
  });
  return {
    scenarios,
    thresholds,
    summaryTrendStats: ["avg", "min", "med", "p(90)", "p(95)", "p(99)", "max", "count"],
    setupTimeout: "300s",
    teardownTimeout: "120s",
  };
}

export function company(n) {
  return `Bench ${RUN} Co ${n % COMPANIES}`;
}

export function companies() {
  const out = [];
  for (let i = 0; i < COMPANIES; i++) out.push(company(i));
  return out;
}

/** The fields of a new lead, the same at every layer; n picks the company. */
export function newLead(n) {
  return {
    firstName: "Bench",
    lastName: `Lead ${n}`,
    email: `bench-${crypto.randomUUID()}@load.example.com`,
    company: company(n),
  };
}

export function pick(list) {
  return list[Math.floor(Math.random() * list.length)];
}

let warned = 0;
export function fail(message) {
  benchErrors.add(1);
  // The first few say what went wrong; a broken layer would otherwise flood the log.
  if (warned < 3 || __ENV.BENCH_VERBOSE) console.warn(message);
  warned++;
}

/** handleSummary body: the whole k6 summary as JSON for report.mjs, one line on stdout. */
export function writeSummary(data) {
  const out = __ENV.BENCH_OUT || "bench-summary.json";
  const body = {
    run: RUN,
    tenant: TENANT,
    vus: VUS,
    durationSeconds: seconds(DURATION),
    preload: PRELOAD,
    plan: plan(),
    metricOf: METRICS,
    setup: data.setup_data ? data.setup_data.facts : undefined,
    state: data.state,
    metrics: data.metrics,
  };
  return {
    [out]: JSON.stringify(body, null, 1),
    stdout: `[bench] k6 summary written to ${out}\n`,
  };
}
