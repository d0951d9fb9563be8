import { status } from "@grpc/grpc-js";
import mongoose, { type Connection } from "mongoose";
import { claimAll, claimModel, type Claim, type EventBus } from "@relata/platform";
import { AppointmentChanged } from "@relata/proto/events/v1/service";
import {
  AppointmentStatus,
  BookableKind,
  CreateAppointmentRequest,
  CreateBookableResourceRequest,
  type Appointment,
  type BookableResource,
} from "@relata/proto/service/v1/scheduling";
import type { Model } from "mongoose";
import { slotKeys } from "../../src/domain/scheduling";
import {
  as,
  connectBus,
  createDurableFromNow,
  eventually,
  failureOf,
  mongoBase,
  nextSequence,
  readStreamMessages,
  runId,
  SERVICE,
  startReplicas,
  type Replicas,
  type ServiceClients,
} from "./support";

jest.setTimeout(120_000);

const run = runId();
const database = `relata_service_it_sched_${run}`;
const entitlementDurable = `service-entitlements-it-sched-${run}`;
const GRACE_MS = 3_000;

let replicas: Replicas;
let bus: EventBus;
let db: Connection;
let slotClaims: Model<Claim>;
let fromSeq: number;
/** The first replica; the concurrency tests spread their calls over both. */
let service: ServiceClients;

beforeAll(async () => {
  bus = await connectBus("service-it-scheduling");
  await createDurableFromNow(bus, entitlementDurable, ["service.case.opened"]);
  fromSeq = await nextSequence(bus);
  replicas = await startReplicas([260, 261], database, {
    ENTITLEMENT_DURABLE: entitlementDurable,
    APPOINTMENT_CLAIM_GRACE_MS: String(GRACE_MS),
    APPOINTMENT_SWEEP_INTERVAL_MS: "1000",
  });
  service = replicas.clients[0]!;
  db = await mongoose.createConnection(`${mongoBase}/${database}`).asPromise();
  slotClaims = claimModel(db, "appointment_slot_claims");
});

afterAll(async () => {
  await replicas?.stop();
  await bus?.jsm.consumers.delete(SERVICE, entitlementDurable).catch(() => undefined);
  await bus?.close();
  await db?.dropDatabase().catch(() => undefined);
  await db?.close();
});

let resources = 0;
async function newResource(tenant = "acme", extra: Partial<CreateBookableResourceRequest> = {}): Promise<BookableResource> {
  return service.bookableResources.createBookableResource(
    CreateBookableResourceRequest.fromPartial({ name: `Room ${run} ${++resources}`, kind: BookableKind.BOOKABLE_KIND_ROOM, ...extra }),
    as(tenant),
  );
}

function book(resourceId: string, start: string, end: string, options: { client?: ServiceClients; tenant?: string; title?: string } = {}): Promise<Appointment> {
  return (options.client ?? service).appointments.createAppointment(
    CreateAppointmentRequest.fromPartial({ resourceId, start, end, title: options.title ?? "Visit" }),
    as(options.tenant ?? "acme"),
  );
}

async function appointmentsOf(resourceId: string, tenant = "acme"): Promise<Appointment[]> {
  return (await service.appointments.listAppointments({ resourceId, status: AppointmentStatus.APPOINTMENT_STATUS_BOOKED, caseId: "" }, as(tenant))).appointments;
}

const heldSlots = async (resourceId: string) =>
  (await slotClaims.find({ key: { $regex: `^${resourceId}:` } }).sort({ key: 1 }).lean<Claim[]>()).map((c) => [c.key.slice(resourceId.length + 1), c.holder]);

