import { insertOnce, NOT_DELETED, type Actor, type ConsumerLoop, type EventBus, type Logger, type PublishAfterWrite } from "@relata/platform";
import { SlaAlert, SlaMetric } from "@relata/proto/events/v1/service";
import type { Model } from "mongoose";
import { escalationClaimId, escalationPlan, matchingRules, PRIORITY_ORDER, type SlaAlertKind, type SlaTarget } from "../domain/escalation";
import { isOpenCase } from "../domain/queue";
import type { CaseRecord, EscalationRecord, EscalationRuleRecord } from "../domain/types";
import { caseEscalatedEvent } from "../events/builders";
import { SERVICE_STREAM, SUBJECTS } from "../events/stream";
import type { ServiceModels } from "../store/models";
import type { ServiceRepositories } from "../store/repositories";
import type { Assignment } from "./assignment";

/** An SLA alert about one case, as the escalation consumer reads it off the stream. */
export interface SlaAlertFacts {
  /** The alert's event id: with a rule's id, the key of that rule's one firing. */
  alertEventId: string;
  caseId: string;
  alert: SlaAlertKind;
  target: SlaTarget;
}

/** An alert fires at most this many rules (the tenant's oldest active ones that match). */
const MAX_RULES = 500;

/**
 * Escalation on SLA alerts: each matching rule fires once per alert. Its firing is an
 * escalation document inserted with a unique `_id` (alert event id + rule id), carrying the
 * plan in absolute values (the priority to reach, the queue to be in) and the
 * service.case.escalated event in its outbox; the plan is then applied to the case through the
 * repository and the document marked applied. A redelivered alert finds the document: applied,
 * nothing happens; not yet (the process died in between), the plan is applied again, which
 * changes nothing that was already changed.
 */
export class Escalation {
  constructor(
    private readonly repos: ServiceRepositories,
    private readonly models: ServiceModels,
    private readonly assignment: Assignment,
    private readonly publish: PublishAfterWrite,
  ) {}

  async onAlert(actor: Actor, alert: SlaAlertFacts): Promise<EscalationRecord[]> {
    const fired: EscalationRecord[] = [];
    let current = await this.repos.cases.in(actor).find(alert.caseId);
    if (!current || !isOpenCase(current.status)) return fired;
    const rules = await (this.models.escalationRules as unknown as Model<EscalationRuleRecord>)
      .find({ tenantId: actor.tenantId, active: true, ...NOT_DELETED })
      .sort({ createdAt: 1, _id: 1 })
      .limit(MAX_RULES)
      .lean<EscalationRuleRecord[]>();
    const on = { alert: alert.alert, target: alert.target, priority: current.priority ?? "normal", category: current.category ?? "" };
    for (const rule of matchingRules(rules, on)) {
      const escalation = await this.claim(actor, alert, rule, current);
      if (!escalation.appliedAt) {
        current = await this.apply(actor, escalation);
        await this.models.escalations.updateOne({ _id: escalation._id, tenantId: actor.tenantId }, { $set: { appliedAt: new Date() } });
      }
      fired.push(escalation);
    }
    return fired;
  }

  /** The rule's firing for this alert: inserted now with its plan and event, or the one inserted before. */
  private async claim(actor: Actor, alert: SlaAlertFacts, rule: EscalationRuleRecord, current: CaseRecord): Promise<EscalationRecord> {
    const _id = escalationClaimId(alert.alertEventId, rule._id);
    const model = this.models.escalations as unknown as Model<EscalationRecord>;
    const existing = await model.findOne({ _id, tenantId: actor.tenantId }, { outbox: 0 }).lean<EscalationRecord>();
    if (existing) return existing;
    const queueId = current.queueId ?? "";
    const manager = queueId ? (await this.repos.queues.in(actor).find(queueId))?.managerId : undefined;
    const priority = current.priority ?? "normal";
    const plan = escalationPlan(rule, { priority, queueId }, manager || undefined);
    const record: EscalationRecord = {
      _id,
      tenantId: actor.tenantId,
      caseId: current._id,
      ruleId: rule._id,
      alertEventId: alert.alertEventId,
      reason: `sla ${alert.alert} of ${alert.target}`,
      previousPriority: priority,
      ...(plan.priority ? { priority: plan.priority } : {}),
      previousQueueId: queueId,
      ...(plan.queueId ? { queueId: plan.queueId } : {}),
      ...(plan.notifyManagerId ? { managerId: plan.notifyManagerId } : {}),
      createdAt: new Date(),
    };
    const inserted = await insertOnce(this.models.escalations, { record, actor, events: (r, by) => [caseEscalatedEvent(r, by)] }, this.publish);
    if (inserted) return record;
    // A concurrent delivery of the same alert inserted it first: follow its plan.
    return (await model.findOne({ _id, tenantId: actor.tenantId }, { outbox: 0 }).lean<EscalationRecord>()) ?? record;
  }

