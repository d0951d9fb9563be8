import { CreateCaseRequest, ListCasesRequest, UpdateCaseRequest } from "@relata/proto/service/v1/case";
import { crudRoutes, type RouteSpec } from "@relata/platform/http";
import type { ServiceClients } from "../../client";
import { supportCase } from "../../resources";

export function caseRoutes(service: ServiceClients): RouteSpec[] {
  return crudRoutes(
    supportCase,
    {
      list: async (request, call) => {
        const res = await service.cases.listCases(ListCasesRequest.fromPartial(request), call);
        return { records: res.cases, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => service.cases.createCase(CreateCaseRequest.fromPartial(request), call),
      get: (request, call) => service.cases.getCase(request, call),
      update: (request, call) => service.cases.updateCase(UpdateCaseRequest.fromPartial(request), call),
      delete: (request, call) => service.cases.deleteCase(request, call),
      restore: (request, call) => service.cases.restoreCase(request, call),
    },
    { tag: "Cases" },
  );
}
