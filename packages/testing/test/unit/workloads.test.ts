import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { findWorkload, localEnv, localPorts, portVariable, readWorkloads } from "../../src/workloads";

const REPO = resolve(__dirname, "../../../..");
const READER = join(REPO, "deploy/workloads.cjs");

describe("the repository's workloads", () => {
  const workloads = readWorkloads();

  it("are Integrations, the Knowledge-Base, Marketing, Reporting, Sales, the Service and the gateway, services first (the order they start in)", () => {
    expect(workloads.map((w) => [w.name, w.kind, w.workspace])).toEqual([
      ["integrations", "grpc-service", "services/integrations"],
      ["knowledge", "grpc-service", "services/knowledge"],
      ["marketing", "grpc-service", "services/marketing"],
      ["reporting", "grpc-service", "services/reporting"],
      ["sales", "grpc-service", "services/sales"],
      ["service", "grpc-service", "services/service"],
      ["gateway", "http-gateway", "gateway"],
    ]);
  });

  it("start from the compiled main.ts of their workspace", () => {
    for (const w of workloads) {
      expect(w.main).toBe(`${w.workspace}/dist/main.js`);
      expect(existsSync(join(REPO, w.workspace, "src/main.ts"))).toBe(true);
    }
  });

  it("keep the local ports and the environment the stack has always given them", () => {
    const sales = findWorkload(workloads, "sales");
    expect(localPorts(sales, {})).toEqual({ grpc: 50051, metrics: 9464 });
    expect(localEnv(workloads, "sales", { env: {} })).toEqual({
      GRPC_PORT: "50051",
      INTEGRATIONS_GRPC_ADDR: "127.0.0.1:50056",
      KNOWLEDGE_GRPC_ADDR: "127.0.0.1:50053",
      MARKETING_GRPC_ADDR: "127.0.0.1:50054",
      METRICS_PORT: "9464",
      REPORTING_GRPC_ADDR: "127.0.0.1:50055",
      MONGO_URI: "mongodb://127.0.0.1:27017/relata_sales",
      NATS_URL: "nats://127.0.0.1:4222",
      OPENSEARCH_URL: "http://127.0.0.1:9200",
      SERVICE_GRPC_ADDR: "127.0.0.1:50052",
    });
    expect(localEnv(workloads, "gateway", { env: {} })).toEqual({
      PORT: "8080",
      METRICS_PORT: "9465",
      OIDC_ISSUER: "http://localhost:8180/realms/relata",
      OIDC_AUDIENCE: "relata-api",
      PUBLIC_URL: "http://localhost:8080",
      INTEGRATIONS_GRPC_ADDR: "127.0.0.1:50056",
      KNOWLEDGE_GRPC_ADDR: "127.0.0.1:50053",
      MARKETING_GRPC_ADDR: "127.0.0.1:50054",
      REPORTING_GRPC_ADDR: "127.0.0.1:50055",
      SALES_GRPC_ADDR: "127.0.0.1:50051",
      SERVICE_GRPC_ADDR: "127.0.0.1:50052",
    });
  });

  it("follow a port block given by the environment", () => {
    const env = { FERRETDB_PORT: "23017", NATS_PORT: "23222", OPENSEARCH_PORT: "23200", KEYCLOAK_PORT: "23180", SALES_GRPC_PORT: "23051", SALES_METRICS_PORT: "23464", GATEWAY_PORT: "23080", GATEWAY_METRICS_PORT: "23465" };
    expect(localEnv(workloads, "sales", { env })).toMatchObject({ GRPC_PORT: "23051", METRICS_PORT: "23464", MONGO_URI: "mongodb://127.0.0.1:23017/relata_sales", NATS_URL: "nats://127.0.0.1:23222", OPENSEARCH_URL: "http://127.0.0.1:23200" });
    expect(localEnv(workloads, "gateway", { env })).toMatchObject({ PORT: "23080", METRICS_PORT: "23465", OIDC_ISSUER: "http://localhost:23180/realms/relata", PUBLIC_URL: "http://localhost:23080", SALES_GRPC_ADDR: "127.0.0.1:23051" });
    expect(localEnv(workloads, "sales", { env, infra: { mongoBaseUri: "mongodb://127.0.0.1:5" } }).MONGO_URI).toBe("mongodb://127.0.0.1:5/relata_sales");
  });

  it("move to the test block as deploy/env.sh's ports do, where the environment sets no port", () => {
    const env = { RELATA_PORT_BLOCK: "test", KEYCLOAK_PORT: "23180", SALES_METRICS_PORT: "23464" };
    expect(localEnv(workloads, "sales", { env })).toEqual({
      GRPC_PORT: "10051",
      INTEGRATIONS_GRPC_ADDR: "127.0.0.1:10056",
      KNOWLEDGE_GRPC_ADDR: "127.0.0.1:10053",
      MARKETING_GRPC_ADDR: "127.0.0.1:10054",
      METRICS_PORT: "23464",
      REPORTING_GRPC_ADDR: "127.0.0.1:10055",
      MONGO_URI: "mongodb://127.0.0.1:17017/relata_sales",
      NATS_URL: "nats://127.0.0.1:14222",
      OPENSEARCH_URL: "http://127.0.0.1:19200",
      SERVICE_GRPC_ADDR: "127.0.0.1:10052",
    });
    expect(localEnv(workloads, "gateway", { env })).toMatchObject({ PORT: "18080", METRICS_PORT: "19465", OIDC_ISSUER: "http://localhost:23180/realms/relata", PUBLIC_URL: "http://localhost:18080", SALES_GRPC_ADDR: "127.0.0.1:10051" });
    expect(localPorts(findWorkload(workloads, "sales"), { RELATA_PORT_BLOCK: "other" })).toEqual({ grpc: 50051, metrics: 9464 });
  });

  it("name the variable that overrides each port", () => {
    expect(workloads.flatMap((w) => Object.keys(w.ports).map((role) => portVariable(w, role)))).toEqual([
      "INTEGRATIONS_GRPC_PORT",
      "INTEGRATIONS_METRICS_PORT",
      "KNOWLEDGE_GRPC_PORT",
      "KNOWLEDGE_METRICS_PORT",
      "MARKETING_GRPC_PORT",
      "MARKETING_METRICS_PORT",
      "REPORTING_GRPC_PORT",
      "REPORTING_METRICS_PORT",
      "SALES_GRPC_PORT",
      "SALES_METRICS_PORT",
      "SERVICE_GRPC_PORT",
      "SERVICE_METRICS_PORT",
      "GATEWAY_PORT",
      "GATEWAY_METRICS_PORT",
    ]);
    expect(() => localPorts(findWorkload(workloads, "sales"), { SALES_GRPC_PORT: "grpc" })).toThrow('SALES_GRPC_PORT="grpc" is not a TCP port');
  });
});

