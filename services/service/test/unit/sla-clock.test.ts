import { parseClockTime, type BusinessCalendar } from "../../src/domain/business-time";
import {
  applySnapshot,
  chooseTarget,
  choosePolicy,
  computeClocks,
  emptyHistory,
  plannedAlerts,
  scheduleChanges,
  type CaseSnapshot,
  type ClockHistory,
  type PolicyForCase,
  type SlaTargets,
} from "../../src/domain/sla-clock";

const at = (iso: string) => new Date(iso);
// UTC, Monday to Friday 09:00-17:00: easy to read instants.
const office: BusinessCalendar = {
  timeZone: "UTC",
  weeklyHours: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, opensAt: parseClockTime("09:00")!, closesAt: parseClockTime("17:00")! })),
  holidays: [],
};
const targets: SlaTargets = { policyId: "p1", calendarId: "c1", calendar: office, firstResponseMinutes: 60, resolutionMinutes: 8 * 60, warningPercent: 75 };

// Monday 30 November 2026, 10:00 UTC.
const opened = at("2026-11-30T10:00:00Z");
const snapshot = (version: number, changes: Partial<CaseSnapshot> = {}): CaseSnapshot => ({
  id: "case-1",
  tenantId: "t1",
  version,
  status: "new",
  priority: "normal",
  category: "",
  slaLevel: "",
  openedAt: opened,
  changedAt: opened,
  ...changes,
});

function replay(...snapshots: CaseSnapshot[]): ClockHistory {
  let h = emptyHistory();
  for (const s of snapshots) h = applySnapshot(h, s) ?? h;
  return h;
}

describe("the SLA clock", () => {
  it("runs both metrics from the opening on the calendar", () => {
    const s = snapshot(1);
    const clocks = computeClocks(replay(s), s, targets);
    expect(clocks).toEqual([
      { metric: "first_response", state: "running", targetSeconds: 3600, warningAt: at("2026-11-30T10:45:00Z"), dueAt: at("2026-11-30T11:00:00Z") },
      // Eight business hours from Monday 10:00: Tuesday 10:00; 75 %: Monday 16:00.
      { metric: "resolution", state: "running", targetSeconds: 28800, warningAt: at("2026-11-30T16:00:00Z"), dueAt: at("2026-12-01T10:00:00Z") },
    ]);
  });

  it("pauses both while waiting on the customer, and moves the due instants by the business time waited", () => {
    const waiting = snapshot(2, { status: "waiting_on_customer", changedAt: at("2026-11-30T10:30:00Z") });
    const paused = replay(snapshot(1), waiting);
    expect(computeClocks(paused, waiting, targets).map((c) => c.state)).toEqual(["paused", "paused"]);
    expect(plannedAlerts(computeClocks(paused, waiting, targets))).toEqual([]);

    // Back in progress at 12:00: 90 minutes of business time waited.
    const back = snapshot(3, { status: "in_progress", changedAt: at("2026-11-30T12:00:00Z") });
    const clocks = computeClocks(replay(snapshot(1), waiting, back), back, targets);
    expect(clocks.map((c) => [c.state, c.dueAt])).toEqual([
      ["running", at("2026-11-30T12:30:00Z")],
      ["running", at("2026-12-01T11:30:00Z")],
    ]);
  });

  it("stops first response at the first public reply, and keeps the resolution clock running", () => {
    const replied = snapshot(2, { status: "in_progress", firstRespondedAt: at("2026-11-30T10:20:00Z"), changedAt: at("2026-11-30T10:20:00Z") });
    const clocks = computeClocks(replay(snapshot(1), replied), replied, targets);
    expect(clocks[0]).toEqual({ metric: "first_response", state: "met", targetSeconds: 3600, metAt: at("2026-11-30T10:20:00Z") });
    expect(clocks[1]!.state).toBe("running");
    expect(plannedAlerts(clocks).map((a) => `${a.metric}.${a.kind}`)).toEqual(["resolution.warning", "resolution.breach"]);
  });

  it("stops resolution when resolved, and on reopening does not count the time it stood resolved", () => {
    const resolved = snapshot(2, { status: "resolved", firstRespondedAt: at("2026-11-30T10:10:00Z"), changedAt: at("2026-11-30T11:00:00Z") });
    const h = replay(snapshot(1), resolved);
    expect(computeClocks(h, resolved, targets).map((c) => c.state)).toEqual(["met", "met"]);
    expect(plannedAlerts(computeClocks(h, resolved, targets))).toEqual([]);

    // Reopened Monday 15:00: four business hours stood resolved, so the due instant moves four hours on.
    const reopened = snapshot(3, { status: "in_progress", firstRespondedAt: at("2026-11-30T10:10:00Z"), changedAt: at("2026-11-30T15:00:00Z") });
    const clocks = computeClocks(replay(snapshot(1), resolved, reopened), reopened, targets);
    expect(clocks[1]).toMatchObject({ state: "running", dueAt: at("2026-12-01T14:00:00Z") });
  });

  it("stops first response when a case is resolved without a reply", () => {
    const resolved = snapshot(2, { status: "closed", changedAt: at("2026-11-30T10:30:00Z") });
    const clocks = computeClocks(replay(snapshot(1), resolved), resolved, targets);
    expect(clocks[0]).toMatchObject({ state: "met", metAt: at("2026-11-30T10:30:00Z") });
  });

  it("ignores stale snapshots by case version", () => {
    const h = replay(snapshot(1), snapshot(3, { status: "waiting_on_customer", changedAt: at("2026-11-30T11:00:00Z") }));
    expect(applySnapshot(h, snapshot(2, { status: "in_progress" }))).toBeUndefined();
    expect(applySnapshot(h, snapshot(3, { status: "in_progress" }))).toBeUndefined();
    expect(applySnapshot(h, snapshot(4, { status: "in_progress", changedAt: at("2026-11-30T11:30:00Z") }))?.waiting).toEqual([
      { start: at("2026-11-30T11:00:00Z"), end: at("2026-11-30T11:30:00Z") },
    ]);
  });

  it("recomputes from the opening when the targets change (a priority raised), without restarting", () => {
    const s = snapshot(2, { priority: "urgent", changedAt: at("2026-11-30T10:40:00Z") });
    const urgent = { ...targets, firstResponseMinutes: 30, resolutionMinutes: 120 };
    const clocks = computeClocks(replay(snapshot(1), s), s, urgent);
    expect(clocks.map((c) => c.dueAt)).toEqual([at("2026-11-30T10:30:00Z"), at("2026-11-30T12:00:00Z")]);
  });

  it("has no clock for a metric without a target", () => {
    const s = snapshot(1);
    expect(computeClocks(replay(s), s, { ...targets, firstResponseMinutes: 0 }).map((c) => c.metric)).toEqual(["resolution"]);
  });
});

