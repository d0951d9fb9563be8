import { CreateEscalationRuleRequest, ListEscalationRulesRequest, UpdateEscalationRuleRequest } from "@relata/proto/service/v1/escalation";
import { crudRoutes, type RouteSpec } from "@relata/platform/http";
import type { ServiceClients } from "../../client";
import { escalationRule } from "../../resources";

export function escalationRuleRoutes(service: ServiceClients): RouteSpec[] {
  return crudRoutes(
    escalationRule,
    {
      list: async (request, call) => {
        const res = await service.escalationRules.listEscalationRules(ListEscalationRulesRequest.fromPartial(request), call);
        return { records: res.escalationRules, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => service.escalationRules.createEscalationRule(CreateEscalationRuleRequest.fromPartial(request), call),
      get: (request, call) => service.escalationRules.getEscalationRule(request, call),
      update: (request, call) => service.escalationRules.updateEscalationRule(UpdateEscalationRuleRequest.fromPartial(request), call),
      delete: (request, call) => service.escalationRules.deleteEscalationRule(request, call),
      restore: (request, call) => service.escalationRules.restoreEscalationRule(request, call),
    },
    {
      tag: "Escalation rules",
      // A new rule fires unless it is made inactive.
      createDefaults: (body) => ({ ...body, active: body.active ?? true }),
    },
  );
}
