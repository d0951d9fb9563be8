import type { TimelineEntry } from "@relata/proto/sales/v1/timeline";
import { SALES_RECORD_TYPES } from "../../resources";
import { z } from "zod";
import { DateTime, Id, named, orNull, PAGE_CURSOR, PAGE_LIMIT } from "@relata/platform/http";
import { resourceNameInput } from "@relata/platform/resource";

/** What a timeline entry is about: a Sales record or another service's (a Service case). */
const TIMELINE_RECORD_TYPES = [...SALES_RECORD_TYPES, "service.case"] as const;

/** A reference to a record, as the timeline shows it. */
export const RecordRef = named(
  "RecordRef",
  z.strictObject({ type: resourceNameInput(TIMELINE_RECORD_TYPES), id: Id }),
  "A reference to a record on an account's timeline: its resource name (sales.account, service.case) and its id.",
);

export const TimelineQuery = z.strictObject({ limit: PAGE_LIMIT.optional(), cursor: PAGE_CURSOR.optional() });

export const TimelineEntryJson = named(
  "TimelineEntry",
  z.object({
    id: z.string().meta({ description: "The id of the event the entry was made from." }),
    kind: z.string().meta({ example: "sales.lead.converted" }),
    summary: z.string(),
    record: RecordRef.nullable(),
    actorId: z.string().nullable(),
    occurredAt: DateTime.nullable(),
  }),
);

export function timelineEntryJson(e: TimelineEntry): z.output<typeof TimelineEntryJson> {
  return {
    id: e.id,
    kind: e.kind,
    summary: e.summary,
    record: e.record && e.record.type ? { type: e.record.type as (typeof TIMELINE_RECORD_TYPES)[number], id: e.record.id } : null,
    actorId: orNull(e.actorId),
    occurredAt: orNull(e.occurredAt),
  };
}
