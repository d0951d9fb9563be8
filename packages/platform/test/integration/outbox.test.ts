import { randomUUID } from "node:crypto";
import { Schema, type Connection } from "mongoose";
import { EventBus } from "../../src/events/bus";
import { enqueue, outboxFields, OutboxRelay, pendingEvent, type PendingEvent } from "../../src/events/outbox";
import { createLogger } from "../../src/logger";
import { connectMongo, ensureIndexes } from "../../src/mongo";

// Real FerretDB and NATS JetStream, started by `make test` (deploy/stack.sh).
const natsUrl = process.env.NATS_URL ?? `nats://127.0.0.1:${process.env.NATS_PORT ?? 4222}`;
const mongoBase = process.env.MONGO_BASE_URI ?? `mongodb://127.0.0.1:${process.env.FERRETDB_PORT ?? 27017}`;
const logger = createLogger("outbox-test", "silent");
const run = randomUUID().slice(0, 8);
const stream = `OUTBOX_${run.toUpperCase()}`;
const subjectOf = (s: string) => `outbox${run}.${s}`;

interface Thing {
  _id: string;
  tenantId: string;
  name: string;
  outbox: PendingEvent[];
}

let db: Connection;
let bus: EventBus;

beforeAll(async () => {
  db = await connectMongo(`${mongoBase}/relata_platform_it_${run}`, logger);
  db.model<Thing>("Thing", new Schema({ _id: String, tenantId: String, name: String, ...outboxFields }));
  await ensureIndexes(db);
  bus = await EventBus.connect(natsUrl, "outbox-test", logger);
  await bus.ensureStream({ name: stream, subjects: [`outbox${run}.>`], duplicateWindowMs: 600_000, maxAgeMs: 3600_000 });
});

afterAll(async () => {
  await bus.jsm.streams.delete(stream).catch(() => undefined);
  await bus.close();
  await db.dropDatabase().catch(() => undefined);
  await db.close();
});

async function subjectsInStream(): Promise<{ subject: string; id: string | undefined }[]> {
  const info = await bus.jsm.streams.info(stream);
  const out = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await bus.jsm.streams.getMessage(stream, { seq });
    if (m) out.push({ subject: m.subject, id: m.header.get("Nats-Msg-Id") || undefined });
  }
  return out;
}

describe("document outbox and relay", () => {
  it("publishes the events written with a state change, in order, and empties the outbox", async () => {
    const Things = db.model<Thing>("Thing");
    const created = pendingEvent(subjectOf("created"), new TextEncoder().encode("c"));
    await Things.create({ _id: "t1", tenantId: "acme", name: "one", outbox: [created] });
    const renamed = pendingEvent(subjectOf("renamed"), new TextEncoder().encode("r"));
    await Things.updateOne({ _id: "t1", tenantId: "acme" }, { $set: { name: "uno" }, ...enqueue(renamed) });

    const relay = new OutboxRelay(bus, [Things], logger, 60_000);
    expect(await relay.backlog()).toMatchObject({ pending: 2, oldest: created.createdAt });
    expect(await relay.pass()).toBe(2);
    expect(await relay.backlog()).toEqual({ pending: 0, oldest: undefined });
    const doc = await Things.findOne({ _id: "t1" }).lean();
    expect(doc?.outbox).toEqual([]);
    expect(await subjectsInStream()).toEqual([
      { subject: subjectOf("created"), id: created.id },
      { subject: subjectOf("renamed"), id: renamed.id },
    ]);
    await relay.stop();
  });

  it("does not publish twice when a relay dies after publishing and before popping", async () => {
    const Things = db.model<Thing>("Thing");
    const event = pendingEvent(subjectOf("again"), new TextEncoder().encode("a"));
    await Things.create({ _id: "t2", tenantId: "acme", name: "two", outbox: [event] });
    // The first relay got as far as the publish.
    await bus.publish(event.subject, event.data, { msgId: event.id });
    const relay = new OutboxRelay(bus, [Things], logger, 60_000);
    await relay.pass();
    await relay.stop();
    const copies = (await subjectsInStream()).filter((m) => m.id === event.id);
    expect(copies).toHaveLength(1);
    expect(await relay.backlog()).toEqual({ pending: 0, oldest: undefined });
  });
});