  /** Brings the case to the plan: at least the planned priority, in the planned queue (assigned by its rule). */
  private async apply(actor: Actor, escalation: EscalationRecord): Promise<CaseRecord> {
    const chosen = new Map<string, string | undefined>();
    return this.assignment.place(actor, escalation.caseId, 0, async (current) => {
      const higher = escalation.priority && PRIORITY_ORDER.indexOf(escalation.priority) > PRIORITY_ORDER.indexOf(current.priority ?? "normal") ? escalation.priority : undefined;
      const moveTo = escalation.queueId && escalation.queueId !== current.queueId && isOpenCase(current.status) ? escalation.queueId : undefined;
      if (!higher && !moveTo) return null;
      let ownerId = current.ownerId ?? "";
      if (moveTo) {
        if (!chosen.has(moveTo)) {
          const queue = await this.repos.queues.in(actor).find(moveTo);
          chosen.set(moveTo, queue ? await this.assignment.chooseFor(queue) : undefined);
        }
        ownerId = chosen.get(moveTo) ?? "";
      }
      return { ownerId, queueId: moveTo ?? current.queueId ?? "", cause: "escalation", ...(higher ? { priority: higher } : {}) };
    });
  }
}

/** The durable consumer that applies escalation rules to SLA alerts. */
export const ESCALATION_DURABLE = "service-escalation";

/** Who escalations are reported as made by. */
export const ESCALATION_ACTOR = "service:escalation";

const TARGETS: Partial<Record<SlaMetric, SlaTarget>> = {
  [SlaMetric.SLA_METRIC_FIRST_RESPONSE]: "first_response",
  [SlaMetric.SLA_METRIC_RESOLUTION]: "resolution",
};

/**
 * Applies the tenant's escalation rules to each SLA warning and breach (SlaAlert), reading the
 * case as it is now. Idempotent by the alert's event id: each rule fires once per alert, however
 * often the alert is delivered.
 */
export function startEscalationConsumer(bus: EventBus, escalation: Escalation, logger: Logger, durable = ESCALATION_DURABLE): Promise<ConsumerLoop<SlaAlert>> {
  return bus.consume({
    stream: SERVICE_STREAM.name,
    durable,
    filterSubjects: [SUBJECTS.slaWarning, SUBJECTS.slaBreached],
    decode: (data) => SlaAlert.decode(data),
    maxDeliver: 10,
    handle: async ({ subject, event }) => {
      const target = TARGETS[event.metric];
      if (!event.meta || !event.caseId || !target) {
        logger.warn({ subject, caseId: event.caseId }, "SLA alert without its meta, case or target: nothing to escalate");
        return;
      }
      const actor = { tenantId: event.meta.tenantId, actorId: ESCALATION_ACTOR, requestId: event.meta.requestId };
      const fired = await escalation.onAlert(actor, {
        alertEventId: event.meta.id,
        caseId: event.caseId,
        alert: subject === SUBJECTS.slaBreached ? "breach" : "warning",
        target,
      });
      if (fired.length) logger.info({ caseId: event.caseId, rules: fired.map((e) => e.ruleId) }, "SLA alert escalated the case");
    },
  });
}
