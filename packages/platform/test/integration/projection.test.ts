import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBus } from "../../src/events/bus";
import { createLogger } from "../../src/logger";
import { Projection, type ProjectionSpec } from "../../src/projection";

// Real NATS JetStream, started by `make test` (deploy/stack.sh).
const natsUrl = process.env.NATS_URL ?? `nats://127.0.0.1:${process.env.NATS_PORT ?? 4222}`;
const logger = createLogger("projection-test", "silent");
const run = randomUUID().slice(0, 8);
const stream = `PROJ_${run.toUpperCase()}`;
const later = `PROJLATE_${run.toUpperCase()}`;

let bus: EventBus;
let dir: string;

beforeAll(async () => {
  bus = await EventBus.connect(natsUrl, "projection-test", logger);
  await bus.ensureStream({ name: stream, subjects: [`proj${run}.>`] });
  dir = mkdtempSync(join(tmpdir(), "projection-it-"));
});

afterAll(async () => {
  for (const name of [stream, later]) await bus.jsm.streams.delete(name).catch(() => undefined);
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
});

const text = (s: string) => new TextEncoder().encode(s);
const publish = (subject: string, body: string) => bus.publish(subject, text(body), { msgId: `${run}-${subject}-${body}` });

/** Appends every event it applies (never an upsert): an event applied twice would show as two rows. */
function spec(path: string, streamName = stream, prefix = `proj${run}`): ProjectionSpec<string> {
  return {
    name: "test",
    path,
    version: 1,
    batchSize: 3,
    schema: ["CREATE TABLE IF NOT EXISTS seen (seq BIGINT, subject VARCHAR, body VARCHAR)"],
    sources: [{ stream: streamName, filterSubjects: [`${prefix}.kept.>`], decode: (data) => new TextDecoder().decode(data) }],
    apply: async (writer, events) => {
      for (const e of events) await writer.run("INSERT INTO seen VALUES (?, ?, ?)", [e.streamSequence, e.subject, e.event]);
    },
  };
}

async function rows(projection: Projection<string>): Promise<string[]> {
  return (await projection.query("SELECT body FROM seen ORDER BY seq")).map((r) => String(r.body));
}

async function until(check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 15_000;
  while (!(await check()) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
}

test("applies each event once across a restart, resumes after the recorded sequence, and a fresh file replays to the same state", async () => {
  for (const body of ["a1", "a2", "a3", "a4", "a5"]) await publish(`proj${run}.kept.x`, body);
  await publish(`proj${run}.ignored.x`, "not-mine");
  const file = join(dir, "first.duckdb");

  const first = await Projection.open(spec(file), bus, logger);
  await first.caughtUp();
  expect(await rows(first)).toEqual(["a1", "a2", "a3", "a4", "a5"]);
  // Events published while it runs are applied too.
  await publish(`proj${run}.kept.y`, "b1");
  await until(async () => (await rows(first)).length === 6);
  expect(await rows(first)).toEqual(["a1", "a2", "a3", "a4", "a5", "b1"]);
  const recorded = (await first.positions())[stream];
  const info = await bus.jsm.streams.info(stream);
  expect(recorded).toBe(info.state.last_seq);
  await first.close();

  // While it is stopped, more events; on start it reads from the recorded position on.
  for (const body of ["c1", "c2", "c3", "c4"]) await publish(`proj${run}.kept.z`, body);
  const again = await Projection.open(spec(file), bus, logger);
  await again.caughtUp();
  const expected = ["a1", "a2", "a3", "a4", "a5", "b1", "c1", "c2", "c3", "c4"];
  expect(await rows(again)).toEqual(expected);
  const [{ n, distinct }] = (await again.query("SELECT count(*) AS n, count(DISTINCT seq) AS distinct FROM seen")) as [{ n: bigint; distinct: bigint }];
  expect(Number(n)).toBe(expected.length);
  expect(Number(distinct)).toBe(expected.length);
  const restartState = await again.query("SELECT seq, subject, body FROM seen ORDER BY seq");
  const restartPositions = await again.positions();
  await again.close();

  // A fresh file (a new replica, a lost volume) replays the stream from its start to the same state.
  const fresh = await Projection.open(spec(join(dir, "fresh.duckdb")), bus, logger);
  await fresh.caughtUp();
  expect(await fresh.query("SELECT seq, subject, body FROM seen ORDER BY seq")).toEqual(restartState);
  expect(await fresh.positions()).toEqual(restartPositions);
  await fresh.close();
});

test("a stream that does not exist yet is caught up at once and read once it is created", async () => {
  const projection = await Projection.open(spec(":memory:", later, `late${run}`), bus, logger);
  await projection.caughtUp();
  expect(await rows(projection)).toEqual([]);
  await bus.ensureStream({ name: later, subjects: [`late${run}.>`] });
  await bus.publish(`late${run}.kept.x`, text("first"), { msgId: `${run}-late-1` });
  await until(async () => (await rows(projection)).length === 1);
  expect(await rows(projection)).toEqual(["first"]);
  await projection.close();
});

test("an event that cannot be applied is skipped, the rest of its batch applied and the position kept moving", async () => {
  const base = spec(":memory:");
  const projection = await Projection.open<string>(
    {
      ...base,
      apply: async (writer, events) => {
        for (const e of events) {
          if (e.event === "poison") throw new Error("cannot apply this one");
          await writer.run("INSERT INTO seen VALUES (?, ?, ?)", [e.streamSequence, e.subject, e.event]);
        }
      },
    },
    bus,
    logger,
  );
  await projection.caughtUp();
  const before = await rows(projection);
  for (const body of ["p1", "poison", "p2"]) await publish(`proj${run}.kept.p`, body);
  await until(async () => (await rows(projection)).length === before.length + 2);
  expect((await rows(projection)).slice(before.length)).toEqual(["p1", "p2"]);
  expect((await projection.positions())[stream]).toBe((await bus.jsm.streams.info(stream)).state.last_seq);
  await projection.close();
});
