import type { SqlValue } from "@relata/platform/projection";
import { all, equalsIfGiven, withinDays } from "../facts/sql";

/**
 * The service dashboard over the cases opened in a range: volume, backlog, response and
 * resolution times, SLA compliance and satisfaction, in total and by queue and priority.
 * docs/reporting.md defines each figure.
 */

export interface ServiceFilters {
  tenantId: string;
  from: string;
  to: string;
  queueId: string;
  category: string;
  ownerId: string;
  timeZone: string;
}

export interface ServiceGroupFigures {
  key: string;
  opened: number;
  resolved: number;
  backlog: number;
  slaBreached: number;
}

export interface ServiceFigures {
  opened: number;
  resolved: number;
  backlog: number;
  averageFirstResponseMinutes: number;
  averageResolutionMinutes: number;
  slaCases: number;
  slaMet: number;
  slaBreached: number;
  slaCompliance: number;
  csatResponses: number;
  csatAverage: number;
  byQueue: ServiceGroupFigures[];
  byPriority: ServiceGroupFigures[];
}

const CLOSED = "('resolved', 'closed')";

/**
 * One row per grouping set: the total (grouping 3), by queue (1: priority rolled up) and by
 * priority (2: queue rolled up). A case is resolved when it has a resolution instant or is
 * resolved/closed; in the backlog when it is not resolved/closed now. It is an SLA case when it
 * shows a due date, is flagged as breached or had an SLA alert: Service clears a clock's due date
 * once it is breached (and while it is paused), so the due dates alone would miss breached cases.
 * It breached when flagged, alerted as breached, or answered or resolved after its due date.
 */
export function serviceFiguresQuery(f: ServiceFilters): { sql: string; params: SqlValue[] } {
  const where = all(
    { sql: "c.tenant_id = ?", params: [f.tenantId] },
    { sql: "NOT c.deleted", params: [] },
    withinDays("c.created_at", f.from, f.to, f.timeZone),
    equalsIfGiven("c.queue_id", f.queueId),
    equalsIfGiven("c.category", f.category),
    equalsIfGiven("c.owner_id", f.ownerId),
  );
  const sql = `
    WITH alerts AS (
      SELECT case_id, bool_or(kind = 'breached') AS breached FROM sla_alerts WHERE tenant_id = ? GROUP BY case_id),
    selected AS (
      SELECT COALESCE(c.queue_id, '') AS queue_key, COALESCE(c.priority, '') AS priority_key,
        (c.resolved_at IS NOT NULL OR c.status IN ${CLOSED}) AS is_resolved,
        (c.status NOT IN ${CLOSED}) AS in_backlog,
        CASE WHEN c.first_responded_at IS NOT NULL AND c.created_at IS NOT NULL
          THEN (epoch(c.first_responded_at) - epoch(c.created_at)) / 60.0 END AS first_response_minutes,
        CASE WHEN c.resolved_at IS NOT NULL AND c.created_at IS NOT NULL
          THEN (epoch(c.resolved_at) - epoch(c.created_at)) / 60.0 END AS resolution_minutes,
        (c.first_response_due_at IS NOT NULL OR c.resolution_due_at IS NOT NULL OR c.sla_breached OR a.case_id IS NOT NULL) AS has_sla,
        (c.sla_breached OR COALESCE(a.breached, FALSE)
          OR COALESCE(c.first_responded_at > c.first_response_due_at, FALSE)
          OR COALESCE(c.resolved_at > c.resolution_due_at, FALSE)) AS breached,
        fb.score AS csat_score
      FROM cases c
        LEFT JOIN alerts a ON a.case_id = c.case_id
        LEFT JOIN case_feedback fb ON fb.tenant_id = c.tenant_id AND fb.case_id = c.case_id
      WHERE ${where.sql})
    SELECT GROUPING(queue_key, priority_key) AS grouping_set, queue_key, priority_key,
      count(*) AS opened,
      count(*) FILTER (WHERE is_resolved) AS resolved,
      count(*) FILTER (WHERE in_backlog) AS backlog,
      avg(first_response_minutes) AS average_first_response_minutes,
      avg(resolution_minutes) AS average_resolution_minutes,
      count(*) FILTER (WHERE has_sla) AS sla_cases,
      count(*) FILTER (WHERE has_sla AND breached) AS sla_breached,
      count(csat_score) AS csat_responses,
      avg(csat_score) AS csat_average
    FROM selected
    GROUP BY GROUPING SETS ((), (queue_key), (priority_key))
    ORDER BY grouping_set, queue_key, priority_key`;
  return { sql, params: [f.tenantId, ...where.params] };
}

const TOTAL = 3;
const BY_QUEUE = 1;
const BY_PRIORITY = 2;

/** The priorities from most to least pressing: the order of by_priority (others after, by name). */
export const PRIORITY_ORDER = ["urgent", "high", "normal", "low"];

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/** The rows of serviceFiguresQuery as the dashboard's figures (an empty selection gives zeros). */
export function serviceFigures(rows: readonly Record<string, unknown>[]): ServiceFigures {
  const total = rows.find((r) => Number(r.grouping_set) === TOTAL);
  const group = (r: Record<string, unknown>, key: string): ServiceGroupFigures => ({
    key,
    opened: Number(r.opened),
    resolved: Number(r.resolved),
    backlog: Number(r.backlog),
    slaBreached: Number(r.sla_breached),
  });
  const byPriority = rows.filter((r) => Number(r.grouping_set) === BY_PRIORITY).map((r) => group(r, String(r.priority_key)));
  const rank = (key: string) => {
    const i = PRIORITY_ORDER.indexOf(key);
    return i < 0 ? PRIORITY_ORDER.length : i;
  };
  byPriority.sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key));
  const slaCases = Number(total?.sla_cases ?? 0);
  const slaBreached = Number(total?.sla_breached ?? 0);
  const slaMet = slaCases - slaBreached;
  return {
    opened: Number(total?.opened ?? 0),
    resolved: Number(total?.resolved ?? 0),
    backlog: Number(total?.backlog ?? 0),
    averageFirstResponseMinutes: Number(total?.average_first_response_minutes ?? 0),
    averageResolutionMinutes: Number(total?.average_resolution_minutes ?? 0),
    slaCases,
    slaMet,
    slaBreached,
    slaCompliance: ratio(slaMet, slaCases),
    csatResponses: Number(total?.csat_responses ?? 0),
    csatAverage: Number(total?.csat_average ?? 0),
    byQueue: rows.filter((r) => Number(r.grouping_set) === BY_QUEUE).map((r) => group(r, String(r.queue_key))),
    byPriority,
  };
}