describe("booking", () => {
  it("gives one slot wanted by 20 concurrent bookings on two replicas to exactly one; the others are 409 naming the slot and the appointment", async () => {
    const room = await newResource();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => book(room.id, "2031-03-03T10:00:00Z", "2031-03-03T10:30:00Z", { client: replicas.clients[i % 2], title: `Try ${i}` })),
    );
    const booked = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    expect(booked).toHaveLength(1);
    const winner = booked[0]!;
    for (const r of results) {
      if (r.status === "fulfilled") continue;
      const failure = await failureOf(Promise.reject(r.reason));
      expect(failure).toMatchObject({ code: status.ABORTED, field: "start" });
      expect(failure.details).toContain("2031-03-03T10:00:00.000Z");
      expect(failure.details).toContain(winner.id);
    }
    expect((await appointmentsOf(room.id)).map((a) => a.id)).toEqual([winner.id]);
    expect(await heldSlots(room.id)).toEqual([
      ["2031-03-03T10:00:00.000Z", winner.id],
      ["2031-03-03T10:15:00.000Z", winner.id],
    ]);
  });

  it("never lets 20 concurrent bookings of overlapping ranges overlap, and leaves no slot to a refused one", async () => {
    const room = await newResource();
    // Ranges of 30 to 75 minutes starting every 15 minutes: each overlaps several others.
    const ranges = Array.from({ length: 20 }, (_, i) => {
      const start = Date.parse("2031-03-04T08:00:00Z") + (i % 10) * 15 * 60_000;
      return [new Date(start).toISOString(), new Date(start + (30 + (i % 4) * 15) * 60_000).toISOString()] as const;
    });
    const results = await Promise.allSettled(ranges.map(([start, end], i) => book(room.id, start, end, { client: replicas.clients[i % 2] })));
    const booked = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    expect(booked.length).toBeGreaterThanOrEqual(1);
    for (const r of results) if (r.status === "rejected") expect((await failureOf(Promise.reject(r.reason))).code).toBe(status.ABORTED);
    const sorted = [...booked].sort((a, b) => a.start!.localeCompare(b.start!));
    for (let i = 1; i < sorted.length; i++) expect(Date.parse(sorted[i]!.start!)).toBeGreaterThanOrEqual(Date.parse(sorted[i - 1]!.end!));
    // Every slot held belongs to a booked appointment that covers it.
    const held = await heldSlots(room.id);
    const expected = booked.flatMap((a) => slotKeys(room.id, { start: new Date(a.start!), end: new Date(a.end!) }).map((k) => [k.slice(room.id.length + 1), a.id]));
    expect(held.sort()).toEqual(expected.sort());
  });

  it("refuses an overlapping booking and accepts adjacent ones", async () => {
    const room = await newResource();
    const first = await book(room.id, "2031-03-05T10:00:00Z", "2031-03-05T11:00:00Z");
    expect(first).toMatchObject({ status: AppointmentStatus.APPOINTMENT_STATUS_BOOKED, start: "2031-03-05T10:00:00.000Z", end: "2031-03-05T11:00:00.000Z", timeZone: "UTC" });
    expect(await failureOf(book(room.id, "2031-03-05T10:45:00Z", "2031-03-05T11:30:00Z"))).toMatchObject({ code: status.ABORTED, field: "start" });
    // 09:50-10:05 touches the slot of 10:00, which the first holds.
    expect(await failureOf(book(room.id, "2031-03-05T09:50:00Z", "2031-03-05T10:05:00Z"))).toMatchObject({ code: status.ABORTED, field: "start" });
    await book(room.id, "2031-03-05T11:00:00Z", "2031-03-05T11:30:00Z");
    await book(room.id, "2031-03-05T09:30:00Z", "2031-03-05T09:50:00Z");
    // Another resource's slots are its own.
    await book((await newResource()).id, "2031-03-05T10:00:00Z", "2031-03-05T11:00:00Z");
    expect(await appointmentsOf(room.id)).toHaveLength(3);
  });

  it("defaults the end to 30 minutes after start and the time zone to the resource's; refuses bad times naming the field", async () => {
    const room = await newResource("acme", { timeZone: "Europe/Paris" });
    const a = await service.appointments.createAppointment(CreateAppointmentRequest.fromPartial({ resourceId: room.id, start: "2031-03-06T10:00:00Z", title: "Short" }), as("acme"));
    expect(a).toMatchObject({ end: "2031-03-06T10:30:00.000Z", timeZone: "Europe/Paris" });
    expect(await failureOf(book(room.id, "2031-03-06T12:00:00Z", "2031-03-06T11:00:00Z"))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "end" });
    expect(
      await failureOf(
        service.appointments.createAppointment(
          CreateAppointmentRequest.fromPartial({ resourceId: room.id, start: "2031-03-06T13:00:00Z", timeZone: "Mars/Olympus", title: "x" }),
          as("acme"),
        ),
      ),
    ).toMatchObject({ code: status.INVALID_ARGUMENT, field: "time_zone" });
    expect(await failureOf(book("no-such-resource", "2031-03-06T12:00:00Z", "2031-03-06T13:00:00Z"))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "resource_id" });
  });
});

