import { InvalidArgument, StateConflict } from "@relata/platform";
import type { CaseStatus } from "./types";

/**
 * A case's lifecycle:
 *
 *   new ──start──▶ in_progress ◀──start── waiting_on_customer
 *    │              │   ──wait──────────▶   │
 *    └──────────────┴──resolve──▶ resolved ◀┘
 *                                   │  ──close──▶ closed
 *                                   ◀──reopen (within the tenant's window)──┘
 *
 * Any open case (new, in progress, waiting on the customer) can be resolved or closed
 * directly (a duplicate, spam); a resolved one can be closed. Resolved and closed cases come
 * back only by a reopen, to in progress, and only within the tenant's reopen window counted
 * from the moment the case was resolved or closed.
 */
export const CASE_STATUSES = ["new", "in_progress", "waiting_on_customer", "resolved", "closed"] as const satisfies readonly CaseStatus[];
export type CaseLifecycleStatus = CaseStatus;

/** The verbs that move a case, each to one status, from the statuses it may leave. */
export const CASE_ACTIONS = {
  start: { to: "in_progress", from: ["new", "waiting_on_customer"] },
  wait: { to: "waiting_on_customer", from: ["new", "in_progress"] },
  resolve: { to: "resolved", from: ["new", "in_progress", "waiting_on_customer"] },
  close: { to: "closed", from: ["new", "in_progress", "waiting_on_customer", "resolved"] },
  reopen: { to: "in_progress", from: ["resolved", "closed"] },
} as const satisfies Record<string, { to: CaseLifecycleStatus; from: readonly CaseLifecycleStatus[] }>;
export type CaseAction = keyof typeof CASE_ACTIONS;
export const CASE_ACTION_NAMES = Object.keys(CASE_ACTIONS) as CaseAction[];

/** The statuses a case may move to from each status (the union of the verbs' moves). */
export const CASE_TRANSITIONS: Readonly<Record<CaseLifecycleStatus, readonly CaseLifecycleStatus[]>> = Object.fromEntries(
  CASE_STATUSES.map((from) => [
    from,
    [...new Set(CASE_ACTION_NAMES.filter((a) => (CASE_ACTIONS[a].from as readonly string[]).includes(from)).map((a) => CASE_ACTIONS[a].to))],
  ]),
) as Record<CaseLifecycleStatus, CaseLifecycleStatus[]>;

export const OPEN_CASE_STATUSES: readonly CaseLifecycleStatus[] = ["new", "in_progress", "waiting_on_customer"];

export function isOpenStatus(status: CaseLifecycleStatus): boolean {
  return OPEN_CASE_STATUSES.includes(status);
}

/** The reopen window a tenant gets until it sets one, and the bounds of the setting (days). */
export const DEFAULT_REOPEN_WINDOW_DAYS = 14;
export const MAX_REOPEN_WINDOW_DAYS = 365;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the lifecycle reads from a case. */
export interface CaseLifecycleState {
  status: CaseLifecycleStatus;
  resolvedAt?: Date | null;
  closedAt?: Date | null;
}

/** The event a transition publishes: the verb's own for resolve, close and reopen. */
export type CaseTransitionEvent = "status_changed" | "resolved" | "closed" | "reopened";

export interface CaseTransitionDecision {
  action: CaseAction;
  from: CaseLifecycleStatus;
  to: CaseLifecycleStatus;
  event: CaseTransitionEvent;
  /** The fields to write: the status and the lifecycle's times and notes. */
  set: {
    status: CaseLifecycleStatus;
    resolvedAt?: Date | null;
    closedAt?: Date | null;
    resolution?: string;
    reopenedAt?: Date;
  };
}

export interface TransitionOptions {
  now: Date;
  /** The tenant's reopen window, in days (0: a resolved or closed case cannot be reopened). */
  reopenWindowDays: number;
  /** The resolution note (required to resolve). */
  resolution?: string;
}

export function canTransition(from: CaseLifecycleStatus, to: CaseLifecycleStatus): boolean {
  return CASE_TRANSITIONS[from].includes(to);
}

/** The 409 of a move the lifecycle does not allow, naming it. */
export function refusedTransition(from: CaseLifecycleStatus, to: CaseLifecycleStatus, hint = ""): StateConflict {
  return new StateConflict(`cannot move a case from ${from} to ${to}${hint ? `: ${hint}` : ""}`, "status");
}

/** The last day a resolved or closed case may be reopened, or null for an open case. */
export function reopenDeadline(state: CaseLifecycleState, reopenWindowDays: number): Date | null {
  const since = state.status === "closed" ? state.closedAt : state.status === "resolved" ? state.resolvedAt : null;
  if (!since) return null;
  return new Date(since.getTime() + reopenWindowDays * DAY_MS);
}

/**
 * Whether and how a verb moves a case. Asking for the status the case is already in (a retried
 * call, also a reopen of a case in progress) changes nothing: null. A move the lifecycle does not allow, or a reopen past the
 * tenant's window, is a StateConflict naming the move.
 */
export function decideTransition(state: CaseLifecycleState, action: CaseAction, options: TransitionOptions): CaseTransitionDecision | null {
  const { to, from: allowedFrom } = CASE_ACTIONS[action];
  const from = state.status;
  const resolution = options.resolution?.trim() ?? "";
  if (action === "resolve" && !resolution) throw new InvalidArgument("resolution", "resolution: is required to resolve a case");
  if (from === to) return null;
  if (!(allowedFrom as readonly CaseLifecycleStatus[]).includes(from)) {
    const hint = action !== "reopen" && (from === "resolved" || from === "closed") && to === "in_progress" ? "reopen it instead" : "";
    throw refusedTransition(from, to, hint);
  }
  if (action === "reopen") {
    const deadline = reopenDeadline(state, options.reopenWindowDays);
    if (!deadline || options.reopenWindowDays === 0 || options.now.getTime() > deadline.getTime()) {
      throw refusedTransition(
        from,
        to,
        `the tenant's reopen window of ${options.reopenWindowDays} days after the case was ${from} ended${deadline ? ` on ${deadline.toISOString()}` : ""}`,
      );
    }
    return {
      action,
      from,
      to,
      event: "reopened",
      set: { status: to, resolvedAt: null, closedAt: null, resolution: "", reopenedAt: options.now },
    };
  }
  if (action === "resolve") return { action, from, to, event: "resolved", set: { status: to, resolvedAt: options.now, resolution } };
  if (action === "close") return { action, from, to, event: "closed", set: { status: to, closedAt: options.now } };
  return { action, from, to, event: "status_changed", set: { status: to } };
}

/** The reopen window setting: whole days from 0 to 365. */
export function checkReopenWindowDays(days: number, field = "reopen_window_days"): number {
  if (!Number.isInteger(days) || days < 0 || days > MAX_REOPEN_WINDOW_DAYS) {
    throw new InvalidArgument(field, `${field}: must be a whole number of days from 0 to ${MAX_REOPEN_WINDOW_DAYS}`);
  }
  return days;
}
