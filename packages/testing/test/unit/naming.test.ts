import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { readWorkloads } from "../../src/workloads";

const REPO = resolve(__dirname, "../../../..");
const SCRIPT = join(REPO, "deploy/check-naming.sh");

/** The files deploy/check-naming.sh lists for `name` in `cwd`'s repository, and the count it prints. */
function naming(name: string, script = SCRIPT): { files: string[]; count: number } {
  const out = execFileSync("bash", [script, name], { encoding: "utf8" });
  const lines = out.trimEnd().split("\n");
  const count = Number(/^(\d+) file\(s\)/.exec(lines.at(-1) ?? "")?.[1]);
  return { files: lines.slice(0, -1).filter((line) => !line.startsWith(" ")), count };
}

describe("deploy/check-naming.sh", () => {
  let repo: string;

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), "relata-naming-"));
    const files: Record<string, string> = {
      "deploy/check-naming.sh": "",
      "gateway/src/backends.ts": 'import { salesServices } from "@relata/sales/client";\n',
      "gateway/src/routes/leads.ts": 'import { Lead } from "@relata/proto/sales/v1/lead";\n',
      "charts/values.yaml": "SALES_GRPC_ADDR: sales:50051\n",
      "tsconfig.json": '{ "references": [{ "path": "services/sales" }] }\n',
      "gateway/src/unrelated.ts": '// presales, services/salesforce and "@relata/salesforce" are other names\n',
      "services/sales/src/main.ts": 'import "@relata/sales/client";\n',
      "proto/relata/sales/v1/lead.proto": "package relata.sales.v1;\n",
      "proto/relata/events/v1/sales.proto": "package relata.events.v1; // relata.sales.v1\n",
      "packages/proto/src/gen/relata/sales/v1/lead.ts": '"relata.sales.v1.LeadService"\n',
      "docs/api.md": "SALES_GRPC_ADDR\n",
      "gateway/README.md": "@relata/sales\n",
      "gateway/test/unit/routes.test.ts": "SalesClients\n",
      "gateway/test/unit/support.ts": "SalesClients\n",
      "e2e/load/bench.sh": "SALES_GRPC_ADDR\n",
      "package-lock.json": '"@relata/sales"\n',
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(repo, dirname(file)), { recursive: true });
      writeFileSync(join(repo, file), text);
    }
    copyFileSync(SCRIPT, join(repo, "deploy/check-naming.sh"));
    writeFileSync(join(repo, "untracked.ts"), "salesServices\n");
    execFileSync("git", ["init", "-q"], { cwd: repo });
    execFileSync("git", ["add", "--", ...Object.keys(files)], { cwd: repo });
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("lists the tracked files outside the workload's folders that name it, docs, tests, generated and lock files aside", () => {
    expect(naming("sales", join(repo, "deploy/check-naming.sh"))).toEqual({
      files: ["charts/values.yaml", "gateway/src/backends.ts", "gateway/src/routes/leads.ts", "tsconfig.json"],
      count: 4,
    });
  });

  it("finds nothing for a name no file uses", () => {
    expect(naming("marketing", join(repo, "deploy/check-naming.sh"))).toEqual({ files: [], count: 0 });
  });

  it("refuses a missing or malformed name", () => {
    expect(spawnSync("bash", [SCRIPT], { encoding: "utf8" }).status).toBe(2);
    expect(spawnSync("bash", [SCRIPT, "Sales"], { encoding: "utf8" }).status).toBe(2);
  });
});

describe("the shared packages", () => {
  // packages/backends is the one list of the domain services (docs/decisions.md 17): every gRPC
  // service but Integrations, which reads the list. No other package names a workload.
  const BACKENDS_LIST = ["packages/backends/package.json", "packages/backends/src/index.ts", "packages/backends/tsconfig.json"];
  const listed = (name: string) => readWorkloads().some((w) => w.name === name && w.kind === "grpc-service" && name !== "integrations");
  it.each(readWorkloads().map((w) => w.name))("name no workload but in the list of domain backends (%s)", (name) => {
    expect(naming(name).files.filter((file) => file.startsWith("packages/"))).toEqual(listed(name) ? BACKENDS_LIST : []);
  });
});
