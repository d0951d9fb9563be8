#!/usr/bin/env node
// Export jobs on the running local stack: every contact of a tenant (the import bench loads
// 1,000,000 of them) exported to CSV, the job followed to its end, the file downloaded.
//
//   node e2e/load/export-bench.mjs
//
// 1. A token of BENCH_USER (default acme-tenant-admin, a bulk exporter) from the stack's Keycloak;
//    the tenant is the token's.
// 2. BENCH_SEED (default 0) contacts written first through Sales' bulk RPC (ids fixed by their
//    number, so a second run adds none), for a run without the import bench's million.
// 3. POST /v1/exports {object: contacts, filters: BENCH_FILTERS (JSON, default {})} through the
//    gateway, then GET /v1/exports/{id} every second until it ends, sampling the resident memory
//    of the integrations process (the stack's pid file; its process group) every 250 ms.
// 4. GET /v1/exports/{id}/file, read as it streams (counted, never held).
// Prints rows/s (rows over the job's startedAt → completedAt), the file's size, the download's
// rate and the integrations process's peak RSS; writes .run/bench/export-<stamp>.json.
// GATEWAY_PORT, SALES_GRPC_PORT and RELATA_STATE come from deploy/env.sh.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";

const root = fileURLToPath(new URL("../../", import.meta.url));
const require = createRequire(`${root}package.json`);
const { salesServices } = require("@relata/sales/client");
const { clientsAt, userToken, tokenClaims } = require("@relata/testing");

const USER = process.env.BENCH_USER ?? "acme-tenant-admin";
const SEED = Number(process.env.BENCH_SEED ?? 0);
const FILTERS = JSON.parse(process.env.BENCH_FILTERS ?? "{}");
const gateway = `http://127.0.0.1:${process.env.GATEWAY_PORT ?? 8080}`;
const salesAddress = `127.0.0.1:${process.env.SALES_GRPC_PORT ?? 50051}`;
const state = process.env.RELATA_STATE ?? `${root}.run`;
const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
const say = (m) => process.stderr.write(`[export-bench] ${m}\n`);
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** The integrations process: the node process of the group the stack's pid file names. */
function integrationsPid() {
  const group = readFileSync(`${state}/pids/integrations.pid`, "utf8").replace(/\D/g, "");
  const ps = execFileSync("ps", ["-eo", "pid=,pgid=,args="], { encoding: "utf8" });
  for (const line of ps.split("\n")) {
    const [pid, pgid, ...args] = line.trim().split(/\s+/);
    if (pgid === group && args.join(" ").includes("integrations") && args[0]?.endsWith("node")) return Number(pid);
  }
  return Number(group);
}

const rssOf = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, "m"))?.[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
};

async function api(method, path, body) {
  const token = await userToken(USER);
  const res = await fetch(`${gateway}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json", "idempotency-key": randomUUID() } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

async function seed(tenantId) {
  const sales = clientsAt(salesServices, salesAddress, 120_000);
  const call = { identity: { tenantId, subject: USER, roles: ["tenant-admin"], requestId: randomUUID() } };
  const started = Date.now();
  const BATCH = 2000;
  try {
    for (let from = 0; from < SEED; from += BATCH) {
      const rows = [];
      for (let n = from; n < Math.min(SEED, from + BATCH); n++) {
        const record = { accountId: "", firstName: `First${n}`, lastName: n % 97 === 0 ? `=HYPERLINK("x${n}")` : `Last, ${n}`, email: `bench${n}@export.example`, phone: "", title: n % 3 ? "Buyer" : 'Head of "IT"', ownerId: `rep-${n % 20}`, externalId: "", idempotencyKey: "" };
        rows.push({ line: n + 1, id: `export-bench-${n}`, record });
      }
      const { results } = await sales.bulk.writeContacts({ options: { operation: "BULK_OPERATION_INSERT", matchKey: "BULK_MATCH_KEY_UNSPECIFIED" }, rows }, call);
      const failed = results.filter((r) => r.outcome === "BULK_ROW_OUTCOME_FAILED");
      if (failed.length) throw new Error(`seed: ${failed.length} rows failed, e.g. ${JSON.stringify(failed[0])}`);
    }
  } finally {
    sales.close();
  }
  say(`seeded ${SEED} contacts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const token = await userToken(USER);
const tenantId = tokenClaims(token).tenant;
if (SEED > 0) await seed(tenantId);

const pid = integrationsPid();
const before = rssOf(pid);
let peakRss = before.rss;
const sampler = setInterval(() => {
  try {
    peakRss = Math.max(peakRss, rssOf(pid).rss);
  } catch {
    /* the process is gone: the job's poll says so */
  }
}, 250);

const created = await (await api("POST", "/v1/exports", { object: "contacts", filters: FILTERS })).json();
say(`job ${created.id} for tenant ${tenantId} (integrations pid ${pid}, RSS before ${mib(before.rss)})`);
let job = created;
let lastSaid = 0;
while (job.state === "queued" || job.state === "in_progress") {
  await new Promise((r) => setTimeout(r, 1_000));
  job = await (await api("GET", `/v1/exports/${created.id}`)).json();
  if (Date.now() - lastSaid > 10_000) {
    lastSaid = Date.now();
    say(`${job.state}: ${job.rowsExported} rows, ${mib(job.bytesWritten)}, RSS ${mib(rssOf(pid).rss)}`);
  }
}
clearInterval(sampler);
if (job.state !== "completed") throw new Error(`the job ended ${job.state}: ${job.error}`);
const exportSeconds = (Date.parse(job.completedAt) - Date.parse(job.startedAt)) / 1000;

const downloadStarted = Date.now();
const res = await api("GET", `/v1/exports/${created.id}/file`);
let size = 0;
let lines = 0;
for await (const chunk of res.body) {
  size += chunk.byteLength;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
}
const downloadSeconds = (Date.now() - downloadStarted) / 1000;

const result = {
  at: new Date().toISOString(),
  tenantId,
  jobId: job.id,
  filters: FILTERS,
  rows: job.rowsExported,
  exportSeconds,
  rowsPerSecond: Math.round(job.rowsExported / exportSeconds),
  fileBytes: size,
  bytesWritten: job.bytesWritten,
  // Records with a line break in a cell make more lines than rows; the header is one.
  fileLines: lines,
  downloadSeconds,
  downloadMiBPerSecond: Number((size / 1024 / 1024 / downloadSeconds).toFixed(1)),
  contentDisposition: res.headers.get("content-disposition"),
  integrationsRssBefore: before.rss,
  integrationsPeakRss: peakRss,
  integrationsHighWaterMark: rssOf(pid).hwm,
};
mkdirSync(`${root}.run/bench`, { recursive: true });
writeFileSync(`${root}.run/bench/export-${stamp}.json`, JSON.stringify(result, null, 2));
console.log(
  [
    `rows exported     ${result.rows} in ${exportSeconds.toFixed(1)} s: ${result.rowsPerSecond} rows/s`,
    `file              ${mib(size)} (${size} bytes; job says ${job.bytesWritten}), ${lines} lines, ${result.contentDisposition}`,
    `download          ${downloadSeconds.toFixed(1)} s, ${result.downloadMiBPerSecond} MiB/s`,
    `integrations RSS  before ${mib(before.rss)}, peak during the export ${mib(peakRss)} (high-water mark since start ${mib(result.integrationsHighWaterMark)})`,
  ].join("\n"),
);
