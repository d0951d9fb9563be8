import { randomUUID } from "node:crypto";
import { EventBus } from "../../src/events/bus";
import { createLogger } from "../../src/logger";

// Real NATS JetStream, started by `make test` (deploy/stack.sh).
const natsUrl = process.env.NATS_URL ?? `nats://127.0.0.1:${process.env.NATS_PORT ?? 4222}`;
const logger = createLogger("bus-await-test", "silent");
const run = randomUUID().slice(0, 8);
const stream = `AWAIT_${run.toUpperCase()}`;
const subject = `await${run}.thing.happened`;

let bus: EventBus;

beforeAll(async () => {
  bus = await EventBus.connect(natsUrl, "bus-await-test", logger);
});

afterAll(async () => {
  await bus.jsm.streams.delete(stream).catch(() => undefined);
  await bus.close();
});

test("a consumer of another service's stream that does not exist yet starts once the stream is created, from its first message", async () => {
  const seen: string[] = [];
  const loop = await bus.consume({
    stream,
    durable: `await-${run}`,
    filterSubjects: [`await${run}.>`],
    awaitStream: true,
    decode: (data) => new TextDecoder().decode(data),
    handle: async ({ event }) => {
      seen.push(event);
    },
  });
  // The owner creates its stream and publishes, later.
  await new Promise((r) => setTimeout(r, 500));
  await bus.ensureStream({ name: stream, subjects: [`await${run}.>`] });
  await bus.publish(subject, new TextEncoder().encode("first"), { msgId: `${run}-1` });
  await bus.publish(subject, new TextEncoder().encode("second"), { msgId: `${run}-2` });
  const end = Date.now() + 15_000;
  while (seen.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  expect(seen).toEqual(["first", "second"]);
  await loop.stop();
});

test("without awaitStream, a missing stream is an error at once", async () => {
  await expect(
    bus.consume({ stream: `${stream}_MISSING`, durable: `missing-${run}`, filterSubjects: ["x.>"], decode: () => null, handle: async () => undefined }),
  ).rejects.toThrow(/not found/);
});
