import { crudRoutes, type RouteSpec } from "@relata/platform/http";
import { CreateQuotaRequest, ListQuotasRequest, UpdateQuotaRequest } from "@relata/proto/reporting/v1/quota";
import type { ReportingClients } from "../../client";
import { quota } from "../../resources";

export function quotaRoutes(reporting: ReportingClients): RouteSpec[] {
  return crudRoutes(
    quota,
    {
      list: async (request, call) => {
        const res = await reporting.quotas.listQuotas(ListQuotasRequest.fromPartial(request), call);
        return { records: res.quotas, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => reporting.quotas.createQuota(CreateQuotaRequest.fromPartial(request), call),
      get: (request, call) => reporting.quotas.getQuota(request, call),
      update: (request, call) => reporting.quotas.updateQuota(UpdateQuotaRequest.fromPartial(request), call),
      delete: (request, call) => reporting.quotas.deleteQuota(request, call),
      restore: (request, call) => reporting.quotas.restoreQuota(request, call),
    },
    { tag: "Quotas" },
  );
}
