import type { ConsumerLoop, EventBus, Logger } from "@relata/platform";
import { SlaAlert, SlaMetric } from "@relata/proto/events/v1/service";
import type { SlaTarget } from "../domain/escalation";
import type { Escalation } from "../workflows/escalation";
import { SERVICE_STREAM, SUBJECTS } from "./stream";

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
