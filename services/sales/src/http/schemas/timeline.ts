import type { TimelineEntry } from "@relata/proto/sales/v1/timeline";
import { recordType } from "../../resources";
import { z } from "zod";
import { Cursor, DateTime, Id, Limit, named, orNull } from "@relata/platform/http";

/** A reference to a Sales record, as the timeline shows it. */
export const RecordRef = named("RecordRef", z.strictObject({ type: recordType.schema, id: Id }), "A reference to any Sales record.");

export const TimelineQuery = z.strictObject({ limit: Limit.optional(), cursor: Cursor.optional() });

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
  const type = e.record ? recordType.fromProto(e.record.type) : null;
  return {
    id: e.id,
    kind: e.kind,
    summary: e.summary,
    record: e.record && type ? { type, id: e.record.id } : null,
    actorId: orNull(e.actorId),
    occurredAt: orNull(e.occurredAt),
  };
}
