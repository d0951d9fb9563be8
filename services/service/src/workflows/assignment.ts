import { actorOf, StateConflict, VersionConflict, type Actor, type CallerOrActor, type ConsumerLoop, type EventBus, type Logger, type Sequence } from "@relata/platform";
import { CaseChanged } from "@relata/proto/events/v1/service";
import type { Model } from "mongoose";
import { chooseAssignee, isOpenCase } from "../domain/queue";
import type { CaseRecord, CasePriority, QueueRecord } from "../domain/types";
import { caseAssignedEvent, caseEvent, type AssignmentCause } from "../events/builders";
import { SERVICE_STREAM, SUBJECTS } from "../events/stream";
import { openCasesByOwner, type OwnershipClaims } from "../store/assignment";
import type { ServiceRepositories } from "../store/repositories";

/** Where a case goes and who works it, and why; a priority when an escalation raises it too. */
export interface Placement {
  ownerId: string;
  queueId: string;
  cause: AssignmentCause;
  priority?: CasePriority;
}

/** Decides the case's new placement from the case as it is; null: nothing to change. May refuse by throwing. */
export type DecidePlacement = (current: CaseRecord) => Placement | null | Promise<Placement | null>;

/** How long a placement waits for the relay to pull the case's published events before writing anyway. */
const OUTBOX_WAIT_MS = 2_000;

/** The key of a queue's round-robin turns in the kit's Sequence. */
export const queueTurnKey = (tenantId: string, queueId: string) => `queue-turn:${tenantId}:${queueId}`;

/**
 * Who works a case: the queue's rule, an agent taking it, a manager assigning it, an escalation
 * moving it. Every change of owner or queue goes through `place`: a claim on the case's
 * ownership at the version read, then the repository's update at that version, with
 * service.case.assigned in the same write.
 */
export class Assignment {
  constructor(
    private readonly repos: ServiceRepositories,
    private readonly sequence: Sequence,
    private readonly claims: OwnershipClaims,
  ) {}

  /**
   * The agent the queue's rule gives a case now, or undefined (an inactive or empty queue).
   * Each call takes the queue's next turn from the Sequence, so concurrent calls on any
   * replica never share a turn.
   */
  async chooseFor(queue: QueueRecord): Promise<string | undefined> {
    if (!queue.active || queue.memberIds.length === 0) return undefined;
    const turn = await this.sequence.next(queueTurnKey(queue.tenantId, queue._id));
    const openCounts =
      queue.assignmentRule === "fewest_open" ? await openCasesByOwner(this.repos.cases.model as unknown as Model<CaseRecord>, queue.tenantId, queue.memberIds) : undefined;
    return chooseAssignee(queue, { turn, openCounts });
  }

  /**
   * Changes the case's owner and queue (and priority) as `decide` says. `expectedVersion` is
   * the caller's (a stale one is a VersionConflict); 0 decides again on a fresh read when
   * another writer got there first. ABORTED when another assignment of the case holds it now.
   */
  async place(caller: CallerOrActor, caseId: string, expectedVersion: number, decide: DecidePlacement): Promise<CaseRecord> {
    const actor = actorOf(caller);
    const cases = this.repos.cases.in(actor);
    for (let attempt = 1; attempt <= 10; attempt++) {
      await this.outboxSettled(actor.tenantId, caseId);
      const current = await cases.get(caseId);
      if (expectedVersion > 0 && current.version !== expectedVersion) throw new VersionConflict("case", caseId);
      const placement = await decide(current);
      if (!placement) return current;
      if (!(await this.claims.claim(actor.tenantId, caseId, current.version))) {
        throw new StateConflict(`case ${caseId} is being assigned by someone else right now`, "owner_id");
      }
      const previous = { ownerId: current.ownerId ?? "", queueId: current.queueId ?? "" };
      try {
        return await cases.update(caseId, current.version, () => {
          const moved = placement.ownerId !== previous.ownerId || placement.queueId !== previous.queueId;
          const raised = placement.priority !== undefined && placement.priority !== current.priority;
          return {
            set: { ownerId: placement.ownerId, queueId: placement.queueId, ...(raised ? { priority: placement.priority } : {}) },
            events: (next: CaseRecord, by: Actor) => [
              ...(raised ? [caseEvent("updated", next, by)] : []),
              ...(moved ? [caseAssignedEvent(next, previous, placement.cause, by)] : []),
            ],
          };
        });
      } catch (err) {
        // Another write (a comment, a clock) moved the case on: decide again on what it is now.
        if (err instanceof VersionConflict && expectedVersion === 0) continue;
        throw err;
      }
    }
    throw new StateConflict(`case ${caseId} is changing too often to assign; retry`);
  }

  /**
   * Waits (a little) until the relay has pulled the case's published events. On FerretDB the
   * relay's pull rewrites the whole document without regard to a write between its read and its
   * write, so a placement written just then is lost; the case just opened (or just changed) is
   * exactly when the relay pulls. Past OUTBOX_WAIT_MS (the relay off or NATS away) the write
   * goes ahead.
   */
  private async outboxSettled(tenantId: string, caseId: string): Promise<void> {
    const deadline = Date.now() + OUTBOX_WAIT_MS;
    for (;;) {
      const doc = await this.repos.cases.model.findOne({ _id: caseId, tenantId }, { outbox: 1 }).lean<{ outbox?: unknown[] }>();
      if (!doc?.outbox?.length || Date.now() >= deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /**
   * Assigns an open case that waits in a queue without an owner by the queue's rule (a new
   * case, a case moved there). Nothing happens to a case that has an owner, no queue, or is
   * no longer open, so a repeated call changes nothing. The choice is made once per queue, so a
   * retry after another writer's change does not take a second turn.
   */
  assignByQueue(caller: CallerOrActor, caseId: string, cause: AssignmentCause = "queue_rule"): Promise<CaseRecord> {
    const chosen = new Map<string, string | undefined>();
    return this.place(caller, caseId, 0, async (current) => {
      if (current.ownerId || !current.queueId || !isOpenCase(current.status)) return null;
      if (!chosen.has(current.queueId)) {
        const queue = await this.repos.queues.in(caller).find(current.queueId);
        chosen.set(current.queueId, queue ? await this.chooseFor(queue) : undefined);
      }
      const ownerId = chosen.get(current.queueId);
      return ownerId ? { ownerId, queueId: current.queueId, cause } : null;
    });
  }
}

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
