import {
  cancelSchedules,
  eventSchedule,
  NOT_DELETED,
  NotFound,
  publishSchedule,
  stableEventId,
  type ConsumerLoop,
  type EventBus,
  type Logger,
} from "@relata/platform";
import { BusinessCalendarChanged, CaseChanged, SlaAlert, SlaPolicyChanged } from "@relata/proto/events/v1/service";
import type { Case } from "@relata/proto/service/v1/case";
import { parseClockTime, type BusinessCalendar } from "../domain/business-time";
import { WEEKDAYS, type IsoWeekday } from "../domain/time-zone";
import {
  applySnapshot,
  choosePolicy,
  chooseTarget,
  computeClocks,
  emptyHistory,
  plannedAlerts,
  scheduleChanges,
  SLA_ALERT_KINDS,
  SLA_METRICS,
  type CaseSnapshot,
  type ClockHistory,
  type MetricClock,
  type SlaCaseStatus,
  type SlaTargets,
} from "../domain/sla-clock";
import type { CaseRecord } from "../domain/types";
import { casePriority, caseStatus } from "../resources";
import type { ServiceRepositories } from "../store/repositories";
import type { BusinessCalendarRecord, CaseSlaRecord, ScheduledAlert, SlaModels, SlaPolicyRecord } from "../store/sla-models";
import { caseEvent, CASE_SUBJECTS } from "./builders";
import { metricOf, SLA_ALERT_SUBJECTS, SLA_CONFIG_SUBJECTS, slaAlertEvent, slaClockActor, slaTimersOfCase, slaTimerSubject } from "./sla-builders";
import { SERVICE_STREAM } from "./stream";

/** The durable consumers of the SLA clock (shared by the replicas): `<prefix>-clock`, `-alerts`, `-config`. */
export const SLA_DURABLE_PREFIX = "service-sla";

const CASE_EVENT_SUBJECTS = [...new Set(Object.values(CASE_SUBJECTS))];
const CONFIG_SUBJECTS = [...Object.values(SLA_CONFIG_SUBJECTS.businessCalendar), ...Object.values(SLA_CONFIG_SUBJECTS.slaPolicy)];

const toDate = (iso: string | undefined) => (iso ? new Date(iso) : undefined);
const sameInstant = (a: Date | undefined | null, b: Date | undefined | null) => (a ? a.getTime() : null) === (b ? b.getTime() : null);

/** The calendar as business time reads it. */
export function calendarOf(r: Pick<BusinessCalendarRecord, "timeZone" | "weeklyHours" | "holidays">): BusinessCalendar {
  return {
    timeZone: r.timeZone,
    weeklyHours: r.weeklyHours.map((h) => ({
      day: (WEEKDAYS.indexOf(h.day as (typeof WEEKDAYS)[number]) + 1) as IsoWeekday,
      opensAt: parseClockTime(h.opens) ?? 0,
      closesAt: parseClockTime(h.closes) ?? 0,
    })),
    holidays: r.holidays,
  };
}

/** The snapshot of a case as the clock reads it, from the event's message. */
export function snapshotOf(c: Case): CaseSnapshot & { queueId: string } {
  return {
    id: c.id,
    tenantId: c.tenantId,
    version: Number(c.version),
    status: (caseStatus.fromProto(c.status) ?? "new") as SlaCaseStatus,
    priority: casePriority.fromProto(c.priority) ?? "normal",
    category: c.category,
    slaLevel: c.slaLevel,
    queueId: c.queueId,
    openedAt: new Date(c.createdAt ?? c.updatedAt ?? 0),
    changedAt: new Date(c.updatedAt ?? c.createdAt ?? 0),
    ...(c.firstRespondedAt ? { firstRespondedAt: new Date(c.firstRespondedAt) } : {}),
  };
}

/**
 * The SLA clock of every case: consumes the case events, keeps each case's clock in
 * `case_slas`, and turns due instants into JetStream message schedules whose targets are the
 * `service.sla.warning` / `service.sla.breached` events themselves (docs/service.md).
 */
export class SlaClock {
  constructor(
    private readonly bus: EventBus,
    private readonly models: SlaModels,
    private readonly repos: Pick<ServiceRepositories, "cases">,
    private readonly logger: Logger,
    private readonly durablePrefix = SLA_DURABLE_PREFIX,
  ) {}

