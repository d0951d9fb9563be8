import { implement, RecycleBinInput, recycleBinHandlers, type NewFields, type ServiceRegistration } from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { ScoringRuleServiceService } from "@relata/proto/marketing/v1/scoring";
import { toScoringRule } from "../codec/mappers";
import { assertRuleShape, type ScoringRuleRecord } from "../domain/scoring";
import { scoringRuleEvent } from "../events/builders";
import { scoringRule } from "../resources";
import type { MarketingDeps } from "./context";

const described = serviceSchemas(scoringRule);

/** The request schemas, by RPC (exported for tests). */
export const scoringRuleSchemas = {
  createScoringRule: described.create,
  getScoringRule: described.get,
  listScoringRules: described.list,
  updateScoringRule: described.update,
  deleteScoringRule: RecycleBinInput,
  restoreScoringRule: RecycleBinInput,
};

/** Each write of a rule also asks for the tenant's scores to be recomputed (see LeadScores.rescoreTenant). */
export function scoringRuleService({ repos, logger }: MarketingDeps, rulesChanged: (tenantId: string) => void): ServiceRegistration {
  const crud = resourceHandlers(scoringRule, repos.scoringRules, scoringRuleEvent, {
    create(input) {
      const fields = { ...input, values: input.values ?? [], halfLifeDays: input.halfLifeDays ?? 0 } as unknown as ScoringRuleRecord;
      assertRuleShape(fields);
      return fields as unknown as NewFields<ScoringRuleRecord>;
    },
    update(set, current) {
      const given = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined && v !== null));
      assertRuleShape({ ...current, ...given } as ScoringRuleRecord);
    },
  });
  const bin = recycleBinHandlers(repos.scoringRules, toScoringRule, scoringRuleEvent);
  const thenRescore =
    <Q, R extends { tenantId: string }>(handler: (request: Q, ctx: Parameters<typeof crud.create>[1]) => Promise<R>) =>
    async (request: Q, ctx: Parameters<typeof crud.create>[1]) => {
      const rule = await handler(request, ctx);
      rulesChanged(rule.tenantId);
      return rule;
    };
  return implement(
    ScoringRuleServiceService,
    {
      createScoringRule: thenRescore((request, ctx) => crud.create(request, ctx)),
      getScoringRule: (request, ctx) => crud.get(request, ctx),
      listScoringRules: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { scoringRules: rows, page: { nextCursor } };
      },
      updateScoringRule: thenRescore((request, ctx) => crud.update(request, ctx)),
      deleteScoringRule: thenRescore(bin.delete),
      restoreScoringRule: thenRescore(bin.restore),
    },
    logger,
  );
}