describe("schedule changes", () => {
  const s = snapshot(1);
  const first = plannedAlerts(computeClocks(replay(s), s, targets));

  it("publishes every alert the first time", () => {
    expect(scheduleChanges([], first)).toEqual({ publish: first, cancel: [] });
  });

  it("leaves unchanged alerts alone, so an alert that fired is not published again", () => {
    expect(scheduleChanges(first, first)).toEqual({ publish: [], cancel: [] });
  });

  it("publishes the moved ones and cancels the ones no longer wanted", () => {
    const replied = snapshot(2, { firstRespondedAt: at("2026-11-30T10:05:00Z"), changedAt: at("2026-11-30T10:05:00Z"), priority: "high" });
    const next = plannedAlerts(computeClocks(replay(s, replied), replied, { ...targets, resolutionMinutes: 240 }));
    const changes = scheduleChanges(first, next);
    expect(changes.publish.map((a) => `${a.metric}.${a.kind}@${a.at.toISOString()}`)).toEqual([
      "resolution.warning@2026-11-30T13:00:00.000Z",
      "resolution.breach@2026-11-30T14:00:00.000Z",
    ]);
    expect(changes.cancel).toEqual([
      { metric: "first_response", kind: "warning" },
      { metric: "first_response", kind: "breach" },
    ]);
  });
});

describe("choosing a policy and its targets", () => {
  const policy = (id: string, category: string, createdAt: string): PolicyForCase => ({
    id,
    calendarId: "c1",
    category,
    warningPercent: 80,
    createdAt: at(createdAt),
    targets: [
      { priority: "high", slaLevel: "", firstResponseMinutes: 60, resolutionMinutes: 480 },
      { priority: "high", slaLevel: "gold", firstResponseMinutes: 15, resolutionMinutes: 120 },
      { priority: "low", slaLevel: "", firstResponseMinutes: 480, resolutionMinutes: 4800 },
    ],
  });
  const defaults = policy("default", "", "2026-01-02T00:00:00Z");
  const older = policy("older-default", "", "2026-01-01T00:00:00Z");
  const complaints = policy("complaints", "complaint", "2026-02-01T00:00:00Z");

  it("takes the category's own policy over the default", () => {
    expect(choosePolicy([defaults, complaints], "complaint")?.id).toBe("complaints");
    expect(choosePolicy([defaults, complaints], "billing")?.id).toBe("default");
    expect(choosePolicy([defaults, complaints], "")?.id).toBe("default");
    expect(choosePolicy([complaints], "billing")).toBeUndefined();
    // Two defaults: the oldest one.
    expect(choosePolicy([defaults, older], "")?.id).toBe("older-default");
  });

  it("takes the entitlement level's row, else the row without a level", () => {
    expect(chooseTarget(defaults, "high", "gold")?.firstResponseMinutes).toBe(15);
    expect(chooseTarget(defaults, "high", "silver")?.firstResponseMinutes).toBe(60);
    expect(chooseTarget(defaults, "high", "")?.firstResponseMinutes).toBe(60);
    expect(chooseTarget(defaults, "urgent", "")).toBeUndefined();
  });
});
