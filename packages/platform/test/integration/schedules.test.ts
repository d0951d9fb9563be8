import { randomUUID } from "node:crypto";
import { EventBus, type ReceivedEvent } from "../../src/events/bus";
import { cancelSchedules, eventSchedule, publishSchedule } from "../../src/events/schedules";
import { pendingEvent } from "../../src/events/outbox";
import { createLogger } from "../../src/logger";

// Real NATS JetStream (2.12 or later), started by `make test` (deploy/stack.sh).
const natsUrl = process.env.NATS_URL ?? `nats://127.0.0.1:${process.env.NATS_PORT ?? 4222}`;
const logger = createLogger("schedules-test", "silent");
const run = randomUUID().slice(0, 8);
const stream = `SCHED_${run.toUpperCase()}`;
const subject = (s: string) => `sched${run}.${s}`;
const text = new TextEncoder();
const decodeText = (data: Uint8Array) => new TextDecoder().decode(data);

async function until<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Landed {
  subject: string;
  body: string;
  headers: Record<string, string>;
  /** When the stream stored it (the server's clock). */
  storedAt: Date;
}

let bus: EventBus;
const landed: Landed[] = [];

beforeAll(async () => {
  bus = await EventBus.connect(natsUrl, "schedules-test", logger);
  await bus.ensureStream({ name: stream, subjects: [`sched${run}.>`], duplicateWindowMs: 120_000, maxAgeMs: 3600_000, allowMsgSchedules: true });
  // Everything the schedules produce, read as a service would: a durable consumer on the targets.
  await bus.consume({
    stream,
    durable: `targets-${run}`,
    filterSubjects: [subject("target.>")],
    decode: decodeText,
    handle: async (received: ReceivedEvent<string>) => {
      const stored = await bus.jsm.streams.getMessage(stream, { seq: received.streamSequence });
      landed.push({ subject: received.subject, body: received.event, headers: received.headers, storedAt: stored!.time });
    },
  });
});

afterAll(async () => {
  await bus.jsm.streams.delete(stream).catch(() => undefined);
  await bus.close();
});

const on = (target: string) => landed.filter((m) => m.subject === subject(`target.${target}`));
const inMs = (ms: number) => new Date(Date.now() + ms);

describe("JetStream message schedules", () => {
  it("lets a stream hold schedules", async () => {
    const info = await bus.jsm.streams.info(stream);
    expect(info.config.allow_msg_schedules).toBe(true);
  });

  it("publishes an event prebuilt in the envelope onto its target at the instant, not before, with its event id", async () => {
    const at = inMs(1_500);
    const event = pendingEvent(subject("target.fire"), text.encode("due"), { id: `event-${run}`, headers: { "relata-tenant": "t1" } });
    const ack = await publishSchedule(bus, eventSchedule(subject("timer.fire"), at, event, `fire-${run}`));
    expect(ack.duplicate).toBe(false);
    // Held, not delivered: nothing on the target yet, the schedule waits on its own subject.
    expect(on("fire")).toHaveLength(0);
    const waiting = await bus.jsm.streams.getMessage(stream, { last_by_subj: subject("timer.fire") });
    expect(waiting?.header.get("Nats-Schedule")).toBe(`@at ${at.toISOString()}`);

    const fired = await until(() => on("fire"), (m) => m.length === 1);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.body).toBe("due");
    expect(fired[0]!.storedAt.getTime()).toBeGreaterThanOrEqual(at.getTime());
    expect(fired[0]!.headers).toMatchObject({
      "Relata-Event-Id": `event-${run}`,
      "relata-tenant": "t1",
      "Nats-Scheduler": subject("timer.fire"),
    });
    // A fired schedule is gone from its subject.
    expect(await bus.jsm.streams.getMessage(stream, { last_by_subj: subject("timer.fire") }).catch(() => null)).toBeNull();
  });

  it("replaces a schedule published again on the same subject", async () => {
    await publishSchedule(bus, { subject: subject("timer.moved"), at: inMs(800), target: subject("target.moved"), data: text.encode("first"), scheduleId: `moved-1-${run}` });
    const later = inMs(1_600);
    await publishSchedule(bus, { subject: subject("timer.moved"), at: later, target: subject("target.moved"), data: text.encode("second"), scheduleId: `moved-2-${run}` });
    const fired = await until(() => on("moved"), (m) => m.length >= 1);
    // The replaced one was due first: had it survived, it would have landed first.
    expect(fired.map((m) => m.body)).toEqual(["second"]);
    expect(fired[0]!.storedAt.getTime()).toBeGreaterThanOrEqual(later.getTime());
  });

  it("cancels a schedule by purging its subject, and a wildcard cancels a record's schedules", async () => {
    await publishSchedule(bus, { subject: subject("timer.case1.warning"), at: inMs(700), target: subject("target.cancelled"), data: text.encode("w"), scheduleId: `c-w-${run}` });
    await publishSchedule(bus, { subject: subject("timer.case1.breach"), at: inMs(900), target: subject("target.cancelled"), data: text.encode("b"), scheduleId: `c-b-${run}` });
    expect(await cancelSchedules(bus, stream, subject("timer.case1.>"))).toBe(2);
    // A sentinel due after both: once it lands, the cancelled ones would have landed too.
    await publishSchedule(bus, { subject: subject("timer.sentinel"), at: inMs(1_500), target: subject("target.sentinel"), data: text.encode("s"), scheduleId: `s-${run}` });
    await until(() => on("sentinel"), (m) => m.length === 1);
    expect(on("sentinel")).toHaveLength(1);
    expect(on("cancelled")).toHaveLength(0);
    // Cancelling again (nothing left) is no error.
    expect(await cancelSchedules(bus, stream, subject("timer.case1.>"))).toBe(0);
  });

  it("does not fire again when the same schedule is published late, after it fired", async () => {
    const schedule = { subject: subject("timer.once"), at: inMs(500), target: subject("target.once"), data: text.encode("once"), scheduleId: `once-${run}` };
    await publishSchedule(bus, schedule);
    await until(() => on("once"), (m) => m.length === 1);
    // A slower replica handling the same change publishes the same decision after the instant.
    const late = await publishSchedule(bus, schedule);
    expect(late.duplicate).toBe(true);
    await publishSchedule(bus, { subject: subject("timer.sentinel2"), at: inMs(800), target: subject("target.sentinel2"), data: text.encode("s"), scheduleId: `s2-${run}` });
    await until(() => on("sentinel2"), (m) => m.length === 1);
    expect(on("once")).toHaveLength(1);
  });

  it("fires at once when the instant is already past", async () => {
    const past = new Date(Date.now() - 60_000);
    await publishSchedule(bus, { subject: subject("timer.past"), at: past, target: subject("target.past"), data: text.encode("late"), scheduleId: `past-${run}` });
    const fired = await until(() => on("past"), (m) => m.length === 1);
    expect(fired.map((m) => m.body)).toEqual(["late"]);
  });
});
