import type { Availability } from "@relata/proto/service/v1/scheduling";
import { z } from "zod";
import { DateTime, named, relation } from "@relata/platform/http";

export const AvailabilityQuery = z.strictObject({
  from: DateTime.meta({ description: "Start of the range (RFC 3339)." }),
  to: DateTime.meta({ description: "End of the range (RFC 3339), at most 31 days after from.", ...relation("after from, at most 31 days") }),
});

const TimeInterval = z.object({ start: DateTime, end: DateTime });

export const AvailabilityJson = named(
  "Availability",
  z.object({
    resourceId: z.string(),
    from: DateTime,
    to: DateTime,
    timeZone: z.string().meta({ description: "The resource's time zone, to show the intervals in." }),
    free: z.array(TimeInterval).meta({
      description: "The free intervals in the range, in whole 15-minute slots: its working hours less the slots its appointments hold. None for an inactive resource.",
    }),
  }),
  "When a resource can be booked.",
);

export function availabilityJson(a: Availability): z.output<typeof AvailabilityJson> {
  return {
    resourceId: a.resourceId,
    from: a.from ?? "",
    to: a.to ?? "",
    timeZone: a.timeZone,
    free: a.free.map((i) => ({ start: i.start ?? "", end: i.end ?? "" })),
  };
}

export const AppointmentCancel = named(
  "AppointmentCancel",
  z.strictObject({ reason: z.string().max(500).optional().meta({ description: "Why it was cancelled." }) }),
);
