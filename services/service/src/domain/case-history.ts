import type { CasePriority, CaseStatus } from "./types";

/** One thing that happened to a case, made from one Service event (`_id` is the event's id). */
export interface HistoryEntryRecord {
  _id: string;
  tenantId: string;
  caseId: string;
  /** The event type ("service.case.assigned"). */
  kind: string;
  summary: string;
  actorId: string;
  occurredAt: Date;
  /** The case as the event left it; absent for events that carry no snapshot (SLA alerts). */
  status?: CaseStatus;
  ownerId?: string;
  queueId?: string;
  priority?: CasePriority;
}

/** What a case event says about the case, for its history line. */
export interface CaseSnapshot {
  number: string;
  status: CaseStatus | null;
  ownerId: string;
  queueId: string;
  priority: CasePriority | null;
  resolution: string;
}

const quoted = (s: string) => `"${s}"`;

/**
 * One line saying what an event did to the case. `extra` is what the event carries beyond
 * the case: a reply's visibility, a CSAT score, an SLA alert's metric.
 */
export function historySummary(subject: string, c: CaseSnapshot | null, extra: { score?: number; metric?: string; comment?: string } = {}): string {
  const verb = subject.split(".").pop() ?? subject;
  const name = c?.number ? `Case ${c.number}` : "Case";
  switch (subject) {
    case "service.case.opened":
      return `${name} opened${c?.queueId ? ` in queue ${c.queueId}` : ""}${c?.ownerId ? `, owner ${c.ownerId}` : ""}`;
    case "service.case.updated":
      return `${name} updated`;
    case "service.case.assigned":
      return c?.ownerId ? `Assigned to ${c.ownerId}${c.queueId ? ` (queue ${c.queueId})` : ""}` : `Moved to queue ${c?.queueId ?? ""}`.trim();
    case "service.case.status_changed":
      return `Status changed to ${c?.status ?? "unknown"}`;
    case "service.case.resolved":
      return `Resolved${c?.resolution ? `: ${c.resolution}` : ""}`;
    case "service.case.closed":
      return "Closed";
    case "service.case.reopened":
      return "Reopened";
    case "service.case.deleted":
      return `${name} deleted`;
    case "service.case.restored":
      return `${name} restored`;
    case "service.case.public_reply_added":
      return `Public reply${extra.comment ? `: ${quoted(extra.comment.slice(0, 200))}` : ""}`;
    case "service.case.csat_given":
      return `Customer satisfaction ${extra.score ?? "?"}/5`;
    case "service.case.escalated":
      return `Escalated${c?.priority ? ` (priority ${c.priority})` : ""}${c?.queueId ? ` to queue ${c.queueId}` : ""}`;
    case "service.sla.warning":
      return `SLA warning: ${extra.metric ?? "target"} due soon`;
    case "service.sla.breached":
      return `SLA breached: ${extra.metric ?? "target"}`;
    default:
      return `${name} ${verb.replace(/_/g, " ")}`;
  }
}
