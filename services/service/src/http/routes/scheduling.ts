import {
  CreateAppointmentRequest,
  CreateBookableResourceRequest,
  ListAppointmentsRequest,
  ListBookableResourcesRequest,
  UpdateAppointmentRequest,
  UpdateBookableResourceRequest,
} from "@relata/proto/service/v1/scheduling";
import { operationNames, toJson } from "@relata/platform/resource";
import { crudRoutes, crudSchemas, IdParams, ok, route, type RouteSpec } from "@relata/platform/http";
import type { ServiceClients } from "../../client";
import { appointment, bookableResource } from "../../resources";
import { AppointmentCancel, AvailabilityJson, availabilityJson, AvailabilityQuery } from "../schemas/scheduling";

export function bookableResourceRoutes(service: ServiceClients): RouteSpec[] {
  return [
    ...crudRoutes(
      bookableResource,
      {
        list: async (request, call) => {
          const res = await service.bookableResources.listBookableResources(ListBookableResourcesRequest.fromPartial(request), call);
          return { records: res.resources, nextCursor: res.page?.nextCursor };
        },
        create: (request, call) => service.bookableResources.createBookableResource(CreateBookableResourceRequest.fromPartial(request), call),
        get: (request, call) => service.bookableResources.getBookableResource(request, call),
        update: (request, call) => service.bookableResources.updateBookableResource(UpdateBookableResourceRequest.fromPartial(request), call),
        delete: (request, call) => service.bookableResources.deleteBookableResource(request, call),
        restore: (request, call) => service.bookableResources.restoreBookableResource(request, call),
      },
      { tag: "Scheduling", refusedWhen: "while appointments of it exist" },
    ),
    route({
      operationId: "getResourceAvailability",
      method: "get",
      path: "/v1/resources/:id/availability",
      operation: "resources.availability",
      tag: "Scheduling",
      summary: "When a resource can be booked between two instants",
      params: IdParams,
      query: AvailabilityQuery,
      responses: { 200: { description: "The free intervals.", schema: AvailabilityJson } },
      handler: async (ctx) => {
        const res = await service.bookableResources.getAvailability({ id: ctx.params.id, from: ctx.query.from, to: ctx.query.to }, ctx.call);
        return { body: availabilityJson(res) };
      },
    }),
  ];
}

export function appointmentRoutes(service: ServiceClients): RouteSpec[] {
  const crud = crudRoutes(
    appointment,
    {
      list: async (request, call) => {
        const res = await service.appointments.listAppointments(ListAppointmentsRequest.fromPartial(request), call);
        return { records: res.appointments, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => service.appointments.createAppointment(CreateAppointmentRequest.fromPartial(request), call),
      get: (request, call) => service.appointments.getAppointment(request, call),
      update: (request, call) => service.appointments.updateAppointment(UpdateAppointmentRequest.fromPartial(request), call),
      delete: (request, call) => service.appointments.deleteAppointment(request, call),
      restore: (request, call) => service.appointments.restoreAppointment(request, call),
    },
    {
      tag: "Scheduling",
      summaries: { create: "Book an appointment (409 naming the slot when another appointment holds it)" },
      deleteNote: "Deleting an appointment frees its slots; restoring it books them again (409 when another appointment holds one by now).",
    },
  );
  const AppointmentJson = crudSchemas(appointment).json;
  return [
    ...crud,
    route({
      operationId: "cancelAppointment",
      method: "post",
      path: "/v1/appointments/:id/cancel",
      // Cancelling is a change of the appointment: whoever may change appointments may cancel them.
      operation: operationNames(appointment).update,
      tag: "Scheduling",
      summary: "Cancel an appointment and free its slots (cancelling again answers it as it is)",
      params: IdParams,
      body: AppointmentCancel,
      ifMatch: "optional",
      responses: { 200: ok(AppointmentJson, "The cancelled appointment.") },
      handler: async (ctx) => {
        const a = await service.appointments.cancelAppointment(
          { id: ctx.params.id, expectedVersion: ctx.expectedVersion, reason: ctx.body.reason ?? "" },
          ctx.call,
        );
        return { body: toJson(appointment, a), version: a.version };
      },
    }),
  ];
}
