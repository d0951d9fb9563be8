import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventBus } from "../../src/events/bus";
import { createLogger } from "../../src/logger";
import { Projection } from "../../src/projection";

// A projection without sources never touches the bus: these tests need no server.
const noBus = {} as EventBus;
const logger = createLogger("projection-rebuild-unit", "silent");

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "projection-rebuild-unit-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const spec = (path: string) => ({
  name: "rebuild-unit",
  path,
  version: 1,
  schema: ["CREATE TABLE IF NOT EXISTS things (name VARCHAR)"],
  sources: [],
  apply: async () => undefined,
});

async function fileWith(path: string, name: string): Promise<void> {
  const projection = await Projection.open(spec(path), noBus, logger);
  await projection.query("INSERT INTO things VALUES (?)", [name]);
  await projection.close();
}

test("a rebuilt file left beside a missing configured file (a crash while switching) is taken as the configured file", async () => {
  const path = join(dir, "model.duckdb");
  await fileWith(`${path}.rebuild`, "rebuilt");
  const projection = await Projection.open(spec(path), noBus, logger);
  expect(await projection.query("SELECT name FROM things")).toEqual([{ name: "rebuilt" }]);
  expect(existsSync(`${path}.rebuild`)).toBe(false);
  await projection.close();
});

test("an unfinished rebuild's file beside the configured one is dropped and the configured one kept", async () => {
  const path = join(dir, "model.duckdb");
  await fileWith(path, "active");
  await fileWith(`${path}.rebuild`, "half-rebuilt");
  const projection = await Projection.open(spec(path), noBus, logger);
  expect(await projection.query("SELECT name FROM things")).toEqual([{ name: "active" }]);
  expect(existsSync(`${path}.rebuild`)).toBe(false);
  await projection.close();
});

test("a rebuild with nothing to replay switches to an empty database and reports it", async () => {
  const path = join(dir, "model.duckdb");
  const projection = await Projection.open(spec(path), noBus, logger);
  await projection.query("INSERT INTO things VALUES ('written outside the streams')");
  const report = await projection.rebuild();
  expect(report).toMatchObject({ events: 0, positions: {} });
  expect(await projection.query("SELECT name FROM things")).toEqual([]);
  const status = await projection.status();
  expect(status).toEqual({ rebuilding: false, lastRebuild: report, positions: {}, caughtUp: true });
  expect(existsSync(`${path}.rebuild`)).toBe(false);
  await projection.close();
});
