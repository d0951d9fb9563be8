#!/usr/bin/env node
// The workloads of the platform, read from their manifests: the "relata" block of each npm
// workspace's package.json (docs/adding-a-service.md describes it). The one reader for the
// scripts (this file, run by Node) and for TypeScript (packages/testing re-exports it; the
// types are in workloads.d.cts). Node built-ins only: it runs before `npm install`.
//
//   node deploy/workloads.cjs list [KIND]        names in start order (services before gateways)
//   node deploy/workloads.cjs get NAME FIELD     one field: kind workspace main prefix database
//                                                image port metrics-port container-ports
//   node deploy/workloads.cjs env NAME           VAR=value lines: its environment on the local stack
//   node deploy/workloads.cjs vars               bash declarations of every workload, for `eval`
//
// Ports follow deploy/env.sh's rule: a port set in the environment wins (<NAME>_GRPC_PORT,
// <NAME>_METRICS_PORT, GATEWAY_PORT, GATEWAY_METRICS_PORT; the infrastructure's FERRETDB_PORT,
// NATS_PORT, OPENSEARCH_PORT...); otherwise the manifest's (env.sh's for the infrastructure), moved with
// RELATA_PORT_BLOCK=test to the test block: 10000 + its last four digits (50051 -> 10051).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");

/**
 * What each kind of workload serves. `ports`: the manifest's port roles, each with the variable
 * the process reads it from. `containerPorts`: the ports inside the image and the chart (the
 * chart sets GRPC_PORT/PORT and METRICS_PORT to these).
 */
const KINDS = {
  "grpc-service": { ports: { grpc: "GRPC_PORT", metrics: "METRICS_PORT" }, serving: "grpc", containerPorts: [50051, 9464] },
  "http-gateway": { ports: { http: "PORT", metrics: "METRICS_PORT" }, serving: "http", containerPorts: [8080, 9464] },
};

/** Same as the chart's service names: a DNS label short enough for <release>-<name>. */
const NAME = /^[a-z][a-z0-9-]{0,19}$/;
const VARIABLE = /^[A-Z_][A-Z0-9_]*$/;
/** Variables the stack derives; a manifest's static `env` may not set them. */
const DERIVED = /^(GRPC_PORT|PORT|METRICS_PORT|MONGO_URI|NATS_URL|OPENSEARCH_URL|OIDC_ISSUER|OIDC_AUDIENCE|PUBLIC_URL|LOG_LEVEL|OTEL_[A-Z0-9_]*|[A-Z0-9_]+_GRPC_ADDR)$/;

/** The local stack's infrastructure ports that TypeScript reads: deploy/env.sh's defaults. */
const INFRA_DEFAULT_PORTS = Object.freeze({ POSTGRES_PORT: 5433, FERRETDB_PORT: 27017, NATS_PORT: 4222, NATS_MONITOR_PORT: 8222, KEYCLOAK_PORT: 8180, OPENSEARCH_PORT: 9200 });

/** A default port in the test block (RELATA_PORT_BLOCK=test): 10000 + its last four digits. */
function testBlockPort(port) {
  return 10000 + (port % 10000);
}

class ManifestError extends Error {}

function fail(file, message) {
  throw new ManifestError(`${file}: ${message}`);
}

function readJson(root, file) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, file), "utf8"));
  } catch (err) {
    return fail(file, err instanceof SyntaxError ? `not valid JSON (${err.message})` : String(err));
  }
}

/** The workspace folders of the root package.json (`dir` and `dir/*` patterns). */
function workspaceDirs(root) {
  const pkg = readJson(root, "package.json");
  const dirs = [];
  for (const pattern of pkg.workspaces ?? []) {
    if (pattern.endsWith("/*") && !pattern.slice(0, -2).includes("*")) {
      const parent = pattern.slice(0, -2);
      const abs = path.join(root, parent);
      if (!fs.existsSync(abs)) continue;
      for (const entry of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.isDirectory()) dirs.push(`${parent}/${entry.name}`);
      }
    } else if (!pattern.includes("*")) {
      dirs.push(pattern);
    } else {
      fail("package.json", `workspace pattern "${pattern}" is not supported here (use "dir" or "dir/*")`);
    }
  }
  return dirs.filter((dir) => fs.existsSync(path.join(root, dir, "package.json")));
}

