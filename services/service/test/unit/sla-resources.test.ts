import { validate } from "@relata/platform";
import { gatewaySchemas, serviceSchemas } from "@relata/platform/resource";
import { calendarProblem } from "../../src/domain/business-time";
import { calendarOf, snapshotOf } from "../../src/events/sla-clock";
import { slaAlertEvent, slaTimerSubject } from "../../src/events/sla-builders";
import { SlaAlert, SlaMetric } from "@relata/proto/events/v1/service";
import { Case, CasePriority, CaseStatus } from "@relata/proto/service/v1/case";
import { businessCalendar, slaPolicy } from "../../src/sla-resources";

const nineToFive = ["monday", "tuesday", "wednesday", "thursday", "friday"].map((day) => ({ day, opens: "09:00", closes: "17:00" }));

function apiVerdict(schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[] }[] } } }, body: unknown): string {
  const r = schema.safeParse(body);
  return r.success ? "ok" : r.error!.issues[0]!.path.map(String).join(".");
}

function serviceVerdict(run: () => unknown): string {
  try {
    run();
    return "ok";
  } catch (err) {
    return String((err as { field?: unknown }).field);
  }
}

describe("business calendars in the API and the service", () => {
  const api = gatewaySchemas(businessCalendar);
  const service = serviceSchemas(businessCalendar);

  it("accepts weekly openings and holidays, and names what is wrong", () => {
    expect(apiVerdict(api.create, { name: "Berlin office", timeZone: "Europe/Berlin", weeklyHours: nineToFive, holidays: ["2026-12-25"] })).toBe("ok");
    expect(apiVerdict(api.create, { name: "x", timeZone: "Europe/Berlin", weeklyHours: [] })).toBe("weeklyHours");
    expect(apiVerdict(api.create, { name: "x", timeZone: "Europe/Berlin", weeklyHours: [{ day: "funday", opens: "09:00", closes: "17:00" }] })).toBe("weeklyHours.0.day");
    expect(apiVerdict(api.create, { name: "x", timeZone: "Europe/Berlin", weeklyHours: [{ day: "monday", opens: "17:00", closes: "09:00" }] })).toBe("weeklyHours.0.closes");
    expect(apiVerdict(api.create, { name: "x", timeZone: "Europe/Berlin", weeklyHours: [{ day: "monday", opens: "9:00", closes: "17:00" }] })).toBe("weeklyHours.0.opens");
    expect(apiVerdict(api.create, { name: "x", timeZone: "not a zone", weeklyHours: nineToFive })).toBe("timeZone");
    expect(apiVerdict(api.create, { name: "x", timeZone: "UTC", weeklyHours: nineToFive, holidays: ["2026-02-30"] })).toBe("holidays.0");
    // An emptied holiday list is a change; null is not a value of a list.
    expect(apiVerdict(api.update, { holidays: [] })).toBe("ok");
    expect(apiVerdict(api.update, { holidays: null })).not.toBe("ok");
  });

  it("is checked by the service with the same limits, naming the proto field", () => {
    const request = { name: "x", timeZone: "UTC", weeklyHours: { values: [{ day: "monday", opens: "24:00", closes: "24:00" }] }, holidays: { values: [] } };
    expect(serviceVerdict(() => validate(service.create, request))).toBe("weekly_hours.0.closes");
    expect(serviceVerdict(() => validate(service.create, { ...request, weeklyHours: undefined }))).toBe("weekly_hours");
  });

  it("reads as business time reads it: ISO weekdays, minutes after midnight", () => {
    const calendar = calendarOf({ timeZone: "Europe/Berlin", weeklyHours: [{ day: "sunday", opens: "10:30", closes: "24:00" }, ...nineToFive], holidays: ["2026-12-25"] });
    expect(calendar.weeklyHours[0]).toEqual({ day: 7, opensAt: 630, closesAt: 1440 });
    expect(calendar.weeklyHours[1]).toEqual({ day: 1, opensAt: 540, closesAt: 1020 });
    expect(calendarProblem(calendar)).toBeUndefined();
    // Overlapping openings and unknown zones pass the schemas; the service's rule refuses them.
    expect(calendarProblem(calendarOf({ timeZone: "Mars/Olympus", weeklyHours: nineToFive, holidays: [] }))?.field).toBe("time_zone");
    expect(
      calendarProblem(calendarOf({ timeZone: "UTC", weeklyHours: [...nineToFive, { day: "monday", opens: "16:00", closes: "18:00" }], holidays: [] }))?.field,
    ).toBe("weekly_hours");
  });
});

