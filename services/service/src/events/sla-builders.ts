import { buildEvent, stableEventId, type Actor, type PendingEvent } from "@relata/platform";
import { eventSubjects, toMessage, type ResourceEvent } from "@relata/platform/resource";
import { BusinessCalendarChanged, SlaAlert, SlaMetric, SlaPolicyChanged } from "@relata/proto/events/v1/service";
import type { BusinessCalendar } from "@relata/proto/service/v1/calendar";
import { CasePriority } from "@relata/proto/service/v1/case";
import type { SlaPolicy } from "@relata/proto/service/v1/sla";
import type { SlaAlertKind, SlaMetric as Metric } from "../domain/sla-clock";
import { casePriority } from "../resources";
import { businessCalendar, slaPolicy } from "../sla-resources";
import type { BusinessCalendarRecord, SlaPolicyRecord } from "../store/sla-models";
import { SUBJECTS } from "./stream";

export const SLA_CONFIG_SUBJECTS = {
  businessCalendar: eventSubjects(businessCalendar),
  slaPolicy: eventSubjects(slaPolicy),
};

export const toBusinessCalendar = (r: BusinessCalendarRecord): BusinessCalendar => toMessage(businessCalendar, r);
export const toSlaPolicy = (r: SlaPolicyRecord): SlaPolicy => toMessage(slaPolicy, r);

export function businessCalendarEvent(kind: ResourceEvent, r: BusinessCalendarRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(SLA_CONFIG_SUBJECTS.businessCalendar[kind], r._id, actor, at, (meta) =>
    BusinessCalendarChanged.encode({ meta, businessCalendar: toBusinessCalendar(r) }).finish(),
  );
}

export function slaPolicyEvent(kind: ResourceEvent, r: SlaPolicyRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(SLA_CONFIG_SUBJECTS.slaPolicy[kind], r._id, actor, at, (meta) => SlaPolicyChanged.encode({ meta, slaPolicy: toSlaPolicy(r) }).finish());
}

/** Who the clock's own writes and alerts name as their actor. */
export const SLA_CLOCK_ACTOR_ID = "system:sla-clock";
export const slaClockActor = (tenantId: string): Actor => ({ tenantId, actorId: SLA_CLOCK_ACTOR_ID, requestId: "" });

export const SLA_ALERT_SUBJECTS: Record<SlaAlertKind, string> = { warning: SUBJECTS.slaWarning, breach: SUBJECTS.slaBreached };
const METRICS: Record<Metric, SlaMetric> = { first_response: SlaMetric.SLA_METRIC_FIRST_RESPONSE, resolution: SlaMetric.SLA_METRIC_RESOLUTION };
export const metricOf = (m: SlaMetric): Metric | undefined =>
  m === SlaMetric.SLA_METRIC_FIRST_RESPONSE ? "first_response" : m === SlaMetric.SLA_METRIC_RESOLUTION ? "resolution" : undefined;

/** Where a case's alert schedules wait: one subject per case, metric and kind (publishing again replaces). */
export const slaTimerSubject = (tenantId: string, caseId: string, metric: Metric, kind: SlaAlertKind) => `service.sla.timer.${tenantId}.${caseId}.${metric}.${kind}`;
/** Every schedule of one case, for cancelling them together. */
export const slaTimersOfCase = (tenantId: string, caseId: string) => `service.sla.timer.${tenantId}.${caseId}.>`;

export interface AlertFacts {
  tenantId: string;
  caseId: string;
  metric: Metric;
  kind: SlaAlertKind;
  /** The instant the alert is for (the warning's or the breach's). */
  at: Date;
  /** The target's instant. */
  dueAt: Date;
  priority: string;
  category: string;
  queueId: string;
}

/**
 * The alert event, prebuilt for a schedule: its id follows from the case, metric, kind and
 * instant, so every replica and every re-publication names the same alert alike, and
 * consumers apply it once.
 */
export function slaAlertEvent(a: AlertFacts): PendingEvent {
  const id = stableEventId(a.tenantId, a.caseId, a.metric, a.kind, a.at.toISOString());
  const priority = casePriority.words.includes(a.priority as never)
    ? casePriority.toProto(a.priority as (typeof casePriority.words)[number])
    : CasePriority.CASE_PRIORITY_UNSPECIFIED;
  return buildEvent(
    SLA_ALERT_SUBJECTS[a.kind],
    a.caseId,
    slaClockActor(a.tenantId),
    a.at,
    (meta) =>
      SlaAlert.encode({
        meta,
        caseId: a.caseId,
        metric: METRICS[a.metric],
        dueAt: a.at.toISOString(),
        targetAt: a.dueAt.toISOString(),
        priority,
        category: a.category,
        queueId: a.queueId,
      }).finish(),
    id,
  );
}