describe("cancel, delete and restore", () => {
  it("cancel frees the slots once and reports booked and cancelled", async () => {
    const room = await newResource();
    const a = await book(room.id, "2031-03-07T10:00:00Z", "2031-03-07T10:30:00Z");
    const cancelled = await service.appointments.cancelAppointment({ id: a.id, expectedVersion: a.version, reason: "customer away" }, as("acme"));
    expect(cancelled).toMatchObject({ status: AppointmentStatus.APPOINTMENT_STATUS_CANCELLED, cancelReason: "customer away", version: String(Number(a.version) + 1) });
    expect(cancelled.cancelledAt).toBeTruthy();
    expect(await heldSlots(room.id)).toEqual([]);
    // Again: nothing changes.
    expect((await service.appointments.cancelAppointment({ id: a.id, expectedVersion: "0", reason: "" }, as("acme"))).version).toBe(cancelled.version);
    const again = await book(room.id, "2031-03-07T10:00:00Z", "2031-03-07T10:30:00Z");
    expect((await appointmentsOf(room.id)).map((x) => x.id)).toEqual([again.id]);

    const events = await eventually(
      async () => (await readStreamMessages(bus, fromSeq, ["service.appointment.booked", "service.appointment.cancelled"])).map((m) => [m.subject, AppointmentChanged.decode(m.data).appointment?.id]),
      (es) => es.filter(([, id]) => id === a.id).length >= 2,
      "the booked and cancelled events",
    );
    expect(events.filter(([, id]) => id === a.id)).toEqual([
      ["service.appointment.booked", a.id],
      ["service.appointment.cancelled", a.id],
    ]);
  });

  it("delete frees the slots; restore books them again, or is refused while another appointment holds one", async () => {
    const room = await newResource();
    const a = await book(room.id, "2031-03-08T10:00:00Z", "2031-03-08T11:00:00Z");
    const deleted = await service.appointments.deleteAppointment({ id: a.id, expectedVersion: a.version }, as("acme"));
    expect(await heldSlots(room.id)).toEqual([]);
    const restored = await service.appointments.restoreAppointment({ id: a.id, expectedVersion: deleted.version }, as("acme"));
    expect(restored.status).toBe(AppointmentStatus.APPOINTMENT_STATUS_BOOKED);
    expect((await heldSlots(room.id)).map(([, holder]) => holder)).toEqual([a.id, a.id, a.id, a.id]);

    const again = await service.appointments.deleteAppointment({ id: a.id, expectedVersion: restored.version }, as("acme"));
    const other = await book(room.id, "2031-03-08T10:45:00Z", "2031-03-08T11:15:00Z");
    expect(await failureOf(service.appointments.restoreAppointment({ id: a.id, expectedVersion: again.version }, as("acme")))).toMatchObject({
      code: status.ABORTED,
      field: "start",
    });
    // The refused restore left nothing behind: the other appointment's slots, and only them.
    expect(await heldSlots(room.id)).toEqual([
      ["2031-03-08T10:45:00.000Z", other.id],
      ["2031-03-08T11:00:00.000Z", other.id],
    ]);
    // A resource with appointments cannot be deleted.
    expect(await failureOf(service.bookableResources.deleteBookableResource({ id: room.id, expectedVersion: room.version }, as("acme")))).toMatchObject({
      code: status.ABORTED,
    });
  });
});