describe("SLA policies in the API and the service", () => {
  const api = gatewaySchemas(slaPolicy);
  const service = serviceSchemas(slaPolicy);
  const row = { priority: "high", firstResponseMinutes: 60, resolutionMinutes: 480 };

  it("take target rows per priority and level, the level defaulting to none", () => {
    expect(apiVerdict(api.create, { name: "Default", calendarId: "cal-1", targets: [row] })).toBe("ok");
    expect(api.create.parse({ name: "Default", calendarId: "cal-1", targets: [row] }).targets).toEqual([{ ...row, slaLevel: "" }]);
    expect(apiVerdict(api.create, { name: "Default", calendarId: "cal-1", targets: [{ ...row, priority: "critical" }] })).toBe("targets.0.priority");
    expect(apiVerdict(api.create, { name: "Default", calendarId: "cal-1", targets: [{ ...row, resolutionMinutes: -1 }] })).toBe("targets.0.resolutionMinutes");
    expect(apiVerdict(api.create, { name: "Default", calendarId: "cal-1", warningPercent: 100, targets: [row] })).toBe("warningPercent");
    expect(serviceVerdict(() => validate(service.create, { name: "x", calendarId: "cal-1", targets: { values: [{ ...row, slaLevel: "", priority: "" }] } }))).toBe(
      "targets.0.priority",
    );
  });
});

describe("what the clock reads and publishes", () => {
  it("reads a case snapshot from the event's message", () => {
    const c = Case.fromPartial({
      id: "c1",
      tenantId: "t1",
      version: "4",
      status: CaseStatus.CASE_STATUS_WAITING_ON_CUSTOMER,
      priority: CasePriority.CASE_PRIORITY_URGENT,
      category: "complaint",
      slaLevel: "gold",
      createdAt: "2026-11-30T09:00:00.000Z",
      updatedAt: "2026-11-30T09:30:00.000Z",
    });
    expect(snapshotOf(c)).toMatchObject({
      version: 4,
      status: "waiting_on_customer",
      priority: "urgent",
      category: "complaint",
      slaLevel: "gold",
      openedAt: new Date("2026-11-30T09:00:00.000Z"),
      changedAt: new Date("2026-11-30T09:30:00.000Z"),
    });
  });

  it("prebuilds an alert with an id every replica derives alike, carrying both instants", () => {
    const facts = {
      tenantId: "t1",
      caseId: "c1",
      metric: "resolution" as const,
      kind: "warning" as const,
      at: new Date("2026-11-30T12:00:00.000Z"),
      dueAt: new Date("2026-11-30T13:00:00.000Z"),
      priority: "high",
      category: "billing",
      queueId: "q1",
    };
    const event = slaAlertEvent(facts);
    expect(slaAlertEvent(facts).id).toBe(event.id);
    expect(slaAlertEvent({ ...facts, at: new Date("2026-11-30T12:00:01.000Z") }).id).not.toBe(event.id);
    expect(event.subject).toBe("service.sla.warning");
    const alert = SlaAlert.decode(event.data);
    expect(alert).toMatchObject({
      caseId: "c1",
      metric: SlaMetric.SLA_METRIC_RESOLUTION,
      dueAt: "2026-11-30T12:00:00.000Z",
      targetAt: "2026-11-30T13:00:00.000Z",
      priority: CasePriority.CASE_PRIORITY_HIGH,
      category: "billing",
      queueId: "q1",
    });
    expect(alert.meta).toMatchObject({ id: event.id, tenantId: "t1", entityId: "c1", actorId: "system:sla-clock", occurredAt: "2026-11-30T12:00:00.000Z" });
    expect(slaTimerSubject("t1", "c1", "resolution", "warning")).toBe("service.sla.timer.t1.c1.resolution.warning");
  });
});
