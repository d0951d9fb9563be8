import {
  dependentsBy,
  expectedVersion,
  id,
  implement,
  InvalidArgument,
  RecycleBinInput,
  recycleBinHandlers,
  StateConflict,
  text,
  timestamp,
  validate,
  type ServiceRegistration,
} from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { AppointmentServiceService, BookableResourceServiceService } from "@relata/proto/service/v1/scheduling";
import { z } from "zod";
import { toAppointment, toBookableResource } from "../codec/mappers";
import { assertAppointmentTimes, assertAvailabilityRange, availability, parseWorkingHours, withinWorkingHours } from "../domain/scheduling";
import { assertTimeZone } from "../domain/time-zone";
import type { AppointmentRecord, BookableResourceRecord } from "../domain/types";
import { appointmentEvent, bookableResourceEvent } from "../events/builders";
import { appointment, bookableResource } from "../resources";
import type { AppointmentSlots } from "../store/appointment-slots";
import type { ServiceDeps } from "./context";

/** An appointment given no end lasts this long. */
export const DEFAULT_APPOINTMENT_MS = 30 * 60_000;

const resourceDescribed = serviceSchemas(bookableResource);
const appointmentDescribed = serviceSchemas(appointment);

export const AvailabilityInput = z.object({ id: id(), from: timestamp(), to: timestamp() });
export const CancelAppointmentInput = z.object({ id: id(), expectedVersion: expectedVersion(), reason: text(500) });

/** The request schemas, by RPC (exported for tests). */
export const schedulingSchemas = {
  createBookableResource: resourceDescribed.create,
  getBookableResource: resourceDescribed.get,
  listBookableResources: resourceDescribed.list,
  updateBookableResource: resourceDescribed.update,
  deleteBookableResource: RecycleBinInput,
  restoreBookableResource: RecycleBinInput,
  getAvailability: AvailabilityInput,
  createAppointment: appointmentDescribed.create,
  getAppointment: appointmentDescribed.get,
  listAppointments: appointmentDescribed.list,
  updateAppointment: appointmentDescribed.update,
  cancelAppointment: CancelAppointmentInput,
  deleteAppointment: RecycleBinInput,
  restoreAppointment: RecycleBinInput,
};

export function bookableResourceService({ repos, logger }: ServiceDeps, slots: AppointmentSlots): ServiceRegistration {
  const crud = resourceHandlers(bookableResource, repos.bookableResources, bookableResourceEvent, {
    create(input) {
      const timeZone = input.timeZone || "UTC";
      assertTimeZone(timeZone, "time_zone");
      parseWorkingHours(input.workingHours);
      return { ...input, timeZone, active: true };
    },
    update(set) {
      if (typeof set.timeZone === "string") assertTimeZone(set.timeZone, "time_zone");
      if (set.workingHours) parseWorkingHours(set.workingHours);
    },
  });
  const bin = recycleBinHandlers(repos.bookableResources, toBookableResource, bookableResourceEvent, {
    delete: { dependents: [dependentsBy(repos.appointments, "resourceId")] },
  });
  return implement(
    BookableResourceServiceService,
    {
      createBookableResource: crud.create,
      getBookableResource: crud.get,
      listBookableResources: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { resources: rows, page: { nextCursor } };
      },
      updateBookableResource: crud.update,
      deleteBookableResource: bin.delete,
      restoreBookableResource: bin.restore,
      getAvailability: async (request, ctx) => {
        const input = validate(AvailabilityInput, request);
        if (!input.from) throw new InvalidArgument("from", "from: is required");
        if (!input.to) throw new InvalidArgument("to", "to: is required");
        const range = { start: input.from, end: input.to };
        assertAvailabilityRange(range);
        const resources = repos.bookableResources.in(ctx);
        const resource = await resources.get(input.id);
        const free = resource.active
          ? availability({
              hours: parseWorkingHours(resource.workingHours),
              timeZone: resource.timeZone,
              booked: await slots.held(resources.tenantId, resource._id, range),
              range,
            })
          : [];
        return {
          resourceId: resource._id,
          from: range.start.toISOString(),
          to: range.end.toISOString(),
          timeZone: resource.timeZone,
          free: free.map((i) => ({ start: i.start.toISOString(), end: i.end.toISOString() })),
        };
      },
    },
    logger,
  );
}

