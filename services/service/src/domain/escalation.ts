import { InvalidArgument } from "@relata/platform";
import type { CasePriority, EscalationAlert, EscalationTarget, PriorityRaise } from "./types";

/** Case priorities from lowest to highest: a raise moves right, never left. */
export const PRIORITY_ORDER: readonly CasePriority[] = ["low", "normal", "high", "urgent"];
export type Priority = CasePriority;

/** What an SLA alert reports: the warning share of a target reached, or the target missed. */
export type SlaAlertKind = EscalationAlert;

/** The SLA targets a case has. */
export type SlaTarget = Exclude<EscalationTarget, "any">;

/** How a rule raises the priority: not at all, one step up, or up to a level (never down). */
export type { PriorityRaise };

/** An escalation rule as matching and acting need it. */
export interface EscalationRuleShape {
  _id: string;
  active: boolean;
  /** The alert that fires it. */
  alert?: SlaAlertKind;
  /** The target whose alert fires it; undefined as "any". */
  target?: EscalationTarget;
  /** Only cases of these priorities / categories; empty: any. */
  priorities: readonly Priority[];
  categories: readonly string[];
  /** Undefined as "none". */
  raisePriority?: PriorityRaise;
  /** The level of a `to_level` raise. */
  priorityLevel?: Priority;
  /** The queue the case moves to (and is assigned by its rule). */
  moveToQueueId?: string;
  notifyManager: boolean;
  createdAt: Date;
}

/** An SLA alert about one case, with the case as it is now. */
export interface AlertOnCase {
  alert: SlaAlertKind;
  target: SlaTarget;
  priority: Priority;
  category: string;
}

export function ruleMatches(rule: EscalationRuleShape, on: AlertOnCase): boolean {
  return (
    rule.active &&
    rule.alert === on.alert &&
    (rule.target === undefined || rule.target === "any" || rule.target === on.target) &&
    (rule.priorities.length === 0 || rule.priorities.includes(on.priority)) &&
    (rule.categories.length === 0 || rule.categories.some((category) => sameCategory(category, on.category)))
  );
}

/** Categories are free text the tenant types: compared trimmed and without regard to case. */
function sameCategory(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The rules an alert fires, oldest first (ties by id), so their actions apply in one known order. */
export function matchingRules<R extends EscalationRuleShape>(rules: readonly R[], on: AlertOnCase): R[] {
  return rules
    .filter((rule) => ruleMatches(rule, on))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
}

/** The priority after a raise; the same when the case is there or higher already. */
export function raisedPriority(current: Priority, raise: PriorityRaise, level?: Priority): Priority {
  const at = PRIORITY_ORDER.indexOf(current);
  if (raise === "none") return current;
  if (raise === "one_step") return PRIORITY_ORDER[Math.min(at + 1, PRIORITY_ORDER.length - 1)]!;
  if (!level) throw new Error("a to_level raise needs its level");
  return PRIORITY_ORDER.indexOf(level) > at ? level : current;
}

/** What one rule does to a case: only what changes it is set. */
export interface EscalationPlan {
  priority?: Priority;
  queueId?: string;
  /** The manager to notify: the manager of the queue the case was in when the alert came. */
  notifyManagerId?: string;
}

export function escalationPlan(
  rule: EscalationRuleShape,
  current: { priority: Priority; queueId: string },
  managerOfCurrentQueue: string | undefined,
): EscalationPlan {
  const plan: EscalationPlan = {};
  if (rule.raisePriority && rule.raisePriority !== "none") {
    const priority = raisedPriority(current.priority, rule.raisePriority, rule.priorityLevel);
    if (priority !== current.priority) plan.priority = priority;
  }
  if (rule.moveToQueueId && rule.moveToQueueId !== current.queueId) plan.queueId = rule.moveToQueueId;
  if (rule.notifyManager && managerOfCurrentQueue) plan.notifyManagerId = managerOfCurrentQueue;
  return plan;
}

/**
 * A `to_level` raise names its level. (A rule without a raise, a move or a notification still
 * does something: every firing is reported as service.case.escalated.)
 */
export function assertRuleActs(rule: Pick<EscalationRuleShape, "raisePriority" | "priorityLevel">): void {
  if (rule.raisePriority === "to_level" && !rule.priorityLevel) {
    throw new InvalidArgument("priority_level", "priority_level: required when raise_priority is to_level");
  }
}

/**
 * The `_id` of the claim that makes one alert fire one rule once: inserting it is the one
 * atomic step, so a redelivered alert (same event id) finds it taken.
 */
export function escalationClaimId(alertEventId: string, ruleId: string): string {
  return `${alertEventId}:${ruleId}`;
}