/** A repository of its own: the root package.json, the reader, and one package.json per workspace. */
function fixture(packages: Record<string, object>): string {
  const root = mkdtempSync(join(tmpdir(), "relata-workloads-"));
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "relata", workspaces: ["packages/kit", "services/*", "gateway"] }));
  mkdirSync(join(root, "deploy"));
  copyFileSync(READER, join(root, "deploy/workloads.cjs"));
  for (const [dir, pkg] of Object.entries(packages)) {
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, "package.json"), JSON.stringify(pkg));
  }
  return root;
}

const service = (name: string, grpc: number, metrics: number, extra: object = {}) => ({
  name: `@relata/${name}`,
  main: "dist/main.js",
  relata: { workload: name, kind: "grpc-service", ports: { grpc, metrics }, ...extra },
});
const PLATFORM = {
  "packages/kit": { name: "@relata/kit", main: "dist/index.js" },
  "services/sales": service("sales", 50051, 9464),
  gateway: { name: "@relata/gateway", main: "dist/main.js", relata: { workload: "gateway", kind: "http-gateway", ports: { http: 8080, metrics: 9465 } } },
};

describe("a new service", () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("is found by its manifest alone: it starts before the gateway, which gets its address", () => {
    root = fixture({ ...PLATFORM, "services/knowledge-base": service("knowledge-base", 50052, 9466, { env: { SEARCH_LIMIT: "50" } }) });
    const workloads = readWorkloads(root);
    expect(workloads.map((w) => w.name)).toEqual(["knowledge-base", "sales", "gateway"]);
    const kb = findWorkload(workloads, "knowledge-base");
    expect(kb).toMatchObject({ prefix: "KNOWLEDGE_BASE", database: "relata_knowledge_base", image: "relata-knowledge-base", main: "services/knowledge-base/dist/main.js", containerPorts: [50051, 9464] });
    expect(localEnv(workloads, "knowledge-base", { env: {} })).toEqual({
      GRPC_PORT: "50052",
      METRICS_PORT: "9466",
      MONGO_URI: "mongodb://127.0.0.1:27017/relata_knowledge_base",
      NATS_URL: "nats://127.0.0.1:4222",
      OPENSEARCH_URL: "http://127.0.0.1:9200",
      SALES_GRPC_ADDR: "127.0.0.1:50051",
      SEARCH_LIMIT: "50",
    });
    expect(localEnv(workloads, "gateway", { env: { KNOWLEDGE_BASE_GRPC_PORT: "50099" } })).toMatchObject({ KNOWLEDGE_BASE_GRPC_ADDR: "127.0.0.1:50099", SALES_GRPC_ADDR: "127.0.0.1:50051" });
  });

  it.each<[string, Record<string, object>, string]>([
    ["a taken name", { "services/sales-two": service("sales", 50052, 9466) }, 'services/sales-two/package.json: workload "sales" is also declared by services/sales'],
    ["a taken port", { "services/marketing": service("marketing", 50052, 9465) }, "gateway/package.json: relata.ports.metrics 9465 is also the metrics port of services/marketing"],
    ["a port that meets another in the test block", { "services/support": service("support", 60051, 9466) }, "services/support/package.json: relata.ports.grpc 60051 is 10051 in the test block, as the grpc port 50051 of services/sales is"],
    ["a name that is no DNS label", { "services/marketing": service("Marketing", 50052, 9466) }, "services/marketing/package.json: relata.workload must match"],
    ["an unknown kind", { "services/marketing": { ...service("marketing", 50052, 9466), relata: { workload: "marketing", kind: "worker", ports: {} } } }, "relata.kind must be one of grpc-service, http-gateway"],
    ["a missing port", { "services/marketing": { ...service("marketing", 50052, 9466), relata: { workload: "marketing", kind: "grpc-service", ports: { grpc: 50052 } } } }, "relata.ports.metrics must be a TCP port"],
    ["a port of another kind", { "services/marketing": service("marketing", 50052, 9466, { ports: { grpc: 50052, metrics: 9466, http: 8081 } }) }, "relata.ports.http: a grpc-service has ports grpc, metrics"],
    ["an unknown field", { "services/marketing": service("marketing", 50052, 9466, { database: "mkt" }) }, "relata.database is not a manifest field"],
    ["a variable the stack sets", { "services/marketing": service("marketing", 50052, 9466, { env: { MONGO_URI: "mongodb://x/y" } }) }, "relata.env.MONGO_URI: the stack sets this one"],
    ["OpenSearch's address, which the stack sets", { "services/marketing": service("marketing", 50052, 9466, { env: { OPENSEARCH_URL: "http://x:9200" } }) }, "relata.env.OPENSEARCH_URL: the stack sets this one"],
    ["no main", { "services/marketing": { ...service("marketing", 50052, 9466), main: undefined } }, '"main" (the compiled entry point, e.g. dist/main.js) is required'],
  ])("is refused with %s, naming the file and the field", (_what, extra, message) => {
    root = fixture({ ...PLATFORM, ...extra });
    expect(() => readWorkloads(root)).toThrow(message);
  });

  it("is refused when its package.json is not JSON", () => {
    root = fixture(PLATFORM);
    writeFileSync(join(root, "services/sales/package.json"), "{ nope");
    expect(() => readWorkloads(root)).toThrow("services/sales/package.json: not valid JSON");
  });
});