export function appointmentService({ repos, logger }: ServiceDeps, slots: AppointmentSlots): ServiceRegistration {
  /** A booking's resource: live and active, its working hours covering the appointment. */
  async function bookable(resources: { require(id: string, field: string): Promise<BookableResourceRecord> }, resourceId: string, start: Date, end: Date) {
    const resource = await resources.require(resourceId, "resource_id");
    if (!resource.active) throw new StateConflict(`resource_id: the resource ${resourceId} is inactive and takes no appointments`, "resource_id");
    if (!withinWorkingHours(parseWorkingHours(resource.workingHours), resource.timeZone, { start, end })) {
      throw new StateConflict(`start: the appointment is outside the working hours of resource ${resourceId}`, "start");
    }
    return resource;
  }

  const crud = resourceHandlers(appointment, repos.appointments, (kind, r, actor) => appointmentEvent(kind === "created" ? "booked" : kind, r, actor), {
    async update(set, _current, _records, ctx) {
      if (set.caseId) await repos.cases.in(ctx).require(set.caseId, "case_id");
    },
  });
  const bin = recycleBinHandlers(repos.appointments, toAppointment, appointmentEvent, {
    restore: {
      // It comes back booked only if its slots are still free (and its resource still there).
      async refuse(current, actor) {
        await repos.bookableResources.in(actor).require(current.resourceId, "resource_id");
        if (current.status === "booked" && current.start && current.end) {
          await slots.claim(actor.tenantId, current.resourceId, { start: current.start, end: current.end }, current._id);
        }
      },
    },
  });

  return implement(
    AppointmentServiceService,
    {
      async createAppointment(request, ctx) {
        const input = validate(appointmentDescribed.create, request);
        const records = repos.appointments.in(ctx);
        let claimedFor: string | undefined;
        try {
          const created = await records.create({
            idempotencyKey: input.idempotencyKey,
            request: input,
            build: async (fresh) => {
              const start = input.start;
              const end = input.end ?? new Date(start.getTime() + DEFAULT_APPOINTMENT_MS);
              const resource = await bookable(repos.bookableResources.in(ctx), input.resourceId, start, end);
              if (input.caseId) await repos.cases.in(ctx).require(input.caseId, "case_id");
              const timeZone = input.timeZone || resource.timeZone;
              assertAppointmentTimes({ start, end, timeZone });
              // The slots first, the appointment after: a crash in between leaves claims the sweep releases.
              await slots.claim(records.tenantId, resource._id, { start, end }, fresh.id);
              claimedFor = fresh.id;
              const { idempotencyKey: _key, ...fields } = input;
              return { ...fields, end, timeZone, status: "booked" as const, cancelReason: "" };
            },
            events: (r, actor) => [appointmentEvent("booked", r, actor)],
          });
          // A concurrent create with the same key was written first: this call's claims are not needed.
          if (claimedFor && created._id !== claimedFor) await slots.release(records.tenantId, claimedFor);
          return toAppointment(created);
        } catch (err) {
          if (claimedFor) await slots.release(records.tenantId, claimedFor).catch(() => undefined);
          throw err;
        }
      },
      getAppointment: crud.get,
      listAppointments: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { appointments: rows, page: { nextCursor } };
      },
      updateAppointment: crud.update,
      async cancelAppointment(request, ctx) {
        const input = validate(CancelAppointmentInput, request);
        const records = repos.appointments.in(ctx);
        const cancelled = await records.update(input.id, input.expectedVersion, (current) => {
          if (current.status === "cancelled") return null;
          const set: Partial<AppointmentRecord> = { status: "cancelled", cancelledAt: new Date() };
          if (input.reason) set.cancelReason = input.reason;
          return { set, events: (next, actor) => [appointmentEvent("cancelled", next, actor)] };
        });
        // Also after a cancel that found the appointment cancelled: a crash may have kept its slots.
        await slots.release(records.tenantId, cancelled._id);
        return toAppointment(cancelled);
      },
      async deleteAppointment(request, ctx) {
        const deleted = await bin.delete(request, ctx);
        await slots.release(repos.appointments.in(ctx).tenantId, deleted.id);
        return deleted;
      },
      restoreAppointment: bin.restore,
    },
    logger,
  );
}