  async start(): Promise<ConsumerLoop<unknown>[]> {
    const clock = await this.bus.consume({
      stream: SERVICE_STREAM.name,
      durable: `${this.durablePrefix}-clock`,
      filterSubjects: CASE_EVENT_SUBJECTS,
      decode: (data) => CaseChanged.decode(data),
      handle: async ({ subject, event }) => {
        if (event.case) await this.onCase(event.case, subject === CASE_SUBJECTS.deleted);
      },
    });
    const alerts = await this.bus.consume({
      stream: SERVICE_STREAM.name,
      durable: `${this.durablePrefix}-alerts`,
      filterSubjects: Object.values(SLA_ALERT_SUBJECTS),
      decode: (data) => SlaAlert.decode(data),
      handle: async ({ subject, event }) => this.onAlert(event, subject === SLA_ALERT_SUBJECTS.breach ? "breach" : "warning"),
    });
    const config = await this.bus.consume({
      stream: SERVICE_STREAM.name,
      durable: `${this.durablePrefix}-config`,
      filterSubjects: CONFIG_SUBJECTS,
      // One change recomputes every live case of the tenant: give it time before redelivery.
      ackWaitMs: 10 * 60_000,
      decode: (data, subject) => (subject.startsWith("service.business_calendar.") ? BusinessCalendarChanged.decode(data) : SlaPolicyChanged.decode(data)),
      handle: async ({ event }) => {
        const tenantId = event.meta?.tenantId;
        if (tenantId) await this.recomputeTenant(tenantId);
      },
    });
    return [clock, alerts, config] as ConsumerLoop<unknown>[];
  }

  /** A case event: apply it to the clock (stale ones aside) and bring the schedules in line. */
  async onCase(c: Case, deleted: boolean): Promise<void> {
    const snapshot = snapshotOf(c);
    const state = await this.models.caseSlas.findOne({ _id: c.id, tenantId: c.tenantId }).lean<CaseSlaRecord>();
    if (state && snapshot.version < state.caseVersion) return;
    if (state && snapshot.version === state.caseVersion) {
      // Redelivered after a crash between writing the clock and publishing: publish again
      // (a schedule already published is dropped as a duplicate by its id).
      await this.publish(state, state.scheduled, true);
      return;
    }
    const history = applySnapshot(state ? historyOf(state) : emptyHistory(), snapshot)!;
    const seen = {
      status: snapshot.status,
      priority: snapshot.priority,
      category: snapshot.category,
      slaLevel: snapshot.slaLevel,
      queueId: snapshot.queueId,
      openedAt: snapshot.openedAt,
      firstRespondedAt: snapshot.firstRespondedAt,
      deleted,
    };
    await this.recompute(c.tenantId, c.id, history, seen, state, c);
  }

  /** A policy or calendar of the tenant changed: every clock of its live cases is computed again. */
  async recomputeTenant(tenantId: string): Promise<void> {
    const states = await this.models.caseSlas.find({ tenantId, deleted: false, status: { $ne: "closed" } }).lean<CaseSlaRecord[]>();
    // One read of the tenant's configuration for all its cases.
    const config = await this.configOf(tenantId);
    for (const state of states) {
      try {
        await this.recompute(tenantId, state._id, historyOf(state), state, state, undefined, config);
      } catch (err) {
        // A case event moved the clock meanwhile: it was computed with the configuration as it is now.
        if (!(err instanceof ClockMoved)) throw err;
      }
    }
  }