function parsePort(file, field, value) {
  if (!Number.isInteger(value) || value < 1 || value > 65535) fail(file, `${field} must be a TCP port (1-65535), got ${JSON.stringify(value)}`);
  return value;
}

/** One workspace's manifest, checked; null when its package.json has no "relata" block. */
function parseManifest(root, workspace) {
  const file = `${workspace}/package.json`;
  const pkg = readJson(root, file);
  const m = pkg.relata;
  if (m === undefined) return null;
  if (m === null || typeof m !== "object" || Array.isArray(m)) fail(file, `"relata" must be an object`);
  const known = ["workload", "kind", "ports", "env"];
  for (const key of Object.keys(m)) if (!known.includes(key)) fail(file, `relata.${key} is not a manifest field (${known.join(", ")})`);
  if (typeof m.workload !== "string" || !NAME.test(m.workload)) fail(file, `relata.workload must match ${NAME} (a DNS label of at most 20 characters), got ${JSON.stringify(m.workload)}`);
  const kind = KINDS[m.kind];
  if (!kind) fail(file, `relata.kind must be one of ${Object.keys(KINDS).join(", ")}, got ${JSON.stringify(m.kind)}`);
  if (typeof pkg.main !== "string" || pkg.main === "") fail(file, `"main" (the compiled entry point, e.g. dist/main.js) is required`);
  if (m.ports === null || typeof m.ports !== "object" || Array.isArray(m.ports)) fail(file, `relata.ports must be an object`);
  const ports = {};
  for (const role of Object.keys(kind.ports)) ports[role] = parsePort(file, `relata.ports.${role}`, m.ports[role]);
  for (const role of Object.keys(m.ports)) if (!(role in kind.ports)) fail(file, `relata.ports.${role}: a ${m.kind} has ports ${Object.keys(kind.ports).join(", ")}`);
  const env = {};
  if (m.env !== undefined) {
    if (m.env === null || typeof m.env !== "object" || Array.isArray(m.env)) fail(file, `relata.env must be an object of strings`);
    for (const [name, value] of Object.entries(m.env)) {
      if (!VARIABLE.test(name)) fail(file, `relata.env.${name}: not an environment variable name`);
      if (DERIVED.test(name)) fail(file, `relata.env.${name}: the stack sets this one from the manifest`);
      if (typeof value !== "string") fail(file, `relata.env.${name} must be a string`);
      env[name] = value;
    }
  }
  const name = m.workload;
  const prefix = name.toUpperCase().replace(/-/g, "_");
  return {
    name,
    kind: m.kind,
    packageName: pkg.name,
    workspace,
    main: path.posix.join(workspace, pkg.main.replace(/^\.\//, "")),
    prefix,
    database: m.kind === "grpc-service" ? `relata_${name.replace(/-/g, "_")}` : undefined,
    image: `relata-${name}`,
    ports,
    containerPorts: [...kind.containerPorts],
    env,
  };
}

/**
 * Every workload of the repository at `root`, services first, then gateways (the order they
 * start in), each group by name. Throws on a manifest that is wrong, naming its file and field.
 */
function readWorkloads(root = ROOT) {
  const workloads = workspaceDirs(root)
    .map((dir) => parseManifest(root, dir))
    .filter((w) => w !== null);
  const byName = new Map();
  const byPort = new Map();
  const byTestPort = new Map();
  for (const w of workloads) {
    if (byName.has(w.name)) fail(`${w.workspace}/package.json`, `workload "${w.name}" is also declared by ${byName.get(w.name).workspace}`);
    byName.set(w.name, w);
    for (const [role, port] of Object.entries(w.ports)) {
      const file = `${w.workspace}/package.json`;
      const other = byPort.get(port);
      if (other) fail(file, `relata.ports.${role} ${port} is also the ${other}; every workload needs ports of its own on one machine`);
      const otherInTest = byTestPort.get(testBlockPort(port));
      if (otherInTest) fail(file, `relata.ports.${role} ${port} is ${testBlockPort(port)} in the test block, as the ${otherInTest} is (the last four digits must differ)`);
      byPort.set(port, `${role} port of ${w.workspace}`);
      byTestPort.set(testBlockPort(port), `${role} port ${port} of ${w.workspace}`);
    }
  }
  const order = Object.keys(KINDS);
  return workloads.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.name.localeCompare(b.name));
}

function findWorkload(workloads, name) {
  const w = workloads.find((x) => x.name === name);
  if (!w) throw new ManifestError(`no workload "${name}" (known: ${workloads.map((x) => x.name).join(", ")})`);
  return w;
}

/** The stack variable a port role is overridden by: <NAME>_GRPC_PORT, GATEWAY_PORT, GATEWAY_METRICS_PORT. */
function portVariable(w, role) {
  const variable = KINDS[w.kind].ports[role];
  if (!variable) throw new ManifestError(`${w.name} (${w.kind}) has no ${role} port`);
  return `${w.prefix}_${variable}`;
}

/**
 * A port of the local stack, by deploy/env.sh's rule (relata_port): the environment's value when
 * set; otherwise the default, moved to the test block when RELATA_PORT_BLOCK=test.
 */
function stackPort(env, variable, fallback) {
  const raw = env[variable];
  if (raw === undefined || raw === "") return env.RELATA_PORT_BLOCK === "test" ? testBlockPort(fallback) : fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new ManifestError(`${variable}=${JSON.stringify(raw)} is not a TCP port`);
  return value;
}

/** A workload's ports on this machine: the manifest's, by the port-block rule of stackPort. */
function localPorts(w, env = process.env) {
  const ports = {};
  for (const [role, port] of Object.entries(w.ports)) ports[role] = stackPort(env, portVariable(w, role), port);
  return ports;
}

/** The port a workload serves on (gRPC or HTTP) on this machine. */
function servingPort(w, env = process.env) {
  return localPorts(w, env)[KINDS[w.kind].serving];
}

/** The local stack's infrastructure addresses, from deploy/env.sh's variables. */
function localInfra(env = process.env) {
  const port = (name) => stackPort(env, name, INFRA_DEFAULT_PORTS[name]);
  return {
    mongoBaseUri: `mongodb://127.0.0.1:${port("FERRETDB_PORT")}`,
    natsUrl: `nats://127.0.0.1:${port("NATS_PORT")}`,
    opensearchUrl: `http://127.0.0.1:${port("OPENSEARCH_PORT")}`,
    oidcIssuer: `http://localhost:${port("KEYCLOAK_PORT")}/realms/relata`,
  };
}

/**
 * The environment a workload runs with on one machine: its ports, its database (services), NATS
 * and OpenSearch (services), the issuer (gateways), `<NAME>_GRPC_ADDR` of every other service, and the manifest's static
 * `env`. Common settings (LOG_LEVEL, OTEL_*) are the caller's.
 */
function localEnv(workloads, name, options = {}) {
  const env = options.env ?? process.env;
  const infra = { ...localInfra(env), ...options.infra };
  const w = findWorkload(workloads, name);
  const ports = localPorts(w, env);
  const out = {};
  for (const [role, port] of Object.entries(ports)) out[KINDS[w.kind].ports[role]] = String(port);
  if (w.kind === "grpc-service") {
    out.MONGO_URI = `${infra.mongoBaseUri}/${w.database}`;
    out.NATS_URL = infra.natsUrl;
    out.OPENSEARCH_URL = infra.opensearchUrl;
  } else {
    out.OIDC_ISSUER = infra.oidcIssuer;
    out.OIDC_AUDIENCE = "relata-api";
    out.PUBLIC_URL = `http://localhost:${ports.http}`;
  }
  for (const other of workloads) {
    if (other.kind === "grpc-service" && other !== w) out[`${other.prefix}_GRPC_ADDR`] = `127.0.0.1:${servingPort(other, env)}`;
  }
  return { ...out, ...w.env };
}

/** A bash word: 'quoted' unless it is plainly safe. */
function shellWord(value) {
  const s = String(value);
  return /^[A-Za-z0-9_./:@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Bash declarations of every workload (global, so they may be eval'd inside a function):
 * WORKLOADS (start order), WORKLOAD_KIND/_MAIN/_PORT/_METRICS_PORT (associative, by name), and
 * every port variable (<NAME>_GRPC_PORT...) with its value on this machine, exported.
 */
function shellVars(workloads, env = process.env) {
  const assoc = (name, value) => `declare -gA ${name}=(${workloads.map((w) => `[${w.name}]=${shellWord(value(w))}`).join(" ")})`;
  const lines = [
    `WORKLOADS=(${workloads.map((w) => w.name).join(" ")})`,
    assoc("WORKLOAD_KIND", (w) => w.kind),
    assoc("WORKLOAD_MAIN", (w) => w.main),
    assoc("WORKLOAD_PORT", (w) => servingPort(w, env)),
    assoc("WORKLOAD_METRICS_PORT", (w) => localPorts(w, env).metrics),
  ];
  const exported = [];
  for (const w of workloads) {
    for (const [role, port] of Object.entries(localPorts(w, env))) {
      const variable = portVariable(w, role);
      lines.push(`${variable}=${port}`);
      exported.push(variable);
    }
  }
  if (exported.length > 0) lines.push(`export ${exported.join(" ")}`);
  return lines.join("\n");
}

function field(w, name, env) {
  switch (name) {
    case "kind":
    case "workspace":
    case "main":
    case "prefix":
    case "image":
      return w[name];
    case "database":
      if (!w.database) throw new ManifestError(`${w.name} (${w.kind}) has no database`);
      return w.database;
    case "port":
      return String(servingPort(w, env));
    case "metrics-port":
      return String(localPorts(w, env).metrics);
    case "container-ports":
      return w.containerPorts.join(" ");
    default:
      throw new ManifestError(`no field "${name}" (kind workspace main prefix database image port metrics-port container-ports)`);
  }
}

function cli(argv, env) {
  const [command, ...args] = argv;
  const workloads = readWorkloads(ROOT);
  switch (command) {
    case "list": {
      const [kind] = args;
      if (kind !== undefined && !KINDS[kind]) throw new ManifestError(`no kind "${kind}" (${Object.keys(KINDS).join(", ")})`);
      return workloads.filter((w) => kind === undefined || w.kind === kind).map((w) => w.name);
    }
    case "get": {
      const [name, fieldName] = args;
      if (!name || !fieldName) throw new ManifestError("usage: workloads.cjs get NAME FIELD");
      return [field(findWorkload(workloads, name), fieldName, env)];
    }
    case "env": {
      const [name] = args;
      if (!name) throw new ManifestError("usage: workloads.cjs env NAME");
      return Object.entries(localEnv(workloads, name, { env })).map(([k, v]) => `${k}=${v}`);
    }
    case "vars":
      return [shellVars(workloads, env)];
    default:
      throw new ManifestError("usage: workloads.cjs list [KIND] | get NAME FIELD | env NAME | vars");
  }
}

module.exports = { KINDS, INFRA_DEFAULT_PORTS, ManifestError, readWorkloads, findWorkload, portVariable, stackPort, localPorts, servingPort, localInfra, localEnv, shellVars };

if (require.main === module) {
  try {
    const lines = cli(process.argv.slice(2), process.env);
    if (lines.length > 0) process.stdout.write(`${lines.join("\n")}\n`);
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
    process.stderr.write(`workloads: ${err.message}\n`);
    process.exit(2);
  }
}