describe("deploy/workloads.cjs on the command line", () => {
  let root: string;
  beforeAll(() => {
    root = fixture({ ...PLATFORM, "services/marketing": service("marketing", 50052, 9466) });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const run = (...args: string[]) => spawnSync(process.execPath, [join(root, "deploy/workloads.cjs"), ...args], { encoding: "utf8", env: { PATH: process.env.PATH, MARKETING_GRPC_PORT: "50199" } });
  const lines = (...args: string[]) => {
    const r = run(...args);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    return r.stdout.trimEnd().split("\n");
  };

  it("lists, reads fields and prints an environment", () => {
    expect(lines("list")).toEqual(["marketing", "sales", "gateway"]);
    expect(lines("list", "http-gateway")).toEqual(["gateway"]);
    expect(lines("get", "marketing", "workspace")).toEqual(["services/marketing"]);
    expect(lines("get", "marketing", "main")).toEqual(["services/marketing/dist/main.js"]);
    expect(lines("get", "marketing", "port")).toEqual(["50199"]);
    expect(lines("get", "gateway", "container-ports")).toEqual(["8080 9464"]);
    expect(lines("env", "gateway")).toContain("MARKETING_GRPC_ADDR=127.0.0.1:50199");
  });

  it("declares every workload for bash, also from inside a function", () => {
    const script = `load() { eval "$("${process.execPath}" "${root}/deploy/workloads.cjs" vars)"; }; load
      echo "\${WORKLOADS[*]}|\${WORKLOAD_KIND[gateway]}|\${WORKLOAD_MAIN[marketing]}|\${WORKLOAD_PORT[marketing]}|\${WORKLOAD_METRICS_PORT[sales]}|$MARKETING_GRPC_PORT|$GATEWAY_PORT"
      bash -c 'echo "$MARKETING_METRICS_PORT"'`;
    const out = execFileSync("bash", ["-c", script], { encoding: "utf8", env: { PATH: process.env.PATH, MARKETING_GRPC_PORT: "50199" } });
    expect(out.split("\n").slice(0, 2)).toEqual(["marketing sales gateway|http-gateway|services/marketing/dist/main.js|50199|9464|50199|8080", "9466"]);
    const test = execFileSync("bash", ["-c", script], { encoding: "utf8", env: { PATH: process.env.PATH, RELATA_PORT_BLOCK: "test", MARKETING_GRPC_PORT: "50199" } });
    expect(test.split("\n").slice(0, 2)).toEqual(["marketing sales gateway|http-gateway|services/marketing/dist/main.js|50199|19464|50199|18080", "19466"]);
  });

  it("says what is wrong, on stderr, with status 2", () => {
    for (const [args, message] of [
      [["get", "nobody", "kind"], 'workloads: no workload "nobody" (known: marketing, sales, gateway)'],
      [["get", "gateway", "database"], "workloads: gateway (http-gateway) has no database"],
      [["get", "sales", "colour"], 'workloads: no field "colour"'],
      [["list", "worker"], 'workloads: no kind "worker"'],
      [["launch"], "workloads: usage:"],
    ] as const) {
      const r = run(...args);
      expect({ status: r.status, stdout: r.stdout, stderr: r.stderr.split("\n")[0]!.slice(0, message.length) }).toEqual({ status: 2, stdout: "", stderr: message });
    }
  });
});