describe("slots left by a crash between the claim and the appointment", () => {
  const leave = (resourceId: string, start: string, end: string, holder: string, ageMs: number) =>
    claimAll(slotClaims, {
      tenantId: "acme",
      keys: slotKeys(resourceId, { start: new Date(start), end: new Date(end) }),
      holder,
      now: () => new Date(Date.now() - ageMs),
    });

  it("block a booking during the grace period, and are released by the next booking after it", async () => {
    const room = await newResource();
    await leave(room.id, "2031-03-10T10:00:00Z", "2031-03-10T10:30:00Z", `crashed-${run}`, 0);
    expect(await failureOf(book(room.id, "2031-03-10T10:00:00Z", "2031-03-10T10:30:00Z"))).toMatchObject({ code: status.ABORTED, field: "start" });
    const a = await eventually(
      () => book(room.id, "2031-03-10T10:15:00Z", "2031-03-10T10:45:00Z").catch(() => undefined),
      (x) => x !== undefined,
      "a booking once the grace period is over",
    );
    expect(await heldSlots(room.id)).toEqual([
      ["2031-03-10T10:15:00.000Z", a!.id],
      ["2031-03-10T10:30:00.000Z", a!.id],
    ]);
  });

  it("are released by the sweep, and slots of booked appointments stay", async () => {
    const room = await newResource();
    const kept = await book(room.id, "2031-03-10T14:00:00Z", "2031-03-10T14:15:00Z");
    await leave(room.id, "2031-03-10T15:00:00Z", "2031-03-10T15:30:00Z", `crashed-${run}-2`, 10 * GRACE_MS);
    await eventually(() => heldSlots(room.id), (held) => held.length === 1, "the sweep releasing the left-over slots");
    expect(await heldSlots(room.id)).toEqual([["2031-03-10T14:00:00.000Z", kept.id]]);
  });
});

