import { CONFIGURATION_READERS, SERVICE_CONFIGURERS } from "./roles";
import { CalendarDate, f, relation, resource, Subdocument, unique } from "@relata/platform/resource";
import {
  BusinessCalendar,
  OpeningHours,
  CreateBusinessCalendarRequest,
  ListBusinessCalendarsRequest,
  UpdateBusinessCalendarRequest,
} from "@relata/proto/service/v1/calendar";
import { CreateSlaPolicyRequest, ListSlaPoliciesRequest, SlaPolicy, SlaTarget, UpdateSlaPolicyRequest } from "@relata/proto/service/v1/sla";
import { z } from "zod";
import { WEEKDAYS } from "./domain/time-zone";

/**
 * The SLA configuration's resources, described once (docs/resources.md): business calendars
 * and SLA policies. Tenant admins and support managers write them; support roles read them.
 * Imports no runtime of the service, as resources.ts.
 */

/** The case priorities a policy sets targets for (the case's priority words). */
export const SLA_PRIORITIES = ["low", "normal", "high", "urgent"] as const;

/** "Area/Location" names and the few single names ("UTC"); whether the zone exists is the service's check. */
const TIME_ZONE_PATTERN = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;
const CLOCK_TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const clockTime = (what: string) =>
  z
    .string({ error: "must be a string" })
    .regex(CLOCK_TIME, "must be a time of day written HH:MM (00:00 to 24:00)")
    .meta({ description: what, example: "09:00" });

export const OpeningHoursItem = z
  .strictObject({
    day: z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(", ")}` }),
    opens: clockTime("Local time it opens."),
    closes: clockTime("Local time it closes; 24:00 is midnight at the end of the day.").meta(relation("after opens")),
  })
  .refine((h) => h.opens < h.closes, { message: "must be after opens", path: ["closes"] })
  .meta({ description: "One opening on a weekday, wall-clock time in the calendar's zone." });

export const SlaTargetItem = z
  .strictObject({
    priority: z.enum(SLA_PRIORITIES, { error: `must be one of ${SLA_PRIORITIES.join(", ")}` }),
    slaLevel: z
      .string({ error: "must be a string" })
      .max(50, "must be at most 50 characters")
      .default("")
      .meta({ description: 'The entitlement SLA level the row is for; "" (the default) for cases without one, and levels without a row of their own.' }),
    firstResponseMinutes: z
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(0, "must be from 0 to 525600")
      .max(525_600, "must be from 0 to 525600")
      .meta({ description: "Business minutes to the first public reply; 0: no target." }),
    resolutionMinutes: z
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(0, "must be from 0 to 525600")
      .max(525_600, "must be from 0 to 525600")
      .meta({ description: "Business minutes to resolution; 0: no target." }),
  })
  .meta(unique("one row per priority and SLA level"))
  .meta({ description: "The targets of one priority and entitlement level, in business minutes." });

export const businessCalendar = resource<BusinessCalendar, CreateBusinessCalendarRequest, UpdateBusinessCalendarRequest, ListBusinessCalendarsRequest>()({
  name: "service.business_calendar",
  path: "/v1/business-calendars",
  collection: "business_calendars",
  fields: {
    name: f.text(200).required().sortable(),
    timeZone: f
      .text(64, { pattern: { regex: TIME_ZONE_PATTERN, message: 'must be an IANA time zone such as "Europe/Berlin"' } })
      .required()
      .references("IANA time zone")
      .describe("An IANA time zone; the service refuses one it does not know.")
      .example("Europe/Berlin"),
    weeklyHours: f
      .rows<OpeningHours>(OpeningHoursItem, { min: 1, max: 70, mongo: new Subdocument({ day: String, opens: String, closes: String }) })
      .required()
      .describe("Weekly openings; a weekday may have several, which may not overlap.")
      .example(["monday", "tuesday", "wednesday", "thursday", "friday"].map((day) => ({ day, opens: "09:00", closes: "17:00" }))),
    holidays: f
      .rows<string>(CalendarDate, { max: 400, mongo: String })
      .describe("Local dates closed all day.")
      .example(["2026-12-25", "2026-12-26"]),
  },
  access: { read: CONFIGURATION_READERS, write: SERVICE_CONFIGURERS },
  defaultSort: "name",
});

export const slaPolicy = resource<SlaPolicy, CreateSlaPolicyRequest, UpdateSlaPolicyRequest, ListSlaPoliciesRequest>()({
  name: "service.sla_policy",
  path: "/v1/sla-policies",
  collection: "sla_policies",
  fields: {
    name: f.text(200).required().sortable(),
    calendarId: f.ref("service.business_calendar").required().filter(),
    category: f
      .text(100)
      .clearable()
      .filter()
      .describe("The case category it alone applies to, where it wins over the default policy; empty for the default policy."),
    warningPercent: f.int(1, 99).defaulted("The warning comes at this share of each target; 80 when not given."),
    targets: f
      .rows<SlaTarget>(SlaTargetItem, {
        min: 1,
        max: 100,
        mongo: new Subdocument({ priority: String, slaLevel: String, firstResponseMinutes: Number, resolutionMinutes: Number }),
      })
      .required()
      .describe("One row per priority and entitlement level (at most one each).")
      .example([
        { priority: "normal", slaLevel: "", firstResponseMinutes: 240, resolutionMinutes: 2400 },
        { priority: "urgent", slaLevel: "", firstResponseMinutes: 30, resolutionMinutes: 480 },
      ]),
  },
  access: { read: CONFIGURATION_READERS, write: SERVICE_CONFIGURERS },
  defaultSort: "name",
});

export const SLA_RESOURCES = [businessCalendar, slaPolicy] as const;