  private async recompute(
    tenantId: string,
    caseId: string,
    history: ClockHistory,
    seen: Pick<CaseSlaRecord, "status" | "priority" | "category" | "slaLevel" | "queueId" | "openedAt" | "firstRespondedAt" | "deleted">,
    before: CaseSlaRecord | null,
    fromEvent: Case | undefined,
    tenantConfig?: TenantConfig,
  ): Promise<void> {
    const snapshot: CaseSnapshot = {
      id: caseId,
      tenantId,
      version: history.caseVersion,
      status: seen.status,
      priority: seen.priority,
      category: seen.category,
      slaLevel: seen.slaLevel,
      openedAt: seen.openedAt,
      changedAt: seen.openedAt,
      ...(seen.firstRespondedAt ? { firstRespondedAt: seen.firstRespondedAt } : {}),
    };
    const config = seen.deleted ? undefined : targetsFor(tenantConfig ?? (await this.configOf(tenantId)), snapshot);
    const clocks = config ? computeClocks(history, snapshot, config.targets) : [];
    const wanted = plannedAlerts(clocks);
    const previous = before?.scheduled ?? [];
    const changes = scheduleChanges(previous, wanted);
    const stamp = config?.stamp ?? "";
    const scheduled: ScheduledAlert[] = wanted.map((a) => {
      const kept = previous.find((p) => p.metric === a.metric && p.kind === a.kind && sameInstant(p.at, a.at) && sameInstant(p.dueAt, a.dueAt));
      return kept ?? { ...a, scheduleId: stableEventId("sla-schedule", tenantId, caseId, a.metric, a.kind, a.at.toISOString(), String(history.caseVersion), stamp) };
    });
    const due = dueInstants(clocks, before);
    const state: CaseSlaRecord = {
      _id: caseId,
      tenantId,
      caseVersion: history.caseVersion,
      ...seen,
      waiting: history.waiting,
      resolved: history.resolved,
      ...(history.waitingSince ? { waitingSince: history.waitingSince } : {}),
      ...(history.resolvedSince ? { resolvedSince: history.resolvedSince } : {}),
      policyId: config?.targets.policyId ?? "",
      calendarId: config?.targets.calendarId ?? "",
      configStamp: stamp,
      scheduled,
      ...(due.firstResponse ? { firstResponseDueAt: due.firstResponse } : {}),
      ...(due.resolution ? { resolutionDueAt: due.resolution } : {}),
      applied: before?.applied ?? [],
      updatedAt: new Date(),
    };
    // The clock is written before the schedules go out, so an alert that fires at once finds it;
    // only over the state it was computed from (another replica may have moved it meanwhile).
    if (before) {
      const written = await this.models.caseSlas.replaceOne({ _id: caseId, tenantId, caseVersion: before.caseVersion, updatedAt: before.updatedAt }, state);
      if (written.matchedCount === 0) throw new ClockMoved(caseId);
    } else {
      await this.models.caseSlas.create(state);
    }
    for (const c of changes.cancel) await cancelSchedules(this.bus, SERVICE_STREAM.name, slaTimerSubject(tenantId, caseId, c.metric, c.kind));
    const fresh = scheduled.filter((s) => changes.publish.some((p) => p.metric === s.metric && p.kind === s.kind));
    await this.publish(state, fresh, false);
    if (!seen.deleted) await this.writeDueInstants(tenantId, caseId, due, fromEvent);
  }

  /** Publishes `alerts` of the clock; on a redelivery also cancels whatever it no longer schedules. */
  private async publish(state: CaseSlaRecord, alerts: readonly ScheduledAlert[], redelivered: boolean): Promise<void> {
    if (redelivered && state.scheduled.length === 0) {
      await cancelSchedules(this.bus, SERVICE_STREAM.name, slaTimersOfCase(state.tenantId, state._id));
    } else if (redelivered) {
      for (const metric of SLA_METRICS) {
        for (const kind of SLA_ALERT_KINDS) {
          if (!state.scheduled.some((s) => s.metric === metric && s.kind === kind)) {
            await cancelSchedules(this.bus, SERVICE_STREAM.name, slaTimerSubject(state.tenantId, state._id, metric, kind));
          }
        }
      }
    }
    for (const a of alerts) {
      const event = slaAlertEvent({
        tenantId: state.tenantId,
        caseId: state._id,
        metric: a.metric,
        kind: a.kind,
        at: new Date(a.at),
        dueAt: new Date(a.dueAt),
        priority: state.priority,
        category: state.category,
        queueId: state.queueId,
      });
      await publishSchedule(this.bus, eventSchedule(slaTimerSubject(state.tenantId, state._id, a.metric, a.kind), new Date(a.at), event, a.scheduleId));
    }
  }

  /** The tenant's live policies and calendars. */
  private async configOf(tenantId: string): Promise<TenantConfig> {
    const [policies, calendars] = await Promise.all([
      this.models.slaPolicies.find({ tenantId, ...NOT_DELETED }).lean<SlaPolicyRecord[]>(),
      this.models.businessCalendars.find({ tenantId, ...NOT_DELETED }).lean<BusinessCalendarRecord[]>(),
    ]);
    return { policies: policies.map((p) => ({ ...p, id: p._id })), calendars: new Map(calendars.map((c) => [c._id, c])) };
  }

  /** The case's due instants kept current through the repository (with its case.updated event), when they changed. */
  private async writeDueInstants(tenantId: string, caseId: string, due: DueInstants, seen: Case | undefined): Promise<void> {
    if (seen && sameInstant(toDate(seen.firstResponseDueAt), due.firstResponse) && sameInstant(toDate(seen.resolutionDueAt), due.resolution)) return;
    const actor = slaClockActor(tenantId);
    try {
      await this.repos.cases.in(actor).update(caseId, 0, (current) => {
        if (sameInstant(current.firstResponseDueAt, due.firstResponse) && sameInstant(current.resolutionDueAt, due.resolution)) return null;
        return {
          set: { firstResponseDueAt: due.firstResponse ?? null, resolutionDueAt: due.resolution ?? null } satisfies Partial<Record<keyof CaseRecord, Date | null>>,
          events: (next, by) => [caseEvent("updated", next, by)],
        };
      });
    } catch (err) {
      if (!(err instanceof NotFound)) throw err;
    }
  }

