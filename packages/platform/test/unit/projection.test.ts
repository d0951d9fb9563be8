import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventBus } from "../../src/events/bus";
import { createLogger } from "../../src/logger";
import { Projection } from "../../src/projection";

// A projection without sources never touches the bus: these tests need no server.
const noBus = {} as EventBus;
const logger = createLogger("projection-unit", "silent");

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "projection-unit-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const spec = (path: string, version: number) => ({
  name: "unit",
  path,
  version,
  schema: ["CREATE TABLE IF NOT EXISTS things (tenant_id VARCHAR, name VARCHAR, size INTEGER)"],
  sources: [],
  apply: async () => undefined,
});

test("with nothing to read it is caught up at once, and reads with bound parameters", async () => {
  const projection = await Projection.open(spec(":memory:", 1), noBus, logger);
  await projection.caughtUp();
  await expect(projection.query("INSERT INTO things VALUES (?, ?, ?), (?, ?, ?)", ["t1", "a", 1, "t2", "b'; DROP TABLE things; --", 2])).resolves.toBeDefined();
  expect(await projection.query("SELECT name, size FROM things WHERE tenant_id = ?", ["t2"])).toEqual([{ name: "b'; DROP TABLE things; --", size: 2 }]);
  expect(await projection.positions()).toEqual({});
  await projection.close();
});

test("queryChunks hands a large result over in chunks, every row once", async () => {
  const projection = await Projection.open(spec(":memory:", 1), noBus, logger);
  await projection.query("INSERT INTO things SELECT 't1', 'n' || i, i FROM range(5000) t(i)");
  const chunks: number[] = [];
  let sum = 0;
  for await (const rows of projection.queryChunks("SELECT size FROM things WHERE tenant_id = ? ORDER BY size", ["t1"])) {
    chunks.push(rows.length);
    for (const row of rows) sum += Number(row.size);
  }
  expect(chunks.length).toBeGreaterThan(1);
  expect(chunks.reduce((a, b) => a + b, 0)).toBe(5000);
  expect(sum).toBe((4999 * 5000) / 2);
  await projection.close();
});

test("a file keeps its rows across a reopen of the same version, and is rebuilt empty for another version", async () => {
  const path = join(dir, "nested", "model.duckdb");
  const first = await Projection.open(spec(path, 1), noBus, logger);
  await first.query("INSERT INTO things VALUES ('t1', 'kept', 1)");
  await first.close();

  const same = await Projection.open(spec(path, 1), noBus, logger);
  expect(await same.query("SELECT name FROM things")).toEqual([{ name: "kept" }]);
  await same.close();

  const next = await Projection.open(spec(path, 2), noBus, logger);
  expect(await next.query("SELECT name FROM things")).toEqual([]);
  await next.close();
});
