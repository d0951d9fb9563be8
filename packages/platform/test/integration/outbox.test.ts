import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Schema, type Connection } from "mongoose";
import { EventBus } from "../../src/events/bus";
import { enqueue, outboxFields, OutboxRelay, pendingEvent, type PendingEvent } from "../../src/events/outbox";
import { createLogger } from "../../src/logger";
import { connectMongo, ensureIndexes } from "../../src/mongo";

// Real FerretDB and NATS JetStream, started by `make test` (deploy/stack.sh); the test of a
// NATS outage runs a NATS server of its own, so it can stop it.
const natsUrl = process.env.NATS_URL ?? `nats://127.0.0.1:${process.env.NATS_PORT ?? 4222}`;
const mongoBase = process.env.MONGO_BASE_URI ?? `mongodb://127.0.0.1:${process.env.FERRETDB_PORT ?? 27017}`;
const logger = createLogger("outbox-test", "silent");
const run = randomUUID().slice(0, 8);
const stream = `OUTBOX_${run.toUpperCase()}`;
const streamSpec = { name: stream, subjects: [`outbox${run}.>`], duplicateWindowMs: 600_000, maxAgeMs: 3600_000 };
const subjectOf = (s: string) => `outbox${run}.${s}`;
const bytes = (s: string) => new TextEncoder().encode(s);

jest.setTimeout(60_000);

interface Thing {
  _id: string;
  tenantId: string;
  name: string;
  outbox: PendingEvent[];
}

let db: Connection;
let bus: EventBus;
const relays: OutboxRelay[] = [];

/** A relay that afterAll stops, whatever the test did. */
function relayOf(options: ConstructorParameters<typeof OutboxRelay>[3] = {}, on: EventBus = bus): OutboxRelay {
  const relay = new OutboxRelay(on, [db.model<Thing>("Thing")], logger, options);
  relays.push(relay);
  return relay;
}

async function until<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last value: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  db = await connectMongo(`${mongoBase}/relata_platform_it_${run}`, logger);
  db.model<Thing>("Thing", new Schema({ _id: String, tenantId: String, name: String, ...outboxFields }));
  await ensureIndexes(db);
  bus = await EventBus.connect(natsUrl, "outbox-test", logger);
  await bus.ensureStream(streamSpec);
});

afterAll(async () => {
  for (const relay of relays) await relay.stop();
  await bus.jsm.streams.delete(stream).catch(() => undefined);
  await bus.close();
  await db.dropDatabase().catch(() => undefined);
  await db.close();
});

const Things = () => db.model<Thing>("Thing");
const outboxOf = async (id: string) => (await Things().findOne({ _id: id }).lean())?.outbox ?? [];

/** What the stream holds on the subjects of one test, oldest first. */
async function messages(on: EventBus = bus): Promise<{ subject: string; id: string }[]> {
  const info = await on.jsm.streams.info(stream);
  const out = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await on.jsm.streams.getMessage(stream, { seq });
    if (m) out.push({ subject: m.subject, id: m.header.get("Nats-Msg-Id") });
  }
  return out;
}

const idsOn = async (prefix: string, on: EventBus = bus) => (await messages(on)).filter((m) => m.subject.startsWith(subjectOf(prefix))).map((m) => m.id);

async function thingWithEvents(id: string, prefix: string, count: number): Promise<PendingEvent[]> {
  const events = Array.from({ length: count }, (_, i) => pendingEvent(subjectOf(`${prefix}.${i}`), bytes(`${prefix}${i}`)));
  await Things().create({ _id: id, tenantId: "acme", name: id, outbox: events });
  return events;
}

