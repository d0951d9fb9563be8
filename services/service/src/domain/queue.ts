import { status as GrpcStatus } from "@grpc/grpc-js";
import { AppError, InvalidArgument, StateConflict } from "@relata/platform";
import type { AssignmentRule, CaseStatus } from "./types";

/** What assignment needs to know of a queue. */
export interface QueueForAssignment {
  memberIds: readonly string[];
  /** Undefined as round robin. */
  assignmentRule?: AssignmentRule;
  active: boolean;
}

/**
 * The member whose turn it is. `turn` is a number from the queue's sequence (1, 2, 3, ...:
 * each assignment claims its own, so two concurrent assignments never share one); turn 1 is
 * the first member. Undefined when the queue has no members.
 */
export function memberForTurn(memberIds: readonly string[], turn: number): string | undefined {
  if (memberIds.length === 0) return undefined;
  const n = memberIds.length;
  return memberIds[(((turn - 1) % n) + n) % n];
}

/**
 * The member with the fewest open cases (a member missing from `openCounts` has none). Ties
 * go round robin among the tied members in the queue's order, by `turn`: the choice is
 * deterministic, and concurrent assignments that saw the same counts spread over the tied
 * members instead of all landing on the first of them.
 */
export function memberWithFewestOpen(memberIds: readonly string[], openCounts: ReadonlyMap<string, number>, turn: number): string | undefined {
  if (memberIds.length === 0) return undefined;
  const countOf = (member: string) => openCounts.get(member) ?? 0;
  const fewest = Math.min(...memberIds.map(countOf));
  return memberForTurn(
    memberIds.filter((member) => countOf(member) === fewest),
    turn,
  );
}

/** What the queue's rule needs: a turn always, the members' open cases for fewest-open. */
export interface AssignmentInputs {
  turn: number;
  openCounts?: ReadonlyMap<string, number>;
}

/** The agent a case created into `queue` goes to, or undefined (an inactive or empty queue keeps it unassigned). */
export function chooseAssignee(queue: QueueForAssignment, inputs: AssignmentInputs): string | undefined {
  if (!queue.active || queue.memberIds.length === 0) return undefined;
  return queue.assignmentRule === "fewest_open"
    ? memberWithFewestOpen(queue.memberIds, inputs.openCounts ?? new Map(), inputs.turn)
    : memberForTurn(queue.memberIds, inputs.turn);
}

/** Who holds a case and where it waits. "" is none. */
export interface Placement {
  ownerId: string;
  queueId: string;
}

/**
 * Whether `agentId` may take the case, and whether anything changes: a member of the case's
 * queue takes an open case nobody owns (taking one's own case again changes nothing). Refused
 * with 409 when someone else owns it or it is no longer open, 403 when the agent is not a
 * member of its queue (or it is in none).
 */
export function decideTake(current: Placement & { open: boolean }, queue: { memberIds: readonly string[] } | undefined, agentId: string): Placement | null {
  if (!current.queueId || !queue) throw new StateConflict("the case is in no queue: only a manager can assign it", "queue_id");
  if (!queue.memberIds.includes(agentId)) throw new AppError(GrpcStatus.PERMISSION_DENIED, `only a member of queue ${current.queueId} can take its cases`, "queue_id");
  if (current.ownerId === agentId) return null;
  if (current.ownerId) throw new StateConflict(`the case is taken already by ${current.ownerId}`, "owner_id");
  if (!current.open) throw new StateConflict("the case is no longer open", "status");
  return { ownerId: agentId, queueId: current.queueId };
}

/**
 * The placement a manager's assignment gives: an agent, another queue, or both. A move to
 * another queue without an agent leaves the owner empty, for the new queue's rule to assign;
 * null when nothing changes.
 */
export function decideAssignment(current: Placement, target: { ownerId?: string; queueId?: string }): { next: Placement; reassignByQueue: boolean } | null {
  if (!target.ownerId && !target.queueId) throw new InvalidArgument("owner_id", "owner_id or queue_id: name an agent, a queue, or both");
  const queueId = target.queueId || current.queueId;
  const movesQueue = queueId !== current.queueId;
  const ownerId = target.ownerId || (movesQueue ? "" : current.ownerId);
  if (ownerId === current.ownerId && queueId === current.queueId) return null;
  return { next: { ownerId, queueId }, reassignByQueue: !ownerId };
}

/** The statuses of a case still being worked: it counts towards its owner's open cases. */
export const OPEN_CASE_STATUSES = ["new", "in_progress", "waiting_on_customer"] as const satisfies readonly CaseStatus[];

export function isOpenCase(status: CaseStatus | undefined): boolean {
  return (OPEN_CASE_STATUSES as readonly string[]).includes(status ?? "");
}
