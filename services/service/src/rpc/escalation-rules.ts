import { implement, RecycleBinInput, recycleBinHandlers, type ServiceRegistration } from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { EscalationRuleServiceService, type CreateEscalationRuleRequest } from "@relata/proto/service/v1/escalation";
import { toEscalationRule } from "../codec/mappers";
import { assertRuleActs } from "../domain/escalation";
import { escalationRuleEvent } from "../events/builders";
import { escalationRule } from "../resources";
import type { ServiceDeps } from "./context";
import { activeByDefault } from "./queues";

const described = serviceSchemas(escalationRule);

/** The request schemas, by RPC (exported for tests). */
export const escalationRuleSchemas = {
  createEscalationRule: described.create,
  getEscalationRule: described.get,
  listEscalationRules: described.list,
  updateEscalationRule: described.update,
  deleteEscalationRule: RecycleBinInput,
  restoreEscalationRule: RecycleBinInput,
};

export function escalationRuleService({ repos, logger }: ServiceDeps): ServiceRegistration {
  const crud = resourceHandlers(escalationRule, repos.escalationRules, escalationRuleEvent, {
    async create(input, rules) {
      const rule = { ...input, target: input.target ?? "any", raisePriority: input.raisePriority ?? "none" };
      assertRuleActs(rule);
      // The queue a rule moves cases to must exist (and be the tenant's).
      if (rule.moveToQueueId) await repos.queues.in(rules.actor).require(rule.moveToQueueId, "move_to_queue_id");
      return rule;
    },
    async update(set, current, _rules, ctx) {
      assertRuleActs({ raisePriority: set.raisePriority ?? current.raisePriority, priorityLevel: set.priorityLevel ?? current.priorityLevel });
      if (set.moveToQueueId) await repos.queues.in(ctx).require(set.moveToQueueId, "move_to_queue_id");
    },
  });
  const bin = recycleBinHandlers(repos.escalationRules, toEscalationRule, escalationRuleEvent, {
    // A rule comes back only beside the queue it moves cases to.
    restore: {
      refuse: async (current, actor) => {
        if (current.moveToQueueId) await repos.queues.in(actor).require(current.moveToQueueId, "move_to_queue_id");
      },
    },
  });
  return implement(
    EscalationRuleServiceService,
    {
      createEscalationRule: (request: CreateEscalationRuleRequest, ctx) => crud.create(activeByDefault(request), ctx),
      getEscalationRule: crud.get,
      listEscalationRules: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { escalationRules: rows, page: { nextCursor } };
      },
      updateEscalationRule: crud.update,
      deleteEscalationRule: bin.delete,
      restoreEscalationRule: bin.restore,
    },
    logger,
  );
}
