import { CreateEntitlementRequest, ListEntitlementsRequest, UpdateEntitlementRequest } from "@relata/proto/service/v1/entitlement";
import { crudRoutes, type RouteSpec } from "@relata/platform/http";
import type { ServiceClients } from "../../client";
import { entitlement } from "../../resources";

export function entitlementRoutes(service: ServiceClients): RouteSpec[] {
  return crudRoutes(
    entitlement,
    {
      list: async (request, call) => {
        const res = await service.entitlements.listEntitlements(ListEntitlementsRequest.fromPartial(request), call);
        return { records: res.entitlements, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => service.entitlements.createEntitlement(CreateEntitlementRequest.fromPartial(request), call),
      get: (request, call) => service.entitlements.getEntitlement(request, call),
      update: (request, call) => service.entitlements.updateEntitlement(UpdateEntitlementRequest.fromPartial(request), call),
      delete: (request, call) => service.entitlements.deleteEntitlement(request, call),
      restore: (request, call) => service.entitlements.restoreEntitlement(request, call),
    },
    { tag: "Entitlements", createDefaults: (body) => ({ ...body, active: body.active ?? true }) },
  );
}
