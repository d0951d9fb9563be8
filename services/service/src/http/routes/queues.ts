import { CreateQueueRequest, ListQueuesRequest, UpdateQueueRequest } from "@relata/proto/service/v1/queue";
import { crudRoutes, type RouteSpec } from "@relata/platform/http";
import type { ServiceClients } from "../../client";
import { queue } from "../../resources";

export function queueRoutes(service: ServiceClients): RouteSpec[] {
  return crudRoutes(
    queue,
    {
      list: async (request, call) => {
        const res = await service.queues.listQueues(ListQueuesRequest.fromPartial(request), call);
        return { records: res.queues, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => service.queues.createQueue(CreateQueueRequest.fromPartial(request), call),
      get: (request, call) => service.queues.getQueue(request, call),
      update: (request, call) => service.queues.updateQueue(UpdateQueueRequest.fromPartial(request), call),
      delete: (request, call) => service.queues.deleteQueue(request, call),
      restore: (request, call) => service.queues.restoreQueue(request, call),
    },
    {
      tag: "Queues",
      // A new queue assigns unless it is made inactive.
      createDefaults: (body) => ({ ...body, active: body.active ?? true }),
      refusedWhen: "escalation rules move cases to it",
    },
  );
}
