import { dependentsBy, implement, RecycleBinInput, recycleBinHandlers, type ServiceRegistration } from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { QueueServiceService, type CreateQueueRequest } from "@relata/proto/service/v1/queue";
import { toQueue } from "../codec/mappers";
import { queueEvent } from "../events/builders";
import { queue } from "../resources";
import type { ServiceDeps } from "./context";

const described = serviceSchemas(queue);

/** The request schemas, by RPC (exported for tests). */
export const queueSchemas = {
  createQueue: described.create,
  getQueue: described.get,
  listQueues: described.list,
  updateQueue: described.update,
  deleteQueue: RecycleBinInput,
  restoreQueue: RecycleBinInput,
};

/** A create that leaves `active` unset makes an active queue. */
export const activeByDefault = <R extends { active?: boolean | undefined }>(request: R): R => (request.active === undefined ? { ...request, active: true } : request);

export function queueService({ repos, logger }: ServiceDeps): ServiceRegistration {
  const crud = resourceHandlers(queue, repos.queues, queueEvent, {
    create: (input) => ({ ...input, assignmentRule: input.assignmentRule ?? "round_robin" }),
  });
  // Escalation rules that move cases to a queue keep it from the recycle bin.
  const bin = recycleBinHandlers(repos.queues, toQueue, queueEvent, {
    // A queue that cases were routed through stays (deactivate it instead): its cases name it.
    delete: { dependents: [dependentsBy(repos.cases, "queueId"), dependentsBy(repos.escalationRules, "moveToQueueId")] },
  });
  return implement(
    QueueServiceService,
    {
      createQueue: (request: CreateQueueRequest, ctx) => crud.create(activeByDefault(request), ctx),
      getQueue: crud.get,
      listQueues: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { queues: rows, page: { nextCursor } };
      },
      updateQueue: crud.update,
      deleteQueue: bin.delete,
      restoreQueue: bin.restore,
    },
    logger,
  );
}
