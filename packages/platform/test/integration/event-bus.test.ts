import { randomUUID } from "node:crypto";
import { DEAD_LETTER_STREAM, EventBus, type ReceivedEvent } from "../../src/events/bus";
import { createLogger } from "../../src/logger";

// Real NATS JetStream, started by `make test` (deploy/stack.sh).
const natsUrl = process.env.NATS_URL ?? `nats://127.0.0.1:${process.env.NATS_PORT ?? 4222}`;
const logger = createLogger("bus-test", "silent");
const run = randomUUID().slice(0, 8);
const stream = `TEST_${run.toUpperCase()}`;
const subject = (s: string) => `test${run}.${s}`;
const text = new TextEncoder();
const decodeJson = (data: Uint8Array) => JSON.parse(new TextDecoder().decode(data)) as { n: number };

async function until<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

let bus: EventBus;

beforeAll(async () => {
  bus = await EventBus.connect(natsUrl, "bus-test", logger);
  await bus.ensureStream({ name: stream, subjects: [`test${run}.>`], duplicateWindowMs: 60_000, maxAgeMs: 3600_000 });
});

afterAll(async () => {
  await bus.jsm.streams.delete(stream).catch(() => undefined);
  // The dead-letter stream is shared and outlives runs: take this run's messages off it.
  await bus.jsm.streams.purge(DEAD_LETTER_STREAM.name, { filter: `deadletter.${stream}.>` }).catch(() => undefined);
  await bus.close();
});

describe("JetStream event bus", () => {
  it("drops a second publish with the same message id", async () => {
    const first = await bus.publish(subject("dedup"), text.encode('{"n":1}'), { msgId: `dedup-${run}` });
    const second = await bus.publish(subject("dedup"), text.encode('{"n":1}'), { msgId: `dedup-${run}` });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);
  });

  it("redelivers after a handler failure, then acks once it succeeds", async () => {
    const seen: ReceivedEvent<{ n: number }>[] = [];
    const loop = await bus.consume({
      stream,
      durable: `retry-${run}`,
      filterSubjects: [subject("retry")],
      decode: decodeJson,
      retryDelayMs: () => 100,
      handle: async (received) => {
        seen.push(received);
        if (received.deliveryCount < 3) throw new Error("transient");
      },
    });
    await bus.publish(subject("retry"), text.encode('{"n":7}'), { msgId: `retry-${run}` });
    await until(() => loop.stats.consumed, (n) => n === 1);
    await loop.stop();
    expect(seen.map((s) => s.deliveryCount)).toEqual([1, 2, 3]);
    expect(seen.every((s) => s.event.n === 7)).toBe(true);
    expect(loop.stats).toMatchObject({ consumed: 1, failed: 2, redelivered: 2, poisoned: 0 });
    expect(await bus.pending(stream, `retry-${run}`)).toBe(0);
  });

  it("sets a poison message aside on the dead-letter stream after max deliveries, and counts it", async () => {
    const durable = `poison-${run}`;
    // Read back from here only: the dead-letter stream keeps what earlier runs set aside.
    const fromSeq = (await bus.jsm.streams.info(DEAD_LETTER_STREAM.name)).state.last_seq + 1;
    const loop = await bus.consume({
      stream,
      durable,
      filterSubjects: [subject("poison")],
      decode: decodeJson,
      maxDeliver: 2,
      retryDelayMs: () => 50,
      handle: async () => {
        throw new Error("always fails");
      },
    });
    await bus.publish(subject("poison"), text.encode('{"n":9}'), { msgId: `poison-${run}` });
    // An undecodable message is set aside at once.
    await bus.publish(subject("poison"), text.encode("not json"), { msgId: `garbage-${run}` });
    await until(() => loop.stats.poisoned, (n) => n === 2);
    await loop.stop();
    expect(loop.stats.poisoned).toBe(2);
    expect(loop.stats.consumed).toBe(0);

    const setAside: { subject: string; failure: string }[] = [];
    const dead = await bus.jsm.streams.info(DEAD_LETTER_STREAM.name);
    for (let seq = fromSeq; seq <= dead.state.last_seq; seq++) {
      const m = await bus.jsm.streams.getMessage(DEAD_LETTER_STREAM.name, { seq }).catch(() => null);
      if (m?.subject === `deadletter.${stream}.${durable}`) {
        setAside.push({ subject: m.header.get("Relata-Original-Subject"), failure: m.header.get("Relata-Failure") });
      }
    }
    expect(setAside).toHaveLength(2);
    expect(setAside.every((m) => m.subject === subject("poison"))).toBe(true);
    expect(setAside.map((m) => m.failure).sort()).toEqual(["Error: always fails", expect.stringMatching(/^undecodable/)]);
    expect(await bus.pending(stream, durable)).toBe(0);
  });

  it("keeps a handler that outlasts the ack wait from being redelivered while it reports progress", async () => {
    const seen: number[] = [];
    const loop = await bus.consume({
      stream,
      durable: `long-${run}`,
      filterSubjects: [subject("long")],
      decode: decodeJson,
      ackWaitMs: 1_000,
      workingIntervalMs: 250,
      prefetch: 1,
      handle: async (received) => {
        seen.push(received.deliveryCount);
        await new Promise((r) => setTimeout(r, 3_000));
      },
    });
    await bus.publish(subject("long"), text.encode('{"n":1}'), { msgId: `long-1-${run}` });
    await bus.publish(subject("long"), text.encode('{"n":2}'), { msgId: `long-2-${run}` });
    await until(() => loop.stats.consumed, (n) => n === 2, 20_000);
    await new Promise((r) => setTimeout(r, 1_500));
    // Two handlings of 3 s each with a 1 s ack wait: without the reports each would come back.
    expect({ seen, redelivered: loop.stats.redelivered }).toEqual({ seen: [1, 1], redelivered: 0 });
    await loop.stop();
  }, 30_000);

  it("starts a new durable at the messages published after it, when asked to", async () => {
    await bus.publish(subject("fresh"), text.encode('{"n":1}'), { msgId: `fresh-1-${run}` });
    const seen: number[] = [];
    const loop = await bus.consume({
      stream,
      durable: `fresh-${run}`,
      filterSubjects: [subject("fresh")],
      decode: decodeJson,
      startFrom: "new",
      handle: async (received) => {
        seen.push(received.event.n);
      },
    });
    await bus.publish(subject("fresh"), text.encode('{"n":2}'), { msgId: `fresh-2-${run}` });
    await until(() => loop.stats.consumed, (n) => n >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([2]);
    await loop.stop();
  });

  it("resumes a durable consumer where it stopped", async () => {
    const durable = `resume-${run}`;
    const got: number[] = [];
    const spec = {
      stream,
      durable,
      filterSubjects: [subject("resume")],
      decode: decodeJson,
      handle: async (r: ReceivedEvent<{ n: number }>) => void got.push(r.event.n),
    };
    const first = await bus.consume(spec);
    await bus.publish(subject("resume"), text.encode('{"n":1}'), { msgId: `resume-1-${run}` });
    await until(() => got.length, (n) => n === 1);
    await first.stop();
    await bus.publish(subject("resume"), text.encode('{"n":2}'), { msgId: `resume-2-${run}` });
    const second = await bus.consume(spec);
    await until(() => got.length, (n) => n === 2);
    await second.stop();
    expect(got).toEqual([1, 2]);
    // Each handled once, and handled: nothing failed or was set aside.
    expect(first.stats).toMatchObject({ consumed: 1, failed: 0, poisoned: 0 });
    expect(second.stats).toMatchObject({ consumed: 1, failed: 0, poisoned: 0 });
  });
});
