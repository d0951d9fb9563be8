import type { Account } from "@relata/proto/sales/v1/account";
import type { TimelineEntry } from "@relata/proto/sales/v1/timeline";
import { z } from "zod";
import { Cursor, DateTime, Id, Limit, listQuery, optionalText, orNull, OwnerId, patchOf, RecordRef, RefId, text, toVersion, Version, Website } from "./common";
import { recordType } from "./enums";
import { named } from "./registry";

/** A parent must exist in the tenant and must not be the account itself or one of its descendants. */
const ParentAccountId = RefId("account");

export const AccountCreate = named(
  "AccountCreate",
  z.strictObject({
    name: text(),
    parentAccountId: ParentAccountId.optional(),
    industry: optionalText().optional(),
    territory: optionalText().optional(),
    ownerId: OwnerId.optional().meta({ description: "Defaults to the caller." }),
    website: Website.optional(),
  }),
);

export const AccountUpdate = named(
  "AccountUpdate",
  patchOf(
    z.strictObject({
      name: text().optional(),
      parentAccountId: ParentAccountId.nullable().optional(),
      industry: optionalText().nullable().optional(),
      territory: optionalText().nullable().optional(),
      ownerId: OwnerId.optional(),
      website: Website.nullable().optional(),
    }),
  ),
  "Fields to change; null clears an optional field.",
);

export const AccountListQuery = listQuery(["createdAt", "updatedAt", "name"], {
  industry: text().optional(),
  territory: text().optional(),
  ownerId: OwnerId.optional(),
  parentAccountId: Id.optional(),
});

export const AccountJson = named(
  "Account",
  z.object({
    id: z.string(),
    tenantId: z.string(),
    name: z.string(),
    parentAccountId: z.string().nullable(),
    industry: z.string().nullable(),
    territory: z.string().nullable(),
    ownerId: z.string().nullable(),
    website: z.string().nullable(),
    version: Version,
    createdAt: DateTime.nullable(),
    updatedAt: DateTime.nullable(),
  }),
);

export function accountJson(a: Account): z.output<typeof AccountJson> {
  return {
    id: a.id,
    tenantId: a.tenantId,
    name: a.name,
    parentAccountId: orNull(a.parentAccountId),
    industry: orNull(a.industry),
    territory: orNull(a.territory),
    ownerId: orNull(a.ownerId),
    website: orNull(a.website),
    version: toVersion(a.version),
    createdAt: orNull(a.createdAt),
    updatedAt: orNull(a.updatedAt),
  };
}

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
