// The search benchmark: GET /v1/articles/search through the gateway, with a support agent's
// token, over the published articles knowledge-articles.mjs made (10,000 by default), one word
// of the articles' vocabulary per query in its language, one query in five with a typo
// (fuzziness at work). bench.sh runs it after the preload; it writes its own summary.
//
//   k6 run e2e/load/knowledge-search.js
import { check } from "k6";
import http from "k6/http";
import { Counter } from "k6/metrics";
import { token } from "./layers/gateway.js";
import { LANGUAGES, VOCABULARY } from "./knowledge-vocabulary.mjs";

const BASE = __ENV.BENCH_GATEWAY_URL || `http://localhost:${__ENV.GATEWAY_PORT || "8080"}`;
const DURATION = __ENV.BENCH_DURATION || "15s";
const VUS = parseInt(__ENV.BENCH_VUS || "4", 10);
const errors = new Counter("bench_errors");

export const options = {
  scenarios: { gateway_search: { executor: "constant-vus", exec: "search", vus: VUS, duration: DURATION, gracefulStop: "2s" } },
  thresholds: { "http_req_duration{scenario:gateway_search}": ["max>=0"], "bench_errors{scenario:gateway_search}": ["count>=0"] },
  summaryTrendStats: ["avg", "min", "med", "p(90)", "p(95)", "p(99)", "max", "count"],
  setupTimeout: "60s",
};

export function setup() {
  return { token: token() };
}

const pick = (list) => list[Math.floor(Math.random() * list.length)];
/** Drops one letter of a long enough word: what fuzziness AUTO forgives. */
const typo = (w) => (w.length > 5 ? w.slice(0, 3) + w.slice(4) : w);

export function search(data) {
  const language = pick(LANGUAGES);
  const word = pick(VOCABULARY[language]);
  const q = Math.random() < 0.2 ? typo(word) : word;
  const res = http.get(`${BASE}/v1/articles/search?q=${encodeURIComponent(q)}&language=${language}&limit=10`, {
    headers: { Authorization: `Bearer ${data.token}`, "X-Request-Id": crypto.randomUUID() },
    tags: { name: "GET /v1/articles/search" },
  });
  const ok = check(res, { "gateway GET /v1/articles/search 200": (r) => r.status === 200 && Array.isArray(r.json("data")) });
  if (!ok) {
    errors.add(1);
    if (__ENV.BENCH_VERBOSE) console.warn(`search ${q}: ${res.status} ${res.body}`);
  }
}

export function handleSummary(data) {
  const trend = data.metrics["http_req_duration{scenario:gateway_search}"] || data.metrics.http_req_duration;
  const v = trend.values;
  const reqs = v.count;
  const errs = (data.metrics["bench_errors{scenario:gateway_search}"] || { values: { count: 0 } }).values.count;
  const secs = parseFloat(DURATION) || 15;
  const ms = (x) => x.toFixed(1);
  const md = [
    `Search through the gateway (GET /v1/articles/search, ${__ENV.BENCH_KB_ARTICLES || "10000"} published articles, ${VUS} VUs, ${DURATION}):`,
    "",
    "| requests/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
    "|---|---|---|---|---|---|",
    `| ${(reqs / secs).toFixed(1)} | ${ms(v.med)} | ${ms(v["p(95)"])} | ${ms(v["p(99)"])} | ${ms(v.max)} | ${errs} |`,
    "",
  ].join("\n");
  const out = {};
  out[__ENV.BENCH_OUT || "knowledge-search-summary.json"] = JSON.stringify({ p50: v.med, p95: v["p(95)"], p99: v["p(99)"], max: v.max, requests: reqs, errors: errs }, null, 1);
  if (__ENV.BENCH_OUT_MD) out[__ENV.BENCH_OUT_MD] = md;
  out.stdout = md + "\n";
  return out;
}
