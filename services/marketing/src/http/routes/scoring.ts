import { CreateScoringRuleRequest, ListScoringRulesRequest, UpdateScoringRuleRequest } from "@relata/proto/marketing/v1/scoring";
import { crudRoutes, type RouteSpec } from "@relata/platform/http";
import type { MarketingClients } from "../../client";
import { scoringRule } from "../../resources";

export function scoringRuleRoutes(marketing: MarketingClients): RouteSpec[] {
  return crudRoutes(
    scoringRule,
    {
      list: async (request, call) => {
        const res = await marketing.scoringRules.listScoringRules(ListScoringRulesRequest.fromPartial(request), call);
        return { records: res.scoringRules, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => marketing.scoringRules.createScoringRule(CreateScoringRuleRequest.fromPartial(request), call),
      get: (request, call) => marketing.scoringRules.getScoringRule(request, call),
      update: (request, call) => marketing.scoringRules.updateScoringRule(UpdateScoringRuleRequest.fromPartial(request), call),
      delete: (request, call) => marketing.scoringRules.deleteScoringRule(request, call),
      restore: (request, call) => marketing.scoringRules.restoreScoringRule(request, call),
    },
    { tag: "Lead scoring" },
  );
}
