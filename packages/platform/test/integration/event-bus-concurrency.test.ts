import { randomUUID } from "node:crypto";
import { EventBus } from "../../src/events/bus";
import { createLogger } from "../../src/logger";

// Real NATS JetStream, started by `make test` (deploy/stack.sh).
const natsUrl = process.env.NATS_URL ?? `nats://127.0.0.1:${process.env.NATS_PORT ?? 4222}`;
const logger = createLogger("bus-concurrency-test", "silent");
const run = randomUUID().slice(0, 8);
const stream = `CONC_${run.toUpperCase()}`;
const prefix = `conc${run}`;

let bus: EventBus;

beforeAll(async () => {
  bus = await EventBus.connect(natsUrl, "bus-concurrency-test", logger);
  await bus.ensureStream({ name: stream, subjects: [`${prefix}.>`] });
});

afterAll(async () => {
  await bus.jsm.streams.delete(stream).catch(() => undefined);
  await bus.close();
});

/** Handlers that wait until released; records how many ran at once at most. */
function gate() {
  let running = 0;
  let peak = 0;
  const waiting: (() => void)[] = [];
  return {
    get peak() {
      return peak;
    },
    get running() {
      return running;
    },
    async enter() {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => waiting.push(resolve));
      running--;
    },
    releaseAll() {
      while (waiting.length) waiting.shift()!();
    },
  };
}

async function until(done: () => boolean, ms = 15_000) {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

test("with concurrency 4, four messages are handled side by side and no more; every one is acked once released", async () => {
  const g = gate();
  const seen: string[] = [];
  const loop = await bus.consume({
    stream,
    durable: `conc4-${run}`,
    filterSubjects: [`${prefix}.four.>`],
    concurrency: 4,
    decode: (data) => new TextDecoder().decode(data),
    handle: async ({ event }) => {
      await g.enter();
      seen.push(event);
    },
  });
  for (let i = 0; i < 10; i++) await bus.publish(`${prefix}.four.x`, new TextEncoder().encode(`m${i}`), { msgId: `${run}-four-${i}` });
  await until(() => g.running === 4);
  // Give a fifth a chance to start, were the bound not kept.
  await new Promise((r) => setTimeout(r, 300));
  expect(g.running).toBe(4);
  while (seen.length < 10) {
    g.releaseAll();
    await until(() => g.running > 0 || seen.length === 10, 2_000);
  }
  expect(g.peak).toBe(4);
  expect([...seen].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`).sort());
  await loop.stop();
  expect(await bus.pending(stream, `conc4-${run}`)).toBe(0);
});

test("without concurrency, messages are handled one at a time in order", async () => {
  const g = gate();
  const seen: string[] = [];
  const loop = await bus.consume({
    stream,
    durable: `conc1-${run}`,
    filterSubjects: [`${prefix}.one.>`],
    decode: (data) => new TextDecoder().decode(data),
    handle: async ({ event }) => {
      await g.enter();
      seen.push(event);
    },
  });
  for (let i = 0; i < 5; i++) await bus.publish(`${prefix}.one.x`, new TextEncoder().encode(`m${i}`), { msgId: `${run}-one-${i}` });
  while (seen.length < 5) {
    await until(() => g.running > 0, 5_000);
    g.releaseAll();
    await until(() => g.running === 0, 2_000);
  }
  expect(g.peak).toBe(1);
  expect(seen).toEqual(["m0", "m1", "m2", "m3", "m4"]);
  await loop.stop();
});

test("stop waits for the handlers still running", async () => {
  let started = 0;
  let finished = 0;
  const loop = await bus.consume({
    stream,
    durable: `concstop-${run}`,
    filterSubjects: [`${prefix}.stop.>`],
    concurrency: 3,
    decode: (data) => new TextDecoder().decode(data),
    handle: async () => {
      started++;
      await new Promise((r) => setTimeout(r, 500));
      finished++;
    },
  });
  for (let i = 0; i < 3; i++) await bus.publish(`${prefix}.stop.x`, new TextEncoder().encode(`m${i}`), { msgId: `${run}-stop-${i}` });
  await until(() => started === 3);
  expect(finished).toBe(0);
  await loop.stop();
  expect(finished).toBe(3);
});
