import { randomUUID } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBus } from "../../src/events/bus";
import { createLogger } from "../../src/logger";
import { Projection, type ProjectionSpec, type RebuildReport } from "../../src/projection";

// Real NATS JetStream, started by `make test` (deploy/stack.sh).
const natsUrl = process.env.NATS_URL ?? `nats://127.0.0.1:${process.env.NATS_PORT ?? 4222}`;
const logger = createLogger("projection-rebuild-test", "silent");
const run = randomUUID().slice(0, 8);
const stream = `PROJRB_${run.toUpperCase()}`;
const prefix = `projrb${run}`;

let bus: EventBus;
let dir: string;
let published = 0;

beforeAll(async () => {
  bus = await EventBus.connect(natsUrl, "projection-rebuild-test", logger);
  await bus.ensureStream({ name: stream, subjects: [`${prefix}.>`] });
  dir = mkdtempSync(join(tmpdir(), "projection-rebuild-it-"));
});

afterAll(async () => {
  await bus.jsm.streams.delete(stream).catch(() => undefined);
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
});

const text = (s: string) => new TextEncoder().encode(s);

async function publish(count: number, kind: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    published++;
    await bus.publish(`${prefix}.counted.${kind}`, text(String(published)), { msgId: `${run}-${published}` });
  }
}

/**
 * Counts events per kind (an upsert) and logs each one it applies: an event applied twice shows
 * as a count above the log's distinct sequences, a lost one as a count below what was published.
 */
function spec(path: string): ProjectionSpec<string> {
  return {
    name: "rebuild-test",
    path,
    version: 1,
    batchSize: 7,
    schema: [
      "CREATE TABLE IF NOT EXISTS counts (kind VARCHAR PRIMARY KEY, n BIGINT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS seen (seq BIGINT NOT NULL)",
    ],
    sources: [{ stream, filterSubjects: [`${prefix}.counted.>`], decode: (data) => new TextDecoder().decode(data) }],
    apply: async (writer, events) => {
      for (const e of events) {
        const kind = e.subject.split(".").pop()!;
        await writer.run("INSERT INTO counts VALUES (?, 1) ON CONFLICT (kind) DO UPDATE SET n = n + 1", [kind]);
        await writer.run("INSERT INTO seen VALUES (?)", [e.streamSequence]);
      }
    },
  };
}

async function totals(projection: Projection<string>): Promise<{ counted: number; seen: number; distinct: number }> {
  const [counts] = await projection.query("SELECT coalesce(sum(n), 0) AS n FROM counts");
  const [seen] = await projection.query("SELECT count(*) AS n, count(DISTINCT seq) AS d FROM seen");
  return { counted: Number(counts!.n), seen: Number(seen!.n), distinct: Number(seen!.d) };
}