  /**
   * An alert fired (JetStream published it at its instant): a breach marks the case once, if
   * it is still the clock's (not moved, not met before its instant). Idempotent by event id.
   */
  async onAlert(alert: SlaAlert, kind: "warning" | "breach"): Promise<void> {
    const tenantId = alert.meta?.tenantId ?? "";
    const eventId = alert.meta?.id ?? "";
    const metric = metricOf(alert.metric);
    if (!tenantId || !eventId || !metric || !alert.dueAt) return;
    const state = await this.models.caseSlas.findOne({ _id: alert.caseId, tenantId }).lean<CaseSlaRecord>();
    if (!state || state.applied.includes(eventId)) return;
    const at = new Date(alert.dueAt);
    const current = state.scheduled.some((s) => s.metric === metric && s.kind === kind && sameInstant(s.at, at));
    if (!current) {
      this.logger.info({ caseId: alert.caseId, metric, kind, at: alert.dueAt }, "SLA alert no longer current (the clock moved or stopped); case left as is");
    } else if (kind === "breach") {
      const actor = slaClockActor(tenantId);
      try {
        await this.repos.cases.in(actor).update(alert.caseId, 0, (c) => {
          const metBefore =
            metric === "first_response"
              ? c.firstRespondedAt && c.firstRespondedAt.getTime() <= at.getTime()
              : c.resolvedAt && (c.status === "resolved" || c.status === "closed") && c.resolvedAt.getTime() <= at.getTime();
          if (c.slaBreached || metBefore) return null;
          return { set: { slaBreached: true }, events: (next, by) => [caseEvent("updated", next, by)] };
        });
      } catch (err) {
        if (!(err instanceof NotFound)) throw err;
      }
    }
    // updatedAt moves too, so a clock recomputed from the state read before does not drop the id.
    await this.models.caseSlas.updateOne({ _id: alert.caseId, tenantId }, { $addToSet: { applied: eventId }, $set: { updatedAt: new Date() } });
  }
}

interface TenantConfig {
  policies: (SlaPolicyRecord & { id: string })[];
  calendars: Map<string, BusinessCalendarRecord>;
}

/** The policy, its targets and calendar for the case, or undefined when none applies. */
function targetsFor(config: TenantConfig, snapshot: CaseSnapshot): { targets: SlaTargets; stamp: string } | undefined {
  const policy = choosePolicy(config.policies, snapshot.category);
  if (!policy) return undefined;
  const target = chooseTarget(policy, snapshot.priority, snapshot.slaLevel);
  if (!target) return undefined;
  const calendar = config.calendars.get(policy.calendarId);
  if (!calendar) return undefined;
  return {
    targets: {
      policyId: policy._id,
      calendarId: calendar._id,
      calendar: calendarOf(calendar),
      firstResponseMinutes: target.firstResponseMinutes,
      resolutionMinutes: target.resolutionMinutes,
      warningPercent: policy.warningPercent || 80,
    },
    stamp: `${policy._id}@${policy.version}/${calendar._id}@${calendar.version}`,
  };
}

/** The clock was written by someone else since it was read: the event is handled again (redelivery). */
class ClockMoved extends Error {
  constructor(caseId: string) {
    super(`the SLA clock of case ${caseId} moved while it was recomputed`);
  }
}

function historyOf(state: CaseSlaRecord): ClockHistory {
  return {
    caseVersion: state.caseVersion,
    waiting: state.waiting.map((i) => ({ start: new Date(i.start), end: new Date(i.end) })),
    resolved: state.resolved.map((i) => ({ start: new Date(i.start), end: new Date(i.end) })),
    ...(state.waitingSince ? { waitingSince: new Date(state.waitingSince) } : {}),
    ...(state.resolvedSince ? { resolvedSince: new Date(state.resolvedSince) } : {}),
  };
}

interface DueInstants {
  firstResponse?: Date;
  resolution?: Date;
}

/** What the case shows: a running clock's due instant, none while paused, the last one once met. */
function dueInstants(clocks: readonly MetricClock[], before: CaseSlaRecord | null): DueInstants {
  const pick = (metric: MetricClock["metric"], last: Date | undefined): Date | undefined => {
    const c = clocks.find((x) => x.metric === metric);
    if (!c) return undefined;
    if (c.state === "running") return c.dueAt;
    if (c.state === "met") return last ? new Date(last) : undefined;
    return undefined;
  };
  const out: DueInstants = {};
  const first = pick("first_response", before?.firstResponseDueAt);
  const resolution = pick("resolution", before?.resolutionDueAt);
  if (first) out.firstResponse = first;
  if (resolution) out.resolution = resolution;
  return out;
}
