import { CreateCompetitorRequest, ListCompetitorsRequest, UpdateCompetitorRequest } from "@relata/proto/sales/v1/competitor";
import { crudRoutes, type RouteSpec } from "@relata/platform/http";
import type { SalesClients } from "../../client";
import { competitor } from "../../resources";

/** Competitors: the generic verbs of the description. */
export function competitorRoutes(sales: SalesClients): RouteSpec[] {
  return crudRoutes(
    competitor,
    {
      list: async (request, call) => {
        const res = await sales.competitors.listCompetitors(ListCompetitorsRequest.fromPartial(request), call);
        return { records: res.competitors, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => sales.competitors.createCompetitor(CreateCompetitorRequest.fromPartial(request), call),
      get: (request, call) => sales.competitors.getCompetitor(request, call),
      update: (request, call) => sales.competitors.updateCompetitor(UpdateCompetitorRequest.fromPartial(request), call),
      delete: (request, call) => sales.competitors.deleteCompetitor(request, call),
      restore: (request, call) => sales.competitors.restoreCompetitor(request, call),
    },
    { tag: "Competitors", refusedWhen: "while opportunities name it (met on the deal, or lost to it)" },
  );
}
