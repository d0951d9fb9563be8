import { expectedVersion, id, implement, validate, type ServiceRegistration } from "@relata/platform";
import { ID_PATTERN, OWNER_ID_PATTERN } from "@relata/platform/resource";
import { CaseAssignmentServiceService } from "@relata/proto/service/v1/queue";
import { z } from "zod";
import { toCase } from "../codec/mappers";
import { decideAssignment, decideTake, isOpenCase } from "../domain/queue";
import type { Assignment } from "../workflows/assignment";
import type { ServiceDeps } from "./context";

/** The request schemas, by RPC (exported for tests). */
export const assignmentSchemas = {
  takeCase: z.object({ id: id(), expectedVersion: expectedVersion() }),
  assignCase: z.object({
    id: id(),
    expectedVersion: expectedVersion(),
    ownerId: z.string().trim().refine((v) => v === "" || OWNER_ID_PATTERN.test(v), "must be a user or client id"),
    queueId: z.string().trim().refine((v) => v === "" || ID_PATTERN.test(v), "must be a queue id"),
  }),
};

/** Taking a case from a queue (an agent) and assigning it (a manager); the gateway checks the roles. */
export function caseAssignmentService({ repos, logger }: ServiceDeps, assignment: Assignment): ServiceRegistration {
  return implement(
    CaseAssignmentServiceService,
    {
      async takeCase(request, ctx) {
        const input = validate(assignmentSchemas.takeCase, request);
        const agentId = ctx.identity.subject;
        const taken = await assignment.place(ctx, input.id, input.expectedVersion, async (current) => {
          const queue = current.queueId ? await repos.queues.in(ctx).find(current.queueId) : null;
          const placement = decideTake(
            { ownerId: current.ownerId ?? "", queueId: current.queueId ?? "", open: isOpenCase(current.status) },
            queue ?? undefined,
            agentId,
          );
          return placement && { ...placement, cause: "taken" as const };
        });
        return toCase(taken);
      },

      async assignCase(request, ctx) {
        const input = validate(assignmentSchemas.assignCase, request);
        const chosen = new Map<string, string | undefined>();
        const assigned = await assignment.place(ctx, input.id, input.expectedVersion, async (current) => {
          const decision = decideAssignment({ ownerId: current.ownerId ?? "", queueId: current.queueId ?? "" }, { ownerId: input.ownerId, queueId: input.queueId });
          if (!decision) return null;
          const { next } = decision;
          if (next.queueId && next.queueId !== current.queueId) {
            const queue = await repos.queues.in(ctx).require(next.queueId, "queue_id");
            // A move without an agent: the new queue's rule chooses (once, whatever the retries).
            if (decision.reassignByQueue && isOpenCase(current.status)) {
              if (!chosen.has(queue._id)) chosen.set(queue._id, await assignment.chooseFor(queue));
              next.ownerId = chosen.get(queue._id) ?? "";
            }
          }
          return { ...next, cause: "assigned" as const };
        });
        return toCase(assigned);
      },
    },
    logger,
  );
}
