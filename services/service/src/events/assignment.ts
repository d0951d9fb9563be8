import type { ConsumerLoop, EventBus, Logger } from "@relata/platform";
import { CaseChanged } from "@relata/proto/events/v1/service";
import type { Assignment } from "../workflows/assignment";
import { SERVICE_STREAM, SUBJECTS } from "./stream";

/** The durable consumer that assigns new cases by their queue's rule. */
export const ASSIGNMENT_DURABLE = "service-assignment";

/** Who the assignments the consumer makes are reported as made by. */
export const QUEUE_RULE_ACTOR = "service:queue-rule";

/**
 * Assigns each case opened into a queue without an owner by the queue's rule. Idempotent: a
 * redelivered event finds the case owned and changes nothing; two replicas handling one case
 * at once meet at the case's ownership claim, and the loser retries into the same no-op.
 */
export function startAssignmentConsumer(bus: EventBus, assignment: Assignment, logger: Logger, durable = ASSIGNMENT_DURABLE): Promise<ConsumerLoop<CaseChanged>> {
  return bus.consume({
    stream: SERVICE_STREAM.name,
    durable,
    filterSubjects: [SUBJECTS.caseOpened],
    decode: (data) => CaseChanged.decode(data),
    maxDeliver: 10,
    handle: async ({ event }) => {
      const opened = event.case;
      if (!event.meta || !opened || !opened.queueId || opened.ownerId) return;
      const actor = { tenantId: event.meta.tenantId, actorId: QUEUE_RULE_ACTOR, requestId: event.meta.requestId };
      const assigned = await assignment.assignByQueue(actor, opened.id);
      if (assigned.ownerId) logger.debug({ caseId: opened.id, ownerId: assigned.ownerId, queueId: opened.queueId }, "case assigned by its queue's rule");
    },
  });
}
