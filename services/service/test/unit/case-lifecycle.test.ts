import { AppError, InvalidArgument, StateConflict } from "@relata/platform";
import {
  CASE_ACTIONS,
  CASE_STATUSES,
  CASE_TRANSITIONS,
  DEFAULT_REOPEN_WINDOW_DAYS,
  canTransition,
  checkReopenWindowDays,
  decideTransition,
  reopenDeadline,
  type CaseAction,
  type CaseLifecycleState,
} from "../../src/domain/case-lifecycle";

const now = new Date("2026-03-20T10:00:00Z");
const daysBefore = (days: number) => new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
const options = { now, reopenWindowDays: DEFAULT_REOPEN_WINDOW_DAYS, resolution: "replaced the router" };

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected an error");
}

describe("case lifecycle table", () => {
  it("lets an open case move between in progress and waiting, and be resolved or closed", () => {
    expect(CASE_TRANSITIONS.new).toEqual(expect.arrayContaining(["in_progress", "waiting_on_customer", "resolved", "closed"]));
    expect(canTransition("in_progress", "waiting_on_customer")).toBe(true);
    expect(canTransition("waiting_on_customer", "in_progress")).toBe(true);
    expect(canTransition("in_progress", "resolved")).toBe(true);
    expect(canTransition("resolved", "closed")).toBe(true);
  });

  it("never goes back to new, and leaves resolved or closed only for in progress", () => {
    for (const from of CASE_STATUSES) expect(canTransition(from, "new")).toBe(false);
    expect(CASE_TRANSITIONS.resolved).toEqual(expect.arrayContaining(["closed", "in_progress"]));
    expect(CASE_TRANSITIONS.resolved).toHaveLength(2);
    expect(CASE_TRANSITIONS.closed).toEqual(["in_progress"]);
    expect(canTransition("closed", "waiting_on_customer")).toBe(false);
    expect(canTransition("closed", "resolved")).toBe(false);
  });
});

describe("decideTransition", () => {
  it("starts, waits and starts again, publishing status_changed with only the status written", () => {
    const started = decideTransition({ status: "new" }, "start", options);
    expect(started).toEqual({ action: "start", from: "new", to: "in_progress", event: "status_changed", set: { status: "in_progress" } });
    expect(decideTransition({ status: "in_progress" }, "wait", options)?.set).toEqual({ status: "waiting_on_customer" });
    expect(decideTransition({ status: "waiting_on_customer" }, "start", options)?.to).toBe("in_progress");
  });

  it("resolves with a trimmed note and the time, and requires the note", () => {
    const resolved = decideTransition({ status: "in_progress" }, "resolve", { ...options, resolution: "  replaced the router " });
    expect(resolved).toMatchObject({ event: "resolved", set: { status: "resolved", resolvedAt: now, resolution: "replaced the router" } });
    const missing = errorOf(() => decideTransition({ status: "in_progress" }, "resolve", { ...options, resolution: "  " }));
    expect(missing).toBeInstanceOf(InvalidArgument);
    expect(missing.field).toBe("resolution");
  });

  it("closes a resolved case or an open one, with the close time", () => {
    expect(decideTransition({ status: "resolved", resolvedAt: daysBefore(1) }, "close", options)).toMatchObject({
      event: "closed",
      from: "resolved",
      set: { status: "closed", closedAt: now },
    });
    const closedDirectly = decideTransition({ status: "new" }, "close", options);
    expect(closedDirectly?.set).toEqual({ status: "closed", closedAt: now });
  });

  it("changes nothing when the case already has the status the verb asks for", () => {
    expect(decideTransition({ status: "in_progress" }, "start", options)).toBeNull();
    expect(decideTransition({ status: "resolved", resolvedAt: daysBefore(1) }, "resolve", options)).toBeNull();
    expect(decideTransition({ status: "closed", closedAt: daysBefore(1) }, "close", options)).toBeNull();
    expect(decideTransition({ status: "in_progress" }, "reopen", options)).toBeNull();
  });

  it("refuses a move the lifecycle does not allow with a 409 naming it", () => {
    const refused = errorOf(() => decideTransition({ status: "closed", closedAt: daysBefore(1) }, "wait", options));
    expect(refused).toBeInstanceOf(StateConflict);
    expect(refused.message).toBe("cannot move a case from closed to waiting_on_customer");
    expect(errorOf(() => decideTransition({ status: "closed", closedAt: daysBefore(1) }, "resolve", options)).message).toBe(
      "cannot move a case from closed to resolved",
    );
    expect(errorOf(() => decideTransition({ status: "new" }, "reopen", options)).message).toBe("cannot move a case from new to in_progress");
    expect(errorOf(() => decideTransition({ status: "waiting_on_customer" }, "reopen", options)).message).toMatch(/^cannot move a case from waiting_on_customer to in_progress/);
  });

  it("tells a caller who starts a resolved or closed case to reopen it", () => {
    const refused = errorOf(() => decideTransition({ status: "resolved", resolvedAt: daysBefore(1) }, "start", options));
    expect(refused.message).toBe("cannot move a case from resolved to in_progress: reopen it instead");
  });

  it("refuses every verb from a status it does not leave, and allows every listed one", () => {
    for (const action of Object.keys(CASE_ACTIONS) as CaseAction[]) {
      for (const status of CASE_STATUSES) {
        const state: CaseLifecycleState = { status, resolvedAt: daysBefore(1), closedAt: daysBefore(1) };
        const { to, from } = CASE_ACTIONS[action];
        if (status === to) continue;
        const allowed = (from as readonly string[]).includes(status);
        if (allowed) expect(decideTransition(state, action, options)?.to).toBe(to);
        else expect(errorOf(() => decideTransition(state, action, options))).toBeInstanceOf(StateConflict);
      }
    }
  });
});

