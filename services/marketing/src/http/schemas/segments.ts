import type { AudienceMember, SegmentPreview } from "@relata/proto/marketing/v1/segment";
import { named } from "@relata/platform/http";
import { z } from "zod";
import { LIFECYCLE_STAGES, MAX_CONDITIONS, PERSON_KINDS, SEGMENT_MATCHES, SegmentConditionRow } from "../../domain/segment-catalogue";

/** The rules a preview counts: a saved segment's `match` and `conditions` (the same schema), and the sample's size. */
export const SegmentPreviewRequest = named(
  "SegmentPreviewRequest",
  z.strictObject({
    match: z.enum(SEGMENT_MATCHES).optional().meta({ description: '"all" (default): every condition; "any": at least one.' }),
    conditions: z.array(SegmentConditionRow, { error: "must be a list" }).max(MAX_CONDITIONS, `must have at most ${MAX_CONDITIONS} rows`),
    sampleSize: z.number().int().min(0).max(50).optional().meta({ description: "How many people the sample shows (default 10, at most 50)." }),
  }),
);

export const SavedSegmentPreviewRequest = named(
  "SavedSegmentPreviewRequest",
  z.strictObject({ sampleSize: z.number().int().min(0).max(50).optional().meta({ description: "How many people the sample shows (default 10, at most 50)." }) }),
);

const nullableText = z.string().nullable();

export const AudienceMemberJson = named(
  "AudienceMember",
  z.object({
    personId: z.string().meta({ description: "The Sales contact's or lead's id." }),
    kind: z.enum(PERSON_KINDS),
    firstName: nullableText,
    lastName: nullableText,
    email: nullableText,
    phone: nullableText,
    title: nullableText,
    company: nullableText,
    industry: nullableText,
    territory: nullableText,
    lifecycleStage: z.enum(LIFECYCLE_STAGES).nullable(),
    ownerId: nullableText,
    accountId: nullableText,
    valueClass: nullableText,
    churnRisk: z.boolean(),
    createdAt: z.iso.datetime({ offset: true }).nullable(),
    updatedAt: z.iso.datetime({ offset: true }).nullable(),
  }),
  "A person of Marketing's audience (its copy of a Sales contact or lead) with the attributes segments use.",
);

export const SegmentPreviewJson = named(
  "SegmentPreview",
  z.object({
    count: z.number().int().meta({ description: "How many people of the audience meet the rules now." }),
    sample: z.array(AudienceMemberJson).meta({ description: "Some of them, the most recently changed first." }),
    audienceCaughtUp: z.boolean().meta({ description: "False while the audience is still being rebuilt from the event streams (just after a start): the count may be short." }),
  }),
);

const orNull = (s: string) => (s === "" ? null : s);

export function audienceMemberJson(m: AudienceMember): z.infer<typeof AudienceMemberJson> {
  return {
    personId: m.personId,
    kind: m.kind === "contact" ? "contact" : "lead",
    firstName: orNull(m.firstName),
    lastName: orNull(m.lastName),
    email: orNull(m.email),
    phone: orNull(m.phone),
    title: orNull(m.title),
    company: orNull(m.company),
    industry: orNull(m.industry),
    territory: orNull(m.territory),
    lifecycleStage: (orNull(m.lifecycleStage) as (typeof LIFECYCLE_STAGES)[number] | null),
    ownerId: orNull(m.ownerId),
    accountId: orNull(m.accountId),
    valueClass: orNull(m.valueClass),
    churnRisk: m.churnRisk,
    createdAt: m.createdAt ?? null,
    updatedAt: m.updatedAt ?? null,
  };
}

export function segmentPreviewJson(p: SegmentPreview): z.infer<typeof SegmentPreviewJson> {
  return { count: Number(p.count), sample: p.sample.map(audienceMemberJson), audienceCaughtUp: p.audienceCaughtUp };
}