describe("availability", () => {
  it("is the working hours in the resource's time zone less the slots held, in whole slots", async () => {
    const room = await newResource("acme", { timeZone: "Europe/Paris", workingHours: { values: ["monday 09:00-12:00", "monday 13:00-17:00"] } });
    // 10:00-10:20 in Paris (UTC+1 in March): it holds the slots 09:00 and 09:15 UTC.
    await book(room.id, "2031-03-03T09:00:00Z", "2031-03-03T09:20:00Z");
    const day = await service.bookableResources.getAvailability({ id: room.id, from: "2031-03-03T00:00:00Z", to: "2031-03-04T00:00:00Z" }, as("acme"));
    expect(day).toMatchObject({ resourceId: room.id, timeZone: "Europe/Paris" });
    expect(day.free.map((i) => [i.start, i.end])).toEqual([
      ["2031-03-03T08:00:00.000Z", "2031-03-03T09:00:00.000Z"],
      ["2031-03-03T09:30:00.000Z", "2031-03-03T11:00:00.000Z"],
      ["2031-03-03T12:00:00.000Z", "2031-03-03T16:00:00.000Z"],
    ]);
    // Outside the working hours: refused, naming the start.
    expect(await failureOf(book(room.id, "2031-03-03T11:30:00Z", "2031-03-03T12:30:00Z"))).toMatchObject({ code: status.ABORTED, field: "start" });
    expect(await failureOf(book(room.id, "2031-03-04T09:00:00Z", "2031-03-04T10:00:00Z"))).toMatchObject({ code: status.ABORTED, field: "start" });
    // A cancelled appointment's slots are free again.
    const later = await book(room.id, "2031-03-03T14:00:00Z", "2031-03-03T15:00:00Z");
    await service.appointments.cancelAppointment({ id: later.id, expectedVersion: "0", reason: "" }, as("acme"));
    const after = await service.bookableResources.getAvailability({ id: room.id, from: "2031-03-03T12:00:00Z", to: "2031-03-03T18:00:00Z" }, as("acme"));
    expect(after.free.map((i) => [i.start, i.end])).toEqual([["2031-03-03T12:00:00.000Z", "2031-03-03T16:00:00.000Z"]]);
  });

  it("of an inactive resource is none, and it takes no booking; a range over 31 days or backwards is refused", async () => {
    const created = await newResource("acme");
    const room = await service.bookableResources.updateBookableResource({ id: created.id, expectedVersion: created.version, active: false }, as("acme"));
    expect(room.active).toBe(false);
    const none = await service.bookableResources.getAvailability({ id: room.id, from: "2031-03-03T00:00:00Z", to: "2031-03-04T00:00:00Z" }, as("acme"));
    expect(none.free).toEqual([]);
    expect(await failureOf(book(room.id, "2031-03-03T10:00:00Z", "2031-03-03T11:00:00Z"))).toMatchObject({ code: status.ABORTED, field: "resource_id" });
    const open = await newResource();
    expect(open.active).toBe(true);
    expect(
      await failureOf(service.bookableResources.getAvailability({ id: open.id, from: "2031-03-01T00:00:00Z", to: "2031-04-02T00:00:00Z" }, as("acme"))),
    ).toMatchObject({ code: status.INVALID_ARGUMENT, field: "to" });
    expect(
      await failureOf(service.bookableResources.getAvailability({ id: open.id, from: "2031-03-02T00:00:00Z", to: "2031-03-01T00:00:00Z" }, as("acme"))),
    ).toMatchObject({ code: status.INVALID_ARGUMENT, field: "to" });
  });
});

describe("resources", () => {
  it("check the time zone and working hours, naming the field", async () => {
    expect(await failureOf(newResource("acme", { timeZone: "Mars/Olympus" }))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "time_zone" });
    expect(await failureOf(newResource("acme", { workingHours: { values: ["monday 17:00-09:00"] } }))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "working_hours.0",
    });
    const room = await newResource();
    expect(room).toMatchObject({ timeZone: "UTC", active: true, workingHours: { values: [] } });
  });
});

describe("tenants", () => {
  it("see and book only their own resources and appointments", async () => {
    const room = await newResource("acme");
    const a = await book(room.id, "2031-03-11T10:00:00Z", "2031-03-11T10:30:00Z");
    expect(await failureOf(service.bookableResources.getBookableResource({ id: room.id }, as("globex")))).toMatchObject({ code: status.NOT_FOUND });
    expect(await failureOf(service.appointments.getAppointment({ id: a.id }, as("globex")))).toMatchObject({ code: status.NOT_FOUND });
    expect(
      await failureOf(service.bookableResources.getAvailability({ id: room.id, from: "2031-03-11T00:00:00Z", to: "2031-03-12T00:00:00Z" }, as("globex"))),
    ).toMatchObject({ code: status.NOT_FOUND });
    expect(await failureOf(book(room.id, "2031-03-11T12:00:00Z", "2031-03-11T12:30:00Z", { tenant: "globex" }))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "resource_id",
    });
    expect(await failureOf(service.appointments.cancelAppointment({ id: a.id, expectedVersion: "0", reason: "" }, as("globex")))).toMatchObject({ code: status.NOT_FOUND });
    expect(await appointmentsOf(room.id, "globex")).toEqual([]);
    expect((await appointmentsOf(room.id, "acme")).map((x) => x.id)).toEqual([a.id]);
  });
});