describe("reopen window", () => {
  it("reopens a resolved case within the window, clearing its resolution", () => {
    const reopened = decideTransition({ status: "resolved", resolvedAt: daysBefore(13) }, "reopen", options);
    expect(reopened).toEqual({
      action: "reopen",
      from: "resolved",
      to: "in_progress",
      event: "reopened",
      set: { status: "in_progress", resolvedAt: null, closedAt: null, resolution: "", reopenedAt: now },
    });
  });

  it("counts a closed case's window from its close, not its resolution", () => {
    const closedRecently = { status: "closed" as const, resolvedAt: daysBefore(30), closedAt: daysBefore(2) };
    expect(decideTransition(closedRecently, "reopen", options)?.event).toBe("reopened");
    expect(reopenDeadline(closedRecently, 14)).toEqual(new Date(daysBefore(2).getTime() + 14 * 86_400_000));
  });

  it("reopens up to the last instant of the window and refuses after it, naming the move and the window", () => {
    expect(decideTransition({ status: "resolved", resolvedAt: daysBefore(14) }, "reopen", options)?.to).toBe("in_progress");
    const late = errorOf(() => decideTransition({ status: "closed", closedAt: new Date(daysBefore(14).getTime() - 1) }, "reopen", options));
    expect(late).toBeInstanceOf(StateConflict);
    expect(late.message).toMatch(/^cannot move a case from closed to in_progress: the tenant's reopen window of 14 days/);
  });

  it("follows the tenant's window: 0 days allows no reopen, 30 days a later one", () => {
    const resolved = { status: "resolved" as const, resolvedAt: daysBefore(20) };
    expect(decideTransition(resolved, "reopen", { ...options, reopenWindowDays: 30 })?.to).toBe("in_progress");
    expect(errorOf(() => decideTransition(resolved, "reopen", options))).toBeInstanceOf(StateConflict);
    const noWindow = errorOf(() => decideTransition({ status: "resolved", resolvedAt: now }, "reopen", { ...options, reopenWindowDays: 0 }));
    expect(noWindow).toBeInstanceOf(StateConflict);
    expect(noWindow.message).toMatch(/reopen window of 0 days/);
  });

  it("refuses a reopen when the case carries no time it was resolved or closed", () => {
    expect(errorOf(() => decideTransition({ status: "resolved" }, "reopen", options))).toBeInstanceOf(StateConflict);
  });

  it("accepts whole days from 0 to 365 as the setting", () => {
    expect(checkReopenWindowDays(0)).toBe(0);
    expect(checkReopenWindowDays(365)).toBe(365);
    for (const bad of [-1, 366, 1.5, Number.NaN]) {
      const err = errorOf(() => checkReopenWindowDays(bad));
      expect(err).toBeInstanceOf(InvalidArgument);
      expect(err.field).toBe("reopen_window_days");
    }
  });
});
