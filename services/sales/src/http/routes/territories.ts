import { CreateTerritoryRequest, ListTerritoriesRequest, UpdateTerritoryRequest } from "@relata/proto/sales/v1/territory";
import { crudRoutes, crudSchemas, IdParams, named, ok, route, type RouteSpec } from "@relata/platform/http";
import { toJson } from "@relata/platform/resource";
import { z } from "zod";
import type { SalesClients } from "../../client";
import { territory } from "../../resources";
import { reassignmentJson, TerritoryMoveJson, TerritoryRulesReplacement } from "../schemas/territories";

export function territoryRoutes(sales: SalesClients): RouteSpec[] {
  const crud = crudRoutes(
    territory,
    {
      list: async (request, call) => {
        const res = await sales.territories.listTerritories(ListTerritoriesRequest.fromPartial(request), call);
        return { records: res.territories, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => sales.territories.createTerritory(CreateTerritoryRequest.fromPartial(request), call),
      get: (request, call) => sales.territories.getTerritory(request, call),
      update: (request, call) => sales.territories.updateTerritory(UpdateTerritoryRequest.fromPartial(request), call),
      delete: (request, call) => sales.territories.deleteTerritory(request, call),
      restore: (request, call) => sales.territories.restoreTerritory(request, call),
    },
    { tag: "Territories", refusedWhen: "while child territories depend on it or accounts or leads are in it" },
  );
  const TerritoryJson = crudSchemas(territory).json;
  const Reassignment = named(
    "TerritoryReassignment",
    z.object({
      territory: TerritoryJson,
      dryRun: z.boolean(),
      moved: z.array(TerritoryMoveJson),
      counts: z.object({ accounts: z.number().int(), leads: z.number().int(), opportunities: z.number().int() }),
    }),
    "What a replacement of a territory's rules moved (or, in a dry run, would move).",
  );
  return [
    ...crud,
    route({
      operationId: "replaceTerritoryRules",
      method: "post",
      path: "/v1/territories/:id/rules",
      operation: "territories.reassign",
      tag: "Territories",
      summary: "Replace a territory's rules and move the accounts and leads they now place elsewhere",
      description:
        "Re-evaluates every account and lead of the tenant with the new rules: a record goes to the territory it now matches (the deepest, then the highest priority, then the lowest code) when that differs from its current one; a record no rule matches stays. A moved record whose owner is not a member of its new territory gets the territory's default owner, and the open opportunities of a moved account follow its new owner. With dryRun nothing is written. If-Match is honoured but not required.",
      params: IdParams,
      body: TerritoryRulesReplacement,
      ifMatch: "optional",
      responses: { 200: ok(Reassignment, "What moved; the ETag is the territory's version.") },
      handler: async (ctx) => {
        const res = await sales.territories.replaceTerritoryRules(
          { id: ctx.params.id, expectedVersion: ctx.expectedVersion, rules: { values: ctx.body.rules }, dryRun: ctx.body.dryRun },
          ctx.call,
        );
        return { body: reassignmentJson(res, (t) => toJson(territory, t)), version: res.territory!.version };
      },
    }),
  ];
}
