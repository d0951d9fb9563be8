import { dependentsBy, implement, InvalidArgument, recycleBinHandlers, StateConflict, type Logger, type ServiceRegistration } from "@relata/platform";
import { resourceHandlers } from "@relata/platform/resource";
import { BusinessCalendarServiceService } from "@relata/proto/service/v1/calendar";
import { SlaPolicyServiceService } from "@relata/proto/service/v1/sla";
import { calendarProblem } from "../domain/business-time";
import { businessCalendarEvent, slaPolicyEvent, toBusinessCalendar, toSlaPolicy } from "../events/sla-builders";
import { calendarOf } from "../events/sla-clock";
import { businessCalendar, slaPolicy } from "../sla-resources";
import type { BusinessCalendarRecord, SlaPolicyRecord, SlaRepositories } from "../store/sla-models";

const DEFAULT_WARNING_PERCENT = 80;

/** A calendar business time can count on: a known zone, openings that do not overlap. */
function checkCalendar(c: Pick<BusinessCalendarRecord, "timeZone" | "weeklyHours" | "holidays">): void {
  const problem = calendarProblem(calendarOf(c));
  if (problem) throw new InvalidArgument(problem.field, `${problem.field}: ${problem.reason}`);
}

/** One row per priority and entitlement level. */
function checkTargets(targets: SlaPolicyRecord["targets"]): void {
  const seen = new Set<string>();
  for (const [i, t] of targets.entries()) {
    const key = `${t.priority}/${t.slaLevel}`;
    if (seen.has(key)) {
      throw new InvalidArgument(`targets.${i}`, `targets.${i}: a second row for priority ${t.priority} and SLA level "${t.slaLevel}"`);
    }
    seen.add(key);
  }
}

export function businessCalendarService(repos: SlaRepositories, logger: Logger): ServiceRegistration {
  const crud = resourceHandlers(businessCalendar, repos.businessCalendars, businessCalendarEvent, {
    create(input) {
      checkCalendar(input);
      return input;
    },
    update(set, current) {
      checkCalendar({
        timeZone: set.timeZone ?? current.timeZone,
        weeklyHours: set.weeklyHours ?? current.weeklyHours,
        holidays: set.holidays ?? current.holidays,
      });
    },
  });
  const bin = recycleBinHandlers(repos.businessCalendars, toBusinessCalendar, businessCalendarEvent, {
    // A refusal names dependents by the resource's own name (service.sla_policy: "sla policy").
    delete: { dependents: [dependentsBy(repos.slaPolicies, "calendarId", "sla policy")] },
  });
  return implement(
    BusinessCalendarServiceService,
    {
      createBusinessCalendar: crud.create,
      getBusinessCalendar: crud.get,
      listBusinessCalendars: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { businessCalendars: rows, page: { nextCursor } };
      },
      updateBusinessCalendar: crud.update,
      deleteBusinessCalendar: bin.delete,
      restoreBusinessCalendar: bin.restore,
    },
    logger,
  );
}

export function slaPolicyService(repos: SlaRepositories, logger: Logger): ServiceRegistration {
  const crud = resourceHandlers(slaPolicy, repos.slaPolicies, slaPolicyEvent, {
    async create(input, policies) {
      await repos.businessCalendars.in(policies.actor).require(input.calendarId, "calendar_id");
      checkTargets(input.targets);
      return { ...input, warningPercent: input.warningPercent || DEFAULT_WARNING_PERCENT };
    },
    async update(set, _current, policies) {
      if (set.calendarId) await repos.businessCalendars.in(policies.actor).require(set.calendarId, "calendar_id");
      if (set.targets) checkTargets(set.targets);
    },
  });
  const bin = recycleBinHandlers(repos.slaPolicies, toSlaPolicy, slaPolicyEvent, {
    restore: {
      refuse: async (p, actor) => {
        if (!(await repos.businessCalendars.in(actor).find(p.calendarId))) {
          throw new StateConflict(`calendar_id: the business calendar ${p.calendarId} is deleted; restore it first`, "calendar_id");
        }
      },
    },
  });
  return implement(
    SlaPolicyServiceService,
    {
      createSlaPolicy: crud.create,
      getSlaPolicy: crud.get,
      listSlaPolicies: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { slaPolicies: rows, page: { nextCursor } };
      },
      updateSlaPolicy: crud.update,
      deleteSlaPolicy: bin.delete,
      restoreSlaPolicy: bin.restore,
    },
    logger,
  );
}
