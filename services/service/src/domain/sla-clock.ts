import { addBusinessTime, type BusinessCalendar, type Interval } from "./business-time";

/**
 * The SLA clock of one case, as pure rules: what the clock has seen of the case (its pauses),
 * and from that and the policy's targets, when each metric warns and breaches. The consumer of
 * case events (events/sla-clock.ts) keeps the state and turns the due instants into message
 * schedules.
 *
 * - Both clocks start when the case is opened and count business time on the policy's calendar.
 * - "Waiting on customer" pauses both; the time spent waiting does not count.
 * - The first public reply stops the first-response clock (met); so does resolving a case that
 *   was never answered (there is no one to answer any more; a breach already recorded stays).
 * - Resolving or closing stops the resolution clock (met); reopening starts it again, and the
 *   time it stood resolved does not count.
 * - A change of priority, entitlement level or category picks the targets again; a change of
 *   policy or calendar recomputes with the new ones. Due instants are always computed from the
 *   opening, so a recomputation moves them, never restarts them.
 */

export type SlaMetric = "first_response" | "resolution";
export type SlaAlertKind = "warning" | "breach";
export const SLA_METRICS: readonly SlaMetric[] = ["first_response", "resolution"];
export const SLA_ALERT_KINDS: readonly SlaAlertKind[] = ["warning", "breach"];

/** The case lifecycle as the clock reads it. */
export type SlaCaseStatus = "new" | "in_progress" | "waiting_on_customer" | "resolved" | "closed";

/** What the clock reads of a case snapshot. */
export interface CaseSnapshot {
  id: string;
  tenantId: string;
  version: number;
  status: SlaCaseStatus;
  priority: string;
  category: string;
  /** The entitlement's SLA level; "" for none. */
  slaLevel: string;
  openedAt: Date;
  /** When this version was written: the instant its status change took effect. */
  changedAt: Date;
  firstRespondedAt?: Date;
}

/** The pauses the clock has seen, kept between snapshots (in case_slas). */
export interface ClockHistory {
  /** The case version last applied; older snapshots are stale. */
  caseVersion: number;
  /** Closed spans of waiting on the customer (both clocks). */
  waiting: Interval[];
  waitingSince?: Date;
  /** Closed spans between resolving and reopening (the resolution clock). */
  resolved: Interval[];
  resolvedSince?: Date;
}

export const emptyHistory = (): ClockHistory => ({ caseVersion: 0, waiting: [], resolved: [] });

const isResolved = (s: SlaCaseStatus) => s === "resolved" || s === "closed";

/**
 * The history after `snapshot`, or undefined when it is stale (not newer than what was
 * applied). Status changes take effect at the snapshot's `changedAt`.
 */
export function applySnapshot(history: ClockHistory, snapshot: CaseSnapshot): ClockHistory | undefined {
  if (snapshot.version <= history.caseVersion) return undefined;
  const at = snapshot.changedAt;
  const next: ClockHistory = { ...history, caseVersion: snapshot.version, waiting: [...history.waiting], resolved: [...history.resolved] };
  const waiting = snapshot.status === "waiting_on_customer";
  if (waiting && !next.waitingSince) next.waitingSince = at;
  if (!waiting && next.waitingSince) {
    next.waiting.push({ start: next.waitingSince, end: at });
    delete next.waitingSince;
  }
  const resolved = isResolved(snapshot.status);
  if (resolved && !next.resolvedSince) next.resolvedSince = at;
  if (!resolved && next.resolvedSince) {
    next.resolved.push({ start: next.resolvedSince, end: at });
    delete next.resolvedSince;
  }
  return next;
}

/** The targets a policy sets for one case, with the calendar they count on. */
export interface SlaTargets {
  policyId: string;
  calendarId: string;
  calendar: BusinessCalendar;
  /** Business minutes; 0 or absent: no target for the metric. */
  firstResponseMinutes: number;
  resolutionMinutes: number;
  /** The warning comes at this share of the target (1-99). */
  warningPercent: number;
}

export type MetricState = "running" | "paused" | "met";

export interface MetricClock {
  metric: SlaMetric;
  state: MetricState;
  targetSeconds: number;
  /** When the warning and the breach are due; set while running (and kept when met, for the record). */
  warningAt?: Date;
  dueAt?: Date;
  /** When the target was met (first reply, resolution). */
  metAt?: Date;
}

/**
 * Each metric's clock for the case under the targets (a metric without a target has none).
 * A paused metric has no due instants: they depend on when the pause ends.
 */