async function until(check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 20_000;
  while (!(await check()) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
}

/** Queries the projection over and over until stopped; every query must answer. */
function keepQuerying(projection: Projection<string>): { stop: () => Promise<number> } {
  let stopped = false;
  let answered = 0;
  const loop = (async () => {
    while (!stopped) {
      await totals(projection);
      answered++;
      await new Promise((r) => setImmediate(r));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return answered;
    },
  };
}

async function rebuildWhilePublishing(projection: Projection<string>): Promise<RebuildReport> {
  const before = published;
  const publishing = publish(120, "during");
  const queries = keepQuerying(projection);
  const first = projection.rebuild();
  const second = projection.rebuild();
  // One rebuild at a time: the second call is handed the running one.
  expect(second).toBe(first);
  const status = await projection.status();
  expect(status.rebuilding).toBe(true);
  expect(status.startedAt).toBeInstanceOf(Date);
  const report = await first;
  await publishing;
  expect(await queries.stop()).toBeGreaterThan(0);

  // It replayed at least what the stream held when the rebuild started.
  expect(report.events).toBeGreaterThanOrEqual(before);
  expect(report.events).toBeLessThanOrEqual(published);
  expect(report.finishedAt.getTime()).toBeGreaterThanOrEqual(report.startedAt.getTime());
  expect(report.positions[stream]).toBeGreaterThanOrEqual(before);

  // Events published during and after the switch are applied by the new database, each once.
  await until(async () => (await totals(projection)).counted >= published);
  expect(await totals(projection)).toEqual({ counted: published, seen: published, distinct: published });
  expect((await projection.positions())[stream]).toBe((await bus.jsm.streams.info(stream)).state.last_seq);
  const after = await projection.status();
  expect(after.rebuilding).toBe(false);
  expect(after.startedAt).toBeUndefined();
  expect(after.lastRebuild).toEqual(report);
  expect(after.caughtUp).toBe(true);
  return report;
}

test("a file projection rebuilt while events are published ends with every event counted once and only its configured file", async () => {
  await publish(300, "before");
  const folder = join(dir, "file");
  const path = join(folder, "model.duckdb");
  const projection = await Projection.open(spec(path), bus, logger);
  await projection.caughtUp();
  expect((await totals(projection)).counted).toBe(published);

  await rebuildWhilePublishing(projection);
  expect(readdirSync(folder).filter((f) => f !== "model.duckdb" && f !== "model.duckdb.wal")).toEqual([]);

  // A second rebuild later is a new one, and the file still reopens where it left off.
  const again = await projection.rebuild();
  expect(again.events).toBe(published);
  await projection.close();
  expect(readdirSync(folder).filter((f) => f !== "model.duckdb" && f !== "model.duckdb.wal")).toEqual([]);
  await publish(5, "closed");
  const reopened = await Projection.open(spec(path), bus, logger);
  await reopened.caughtUp();
  await until(async () => (await totals(reopened)).counted >= published);
  expect(await totals(reopened)).toEqual({ counted: published, seen: published, distinct: published });
  await reopened.close();
});

test("an in-memory projection rebuilt while events are published ends with every event counted once", async () => {
  const projection = await Projection.open(spec(":memory:"), bus, logger);
  await projection.caughtUp();
  await rebuildWhilePublishing(projection);
  await projection.close();
});

test("closing during a rebuild stops it and removes its file; the projection is then closed", async () => {
  const folder = join(dir, "closing");
  const path = join(folder, "model.duckdb");
  const projection = await Projection.open({ ...spec(path), batchSize: 1 }, bus, logger);
  await projection.caughtUp();
  const rebuilding = projection.rebuild();
  await projection.close();
  await expect(rebuilding).rejects.toThrow(/closed/);
  expect(readdirSync(folder).filter((f) => f.includes(".rebuild"))).toEqual([]);
  await expect(projection.rebuild()).rejects.toThrow(/closed/);
});

test("a rebuild from a snapshot starts with the snapshot's rows and positions and replays only what came after them", async () => {
  const folder = join(dir, "snapshot");
  mkdirSync(folder, { recursive: true });
  const source = await Projection.open(spec(join(folder, "source.duckdb")), bus, logger);
  await source.caughtUp();
  await until(async () => (await totals(source)).counted >= published);
  const inSnapshot = published;
  await source.close();
  // A copy of a closed replica's file (a file a projection has open may be mid-write).
  const snapshot = join(folder, "snapshot.duckdb");
  copyFileSync(join(folder, "source.duckdb"), snapshot);
  if (existsSync(join(folder, "source.duckdb.wal"))) copyFileSync(join(folder, "source.duckdb.wal"), `${snapshot}.wal`);

  await publish(40, "after-snapshot");
  const projection = await Projection.open(spec(join(folder, "model.duckdb")), bus, logger);
  await projection.caughtUp();
  const report = await projection.rebuild({ from: snapshot });
  expect(report.from).toBe(snapshot);
  expect(report.events).toBe(published - inSnapshot);
  expect(await totals(projection)).toEqual({ counted: published, seen: published, distinct: published });
  expect(report.positions[stream]).toBe((await bus.jsm.streams.info(stream)).state.last_seq);
  await projection.close();

  // A snapshot of another version is refused; the active database stays and answers.
  const other = await Projection.open({ ...spec(join(folder, "other.duckdb")), version: 2 }, bus, logger);
  await other.caughtUp();
  await expect(other.rebuild({ from: snapshot })).rejects.toThrow(/version 1, not 2/);
  expect(await totals(other)).toEqual({ counted: published, seen: published, distinct: published });
  expect(existsSync(join(folder, "other.duckdb.rebuild"))).toBe(false);
  expect((await other.status()).rebuilding).toBe(false);
  await other.close();
});
