import type { Activity } from "@relata/proto/sales/v1/activity";
import { z } from "zod";
import { DateTime, Id, listQuery, MAX_NOTES, optionalText, orNull, OwnerId, patchOf, RecordRef, RefId, text, toVersion, Version } from "./common";
import { activityType, recordType } from "./enums";
import { named } from "./registry";

type RecordWord = (typeof recordType.words)[number];

/** What an activity can be linked to: any record but another activity, which must exist. */
export const ActivityTarget = named(
  "ActivityTarget",
  z.strictObject({
    type: z.enum(recordType.words.filter((w) => w !== "activity") as [RecordWord, ...RecordWord[]]),
    id: RefId("record of the given type"),
  }),
  "The record an activity is about: an account, contact, lead or opportunity of the tenant.",
);

export const ActivityCreate = named(
  "ActivityCreate",
  z.strictObject({
    type: activityType.schema,
    subject: text(),
    notes: optionalText(MAX_NOTES).optional(),
    relatedTo: ActivityTarget,
    dueAt: DateTime.optional(),
    ownerId: OwnerId.optional().meta({ description: "Defaults to the caller." }),
  }),
);

export const ActivityUpdate = named(
  "ActivityUpdate",
  patchOf(
    z.strictObject({
      subject: text().optional(),
      notes: optionalText(MAX_NOTES).nullable().optional(),
      dueAt: DateTime.optional(),
      ownerId: OwnerId.optional(),
      completed: z.literal(true).optional().meta({ description: "true marks the activity completed now." }),
    }),
  ),
);

export const ActivityListQuery = listQuery(["createdAt", "updatedAt"], {
  relatedType: recordType.schema.optional().meta({ description: "With relatedId: activities linked to that record." }),
  relatedId: Id.optional(),
  ownerId: OwnerId.optional(),
  type: activityType.schema.optional(),
  open: z.enum(["true", "false"]).optional().meta({ description: "true: only activities not completed yet." }),
})
  .superRefine((q, ctx) => {
    if ((q.relatedType === undefined) !== (q.relatedId === undefined)) {
      ctx.addIssue({ code: "custom", path: [q.relatedType === undefined ? "relatedType" : "relatedId"], message: "relatedType and relatedId go together" });
    }
  })
  .meta({ dependentRequired: { relatedType: ["relatedId"], relatedId: ["relatedType"] } });

export const ActivityJson = named(
  "Activity",
  z.object({
    id: z.string(),
    tenantId: z.string(),
    type: activityType.schema.nullable(),
    subject: z.string(),
    notes: z.string().nullable(),
    relatedTo: RecordRef.nullable(),
    accountId: z.string().nullable(),
    dueAt: DateTime.nullable(),
    completedAt: DateTime.nullable(),
    ownerId: z.string().nullable(),
    version: Version,
    createdAt: DateTime.nullable(),
    updatedAt: DateTime.nullable(),
  }),
);

export function activityJson(a: Activity): z.output<typeof ActivityJson> {
  const relatedType = a.relatedTo ? recordType.fromProto(a.relatedTo.type) : null;
  return {
    id: a.id,
    tenantId: a.tenantId,
    type: activityType.fromProto(a.type),
    subject: a.subject,
    notes: orNull(a.notes),
    relatedTo: a.relatedTo && relatedType ? { type: relatedType, id: a.relatedTo.id } : null,
    accountId: orNull(a.accountId),
    dueAt: orNull(a.dueAt),
    completedAt: orNull(a.completedAt),
    ownerId: orNull(a.ownerId),
    version: toVersion(a.version),
    createdAt: orNull(a.createdAt),
    updatedAt: orNull(a.updatedAt),
  };
}