export function computeClocks(history: ClockHistory, snapshot: CaseSnapshot, targets: SlaTargets): MetricClock[] {
  const clocks: MetricClock[] = [];
  const targetSeconds: Record<SlaMetric, number> = {
    first_response: targets.firstResponseMinutes * 60,
    resolution: targets.resolutionMinutes * 60,
  };
  for (const metric of SLA_METRICS) {
    const seconds = targetSeconds[metric];
    if (!(seconds > 0)) continue;
    const pauses = metric === "resolution" ? [...history.waiting, ...history.resolved] : [...history.waiting];
    const metAt = metric === "first_response" ? (snapshot.firstRespondedAt ?? (isResolved(snapshot.status) ? history.resolvedSince : undefined)) : history.resolvedSince;
    const due = (share: number) => addBusinessTime(targets.calendar, snapshot.openedAt, (seconds * share) / 100, pauses);
    if (metAt) {
      clocks.push({ metric, state: "met", targetSeconds: seconds, metAt });
    } else if (history.waitingSince) {
      clocks.push({ metric, state: "paused", targetSeconds: seconds });
    } else {
      clocks.push({ metric, state: "running", targetSeconds: seconds, warningAt: due(targets.warningPercent), dueAt: due(100) });
    }
  }
  return clocks;
}

/** One alert to schedule: it is published at `at` unless cancelled or replaced before. */
export interface PlannedAlert {
  metric: SlaMetric;
  kind: SlaAlertKind;
  at: Date;
  /** The instant the target itself is due (the breach instant), carried by both alerts. */
  dueAt: Date;
}

/** The alerts a set of clocks wants scheduled: a warning and a breach for each running metric. */
export function plannedAlerts(clocks: readonly MetricClock[]): PlannedAlert[] {
  const alerts: PlannedAlert[] = [];
  for (const c of clocks) {
    if (c.state !== "running" || !c.dueAt || !c.warningAt) continue;
    alerts.push({ metric: c.metric, kind: "warning", at: c.warningAt, dueAt: c.dueAt });
    alerts.push({ metric: c.metric, kind: "breach", at: c.dueAt, dueAt: c.dueAt });
  }
  return alerts;
}

const alertKey = (a: { metric: SlaMetric; kind: SlaAlertKind }) => `${a.metric}.${a.kind}`;

/**
 * What to do to the schedules to go from the alerts scheduled before to the ones wanted now:
 * publish the new and the moved ones (publishing on the same subject replaces), cancel the
 * ones no longer wanted, leave the unchanged ones alone (they may have fired already:
 * publishing them again would fire them again).
 */
export function scheduleChanges(
  before: readonly PlannedAlert[],
  wanted: readonly PlannedAlert[],
): { publish: PlannedAlert[]; cancel: { metric: SlaMetric; kind: SlaAlertKind }[] } {
  const old = new Map(before.map((a) => [alertKey(a), a]));
  const publish = wanted.filter((a) => {
    const o = old.get(alertKey(a));
    return !o || o.at.getTime() !== a.at.getTime() || o.dueAt.getTime() !== a.dueAt.getTime();
  });
  const keep = new Set(wanted.map(alertKey));
  const cancel = before.filter((a) => !keep.has(alertKey(a))).map(({ metric, kind }) => ({ metric, kind }));
  return { publish, cancel };
}

// ---- policies -------------------------------------------------------------------------------

export interface PolicyTarget {
  priority: string;
  /** "" applies to cases without an entitlement level (and to levels without a row of their own). */
  slaLevel: string;
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

export interface PolicyForCase {
  id: string;
  calendarId: string;
  /** "" for the default policy; else the case category it alone applies to. */
  category: string;
  warningPercent: number;
  targets: PolicyTarget[];
  createdAt: Date;
}

/**
 * The policy for a case: the one for its category wins over the default; among equals the
 * oldest. Undefined when neither exists.
 */
export function choosePolicy<P extends PolicyForCase>(policies: readonly P[], category: string): P | undefined {
  const oldestFirst = [...policies].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  return (category ? oldestFirst.find((p) => p.category === category) : undefined) ?? oldestFirst.find((p) => p.category === "");
}

/** The row of a policy for a priority and level: the level's own, else the row without a level. */
export function chooseTarget(policy: PolicyForCase, priority: string, slaLevel: string): PolicyTarget | undefined {
  const forPriority = policy.targets.filter((t) => t.priority === priority);
  return (slaLevel ? forPriority.find((t) => t.slaLevel === slaLevel) : undefined) ?? forPriority.find((t) => t.slaLevel === "");
}
