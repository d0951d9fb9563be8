import type { TimelineEntry } from "@relata/proto/sales/v1/timeline";
import { recordType } from "@relata/sales/resources";
import { z } from "zod";
import { Cursor, DateTime, Limit, orNull, RecordRef } from "./common";
import { named } from "./registry";

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
