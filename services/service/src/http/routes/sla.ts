import { crudRoutes, type RouteSpec } from "@relata/platform/http";
import { CreateBusinessCalendarRequest, ListBusinessCalendarsRequest, UpdateBusinessCalendarRequest } from "@relata/proto/service/v1/calendar";
import { CreateSlaPolicyRequest, ListSlaPoliciesRequest, UpdateSlaPolicyRequest } from "@relata/proto/service/v1/sla";
import type { ServiceClients } from "../../client";
import { businessCalendar, slaPolicy } from "../../sla-resources";

/** The OpenAPI tags of the SLA configuration, in the docs page's order. */
export const SLA_TAGS = ["Business calendars", "SLA policies"] as const;

export function slaRoutes(service: ServiceClients): RouteSpec[] {
  return [
    ...crudRoutes(
      businessCalendar,
      {
        list: async (request, call) => {
          const res = await service.businessCalendars.listBusinessCalendars(ListBusinessCalendarsRequest.fromPartial(request), call);
          return { records: res.businessCalendars, nextCursor: res.page?.nextCursor };
        },
        create: (request, call) => service.businessCalendars.createBusinessCalendar(CreateBusinessCalendarRequest.fromPartial(request), call),
        get: (request, call) => service.businessCalendars.getBusinessCalendar(request, call),
        update: (request, call) => service.businessCalendars.updateBusinessCalendar(UpdateBusinessCalendarRequest.fromPartial(request), call),
        delete: (request, call) => service.businessCalendars.deleteBusinessCalendar(request, call),
        restore: (request, call) => service.businessCalendars.restoreBusinessCalendar(request, call),
      },
      { tag: "Business calendars", refusedWhen: "while SLA policies count on it" },
    ),
    ...crudRoutes(
      slaPolicy,
      {
        list: async (request, call) => {
          const res = await service.slaPolicies.listSlaPolicies(ListSlaPoliciesRequest.fromPartial(request), call);
          return { records: res.slaPolicies, nextCursor: res.page?.nextCursor };
        },
        create: (request, call) => service.slaPolicies.createSlaPolicy(CreateSlaPolicyRequest.fromPartial(request), call),
        get: (request, call) => service.slaPolicies.getSlaPolicy(request, call),
        update: (request, call) => service.slaPolicies.updateSlaPolicy(UpdateSlaPolicyRequest.fromPartial(request), call),
        delete: (request, call) => service.slaPolicies.deleteSlaPolicy(request, call),
        restore: (request, call) => service.slaPolicies.restoreSlaPolicy(request, call),
      },
      { tag: "SLA policies" },
    ),
  ];
}
