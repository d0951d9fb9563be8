#!/usr/bin/env node
// One import job of ROWS contacts through the gateway of the running stack, as a partner would
// run it: create the job, stream the CSV up (PUT, text/csv), complete it, poll until it ends.
// Prints the upload's and the run's rows per second and the Integrations process's peak memory:
// VmRSS of the process listening on INTEGRATIONS_GRPC_PORT sampled every 250 ms while the job
// runs, and its VmHWM (the kernel's high-water mark since the process started).
//
//   IMPORT_ROWS=100000 e2e/load/import-bench.sh
import { execFileSync } from "node:child_process";
import { createReadStream, createWriteStream, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";

const rows = Number(process.env.IMPORT_ROWS ?? 1_000_000);
const gateway = process.env.GATEWAY_URL ?? `http://localhost:${process.env.GATEWAY_PORT ?? 8080}`;
const issuer = process.env.OIDC_ISSUER ?? `http://localhost:${process.env.KEYCLOAK_PORT ?? 8180}/realms/relata`;
const username = process.env.IMPORT_USER ?? "acme-tenant-admin";
const password = process.env.DEMO_PASSWORD ?? "relata-demo";
const grpcPort = process.env.INTEGRATIONS_GRPC_PORT ?? "50056";
const run = Date.now().toString(36);

let cached = { token: "", until: 0 };
/** A token of the tenant admin, fetched again before it expires (a million rows outlast one). */
async function token() {
  if (Date.now() < cached.until) return cached.token;
  const res = await fetch(`${issuer}/protocol/openid-connect/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", client_id: "relata-cli", username, password }),
  });
  if (!res.ok) throw new Error(`token for ${username}: ${res.status} ${await res.text()}`);
  const body = await res.json();
  cached = { token: body.access_token, until: Date.now() + Math.max(10, body.expires_in - 30) * 1000 };
  return cached.token;
}

async function api(method, path, body) {
  const res = await fetch(gateway + path, {
    method,
    headers: { authorization: `Bearer ${await token()}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Writes the CSV to a file, streamed (a million rows are about 80 MB). */
async function generate(file) {
  const out = createWriteStream(file);
  const write = async (s) => {
    if (!out.write(s)) await once(out, "drain");
  };
  await write("lastName,firstName,email,title,phone\n");
  let chunk = "";
  for (let i = 0; i < rows; i++) {
    chunk += `Bench${i},"Row ${i}",bench-${run}-${i}@import.example,"Buyer, level ${i % 7}",+1 555 ${String(i % 10_000_000).padStart(7, "0")}\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = "";
    }
  }
  await write(chunk);
  out.end();
  await once(out, "finish");
}

/** PUT the file as it is read from disk (the gateway streams it on in parts). */
async function uploadFile(id, file) {
  const size = statSync(file).size;
  const auth = await token();
  const url = new URL(`${gateway}/v1/imports/${id}/data`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "PUT", headers: { authorization: `Bearer ${auth}`, "content-type": "text/csv", "content-length": size } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`upload: ${res.statusCode} ${text}`))));
      },
    );
    req.on("error", reject);
    createReadStream(file).pipe(req);
  });
}

/** The pid of the process listening on the Integrations gRPC port. */
function integrationsPid() {
  const out = execFileSync("ss", ["-ltnpH", `sport = :${grpcPort}`], { encoding: "utf8" });
  const pid = /pid=(\d+)/.exec(out)?.[1];
  if (!pid) throw new Error(`no process listens on port ${grpcPort} (is the stack up?)`);
  return Number(pid);
}

function memoryKb(pid, field) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
}

const mb = (kb) => Math.round(kb / 1024);

async function main() {
  const pid = integrationsPid();
  const dir = path.join(os.tmpdir(), `relata-import-bench-${run}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "contacts.csv");
  process.stdout.write(`generating ${rows} contact rows...\n`);
  await generate(file);
  const bytes = statSync(file).size;

  const job = await api("POST", "/v1/imports", { object: "contacts", operation: "insert" });
  let peakRssKb = memoryKb(pid, "VmRSS");
  const sampler = setInterval(() => {
    try {
      peakRssKb = Math.max(peakRssKb, memoryKb(pid, "VmRSS"));
    } catch {
      // the process went away; the poll below will say so
    }
  }, 250);

  const uploadStart = Date.now();
  const uploaded = await uploadFile(job.id, file);
  const uploadMs = Date.now() - uploadStart;
  if (uploaded.bytesUploaded !== bytes) throw new Error(`uploaded ${uploaded.bytesUploaded} of ${bytes} bytes`);
  await api("POST", `/v1/imports/${job.id}/complete`);

  let current;
  let lastPrint = 0;
  for (;;) {
    current = await api("GET", `/v1/imports/${job.id}`);
    if (["completed", "failed", "aborted"].includes(current.state)) break;
    if (Date.now() - lastPrint > 10_000) {
      lastPrint = Date.now();
      process.stdout.write(`  ${current.state}: ${current.rowsProcessed} rows processed, RSS peak so far ${mb(peakRssKb)} MB\n`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  clearInterval(sampler);
  const hwmKb = memoryKb(pid, "VmHWM");
  unlinkSync(file);

  const runMs = new Date(current.completedAt).getTime() - new Date(current.startedAt).getTime();
  const result = {
    at: new Date().toISOString(),
    host: { cpus: os.cpus().length, model: os.cpus()[0]?.model },
    rows,
    bytes,
    state: current.state,
    error: current.error,
    rowsCreated: current.rowsCreated,
    rowsFailed: current.rowsFailed,
    uploadSeconds: uploadMs / 1000,
    uploadMBPerSecond: Math.round((bytes / 1024 / 1024 / (uploadMs / 1000)) * 10) / 10,
    runSeconds: runMs / 1000,
    rowsPerSecond: Math.round(rows / (runMs / 1000)),
    integrationsPeakRssMB: mb(peakRssKb),
    integrationsVmHwmMB: mb(hwmKb),
  };
  const out = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../.run/bench");
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, `import-${rows}.json`), JSON.stringify(result, null, 2) + "\n");
  process.stdout.write(
    `import of ${rows} contacts (${(bytes / 1024 / 1024).toFixed(1)} MB): ${current.state}; upload ${result.uploadSeconds} s (${result.uploadMBPerSecond} MB/s); ` +
      `run ${result.runSeconds} s = ${result.rowsPerSecond} rows/s; created ${current.rowsCreated}, failed ${current.rowsFailed}; ` +
      `Integrations peak RSS ${result.integrationsPeakRssMB} MB sampled during the job, VmHWM ${result.integrationsVmHwmMB} MB since its start\n`,
  );
  if (current.state !== "completed") process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`import-bench: ${err.stack ?? err}\n`);
  process.exit(1);
});