describe("document outbox and relay", () => {
  it("publishes one written record's events by its id, in order, and nothing of other records", async () => {
    const created = pendingEvent(subjectOf("byid.created"), bytes("c"));
    await Things().create({ _id: "byid-1", tenantId: "acme", name: "one", outbox: [created] });
    const renamed = pendingEvent(subjectOf("byid.renamed"), bytes("r"));
    await Things().updateOne({ _id: "byid-1", tenantId: "acme" }, { $set: { name: "uno" }, ...enqueue(renamed) });
    const [other] = await thingWithEvents("byid-2", "byid.other", 1);

    // Never started: no sweep runs, so only the by-id publish can publish anything.
    const relay = relayOf();
    relay.publishWritten(Things(), "byid-1");
    await until(() => outboxOf("byid-1"), (o) => o.length === 0, "byid-1's outbox to empty");

    expect(await idsOn("byid.")).toEqual([created.id, renamed.id]);
    expect((await outboxOf("byid-2")).map((e) => e.id)).toEqual([other!.id]);
    expect(relay.published).toBe(2);
    expect(relay.backlog()).toEqual({ pending: 0 });
  });

  it("publishes the events of every document a batch wrote from one nudge naming them all", async () => {
    const written = [];
    for (let i = 0; i < 20; i++) written.push(...(await thingWithEvents(`batch-${i}`, `batch.${i}`, 1)));
    const [untouched] = await thingWithEvents("batch-other", "batch.other", 1);

    // Never started: no sweep runs, so only the nudge can publish anything.
    const relay = relayOf();
    relay.publishWritten(Things(), Array.from({ length: 20 }, (_, i) => `batch-${i}`));
    await until(() => idsOn("batch."), (ids) => ids.length >= 20, "the batch's 20 events");

    expect((await idsOn("batch.")).sort()).toEqual(written.map((e) => e.id).sort());
    for (let i = 0; i < 20; i++) expect(await outboxOf(`batch-${i}`)).toEqual([]);
    expect((await outboxOf("batch-other")).map((e) => e.id)).toEqual([untouched!.id]);
  });

  it("sweeps the leftovers of an earlier process at start, across batches, and republishes nothing already on the stream", async () => {
    const left = [];
    for (let i = 0; i < 5; i++) left.push(...(await thingWithEvents(`left-${i}`, `left.${i}`, 2)));
    // The earlier relay got as far as publishing the first event of left-0 before it died.
    await bus.publish(left[0]!.subject, left[0]!.data, { msgId: left[0]!.id });

    // A relay that does not publish counts what waits (for the metrics) and leaves it.
    const counting = relayOf({ publish: false });
    await counting.sweep();
    expect(counting.backlog().pending).toBeGreaterThanOrEqual(10);
    expect(counting.backlog().oldest!.getTime()).toBeLessThanOrEqual(left[0]!.createdAt.getTime());
    expect(await outboxOf("left-0")).toHaveLength(2);

    const relay = relayOf({ batchSize: 2 });
    relay.start();
    const things = Array.from({ length: 5 }, (_, i) => `left-${i}`);
    await until(async () => (await Promise.all(things.map(outboxOf))).flat().length, (n) => n === 0, "the leftovers to be published");

    const onStream = await idsOn("left.");
    expect([...onStream].sort()).toEqual(left.map((e) => e.id).sort());
    // Within a document, in the order written.
    for (let i = 0; i < 5; i++) {
      const mine = left.slice(2 * i, 2 * i + 2).map((e) => e.id);
      expect(onStream.filter((id) => mine.includes(id))).toEqual(mine);
    }
    await until(() => relay.backlog().pending, (n) => n === 0, "the backlog to be empty");
    await relay.stop();
    await counting.sweep();
    expect(counting.backlog()).toEqual({ pending: 0 });
  });

  it("publishes each event once when publishes of one record are asked for concurrently with its writes", async () => {
    const relay = relayOf();
    const written: PendingEvent[] = [];
    written.push(...(await thingWithEvents("busy", "busy.0", 1)));
    const writes = [];
    for (let i = 1; i <= 20; i++) {
      const event = pendingEvent(subjectOf(`busy.${i}`), bytes(`b${i}`));
      written.push(event);
      // Each write hands its record over as it is acknowledged, while earlier publishes run.
      writes.push(Things().updateOne({ _id: "busy" }, enqueue(event)).then(() => relay.publishWritten(Things(), "busy")));
      relay.publishWritten(Things(), "busy");
    }
    await Promise.all(writes);
    const sweeping = relay.sweep();
    relay.publishWritten(Things(), "busy");
    await sweeping;
    await until(() => outboxOf("busy"), (o) => o.length === 0, "the busy outbox to empty");
    await relay.stop();

    const onStream = await idsOn("busy.");
    expect(onStream).toHaveLength(written.length);
    expect(new Set(onStream)).toEqual(new Set(written.map((e) => e.id)));
    // Not one publish more than events: none was left to JetStream's de-duplication.
    expect(relay.published).toBe(written.length);
  });

  it("leaves a publish that failed while NATS was down to the sweep, which publishes it once NATS is back", async () => {
    const nats = await OwnNats.start();
    const ownBus = await EventBus.connect(nats.url, "outbox-test-outage", logger);
    try {
      await ownBus.ensureStream(streamSpec);
      const relay = relayOf({ retryAfterMs: 200, sweepIntervalMs: 60_000 }, ownBus);
      relay.start();
      await nats.stop();

      const [event] = await thingWithEvents("outage", "outage", 1);
      relay.publishWritten(Things(), "outage");
      await until(() => relay.publishFailures, (n) => n >= 1, "the publish to fail while NATS is down");
      expect(relay.backlog()).toMatchObject({ pending: 1, oldest: event!.createdAt });
      expect(await outboxOf("outage")).toHaveLength(1);

      await nats.restart();
      // Nothing asks for this record again: only the sweep can publish it.
      await until(() => outboxOf("outage"), (o) => o.length === 0, "the sweep to publish the event", 45_000);
      expect(await idsOn("outage", ownBus)).toEqual([event!.id]);
      expect(relay.backlog()).toEqual({ pending: 0 });
      await relay.stop();
    } finally {
      await ownBus.close();
      await nats.stop();
      nats.remove();
    }
  });
});

/** A NATS server of this test's own (same port and store across a restart). */
class OwnNats {
  private child?: ChildProcess;

  private constructor(
    private readonly port: number,
    private readonly storeDir: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<OwnNats> {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const address = probe.address();
        probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
      });
    });
    const nats = new OwnNats(port, mkdtempSync(join(tmpdir(), "relata-outbox-nats-")));
    await nats.restart();
    return nats;
  }

  async restart(): Promise<void> {
    const child = spawn("nats-server", ["-js", "-a", "127.0.0.1", "-p", String(this.port), "-sd", this.storeDir], { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString("utf8");
        if (output.includes("Server is ready")) resolve();
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code) => reject(new Error(`nats-server exited (${code}): ${output}`)));
      child.once("error", reject);
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  }

  remove(): void {
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
