import type { CampaignResponse } from "@relata/proto/marketing/v1/response";
import { DateTime, Id, named, orNull, OwnerId, PAGE_CURSOR, PAGE_LIMIT, pageOf, reference, relation, stateDependent, text } from "@relata/platform/http";
import { EMAIL_PATTERN, PHONE_PATTERN } from "@relata/platform/resource";
import { z } from "zod";
import { channel, responseType } from "../../resources";

const RespondentInput = named(
  "RespondentInput",
  z.strictObject({
    firstName: text(200).optional(),
    lastName: text(200).meta({ description: "Required: what names the lead an interested response becomes." }),
    email: z.string().max(200, "must be at most 200 characters").regex(EMAIL_PATTERN, "must be an email address").optional(),
    phone: z.string().regex(PHONE_PATTERN, "must be a phone number").optional(),
    company: text(200).optional(),
  }),
  "Who responded, when the campaign does not know them (a partner's web form): what a lead needs.",
);

export const RecordResponseInput = named(
  "RecordResponseInput",
  z
    .strictObject({
      type: responseType.schema.meta({ description: 'What the person did; "interested" makes exactly one lead in Sales, "unsubscribed" withdraws consent.' }),
      personId: Id.optional().meta({
        description: "A member of the campaign (a Sales contact or lead id); or give `respondent` instead.",
        ...reference("marketing.campaign_member"),
        ...relation("either personId or respondent"),
      }),
      respondent: RespondentInput.optional().meta(relation("either personId or respondent")),
      channel: channel.schema.optional(),
      occurredAt: DateTime.optional().meta({ description: "When it happened; default now; never in the future.", ...stateDependent("not later than the server's clock (a minute's skew allowed)") }),
      note: z.string().max(2_000, "must be at most 2000 characters").optional(),
    })
    .superRefine((body, ctx) => {
      if (body.personId && body.respondent) ctx.addIssue({ code: "custom", path: ["personId"], message: "give either personId or respondent, not both" });
      if (!body.personId && !body.respondent) ctx.addIssue({ code: "custom", path: ["personId"], message: "is required: a member of the campaign, or else give respondent" });
    }),
);

export const ResponsesQuery = z.strictObject({
  type: responseType.schema.optional(),
  limit: PAGE_LIMIT.optional(),
  cursor: PAGE_CURSOR.optional(),
});

export const ResponseJson = named(
  "CampaignResponse",
  z.object({
    id: Id,
    campaignId: Id,
    type: responseType.schema,
    personId: Id.nullable().meta({ description: "The member who responded; null for a web-form respondent." }),
    respondent: z.object({
      firstName: z.string().nullable(),
      lastName: z.string(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      company: z.string().nullable(),
    }),
    channel: channel.schema.nullable(),
    occurredAt: DateTime,
    note: z.string().nullable(),
    recordedBy: OwnerId.meta({ description: "The user or partner client who recorded it." }),
    createdAt: DateTime,
  }),
  "One response to a campaign.",
);
export const ResponsePage = pageOf("CampaignResponsePage", ResponseJson);

export function responseJson(r: CampaignResponse): z.output<typeof ResponseJson> {
  const who = r.respondent;
  return {
    id: r.id,
    campaignId: r.campaignId,
    type: responseType.fromProto(r.type) ?? "opened",
    personId: orNull(r.personId),
    respondent: {
      firstName: orNull(who?.firstName),
      lastName: who?.lastName ?? "",
      email: orNull(who?.email),
      phone: orNull(who?.phone),
      company: orNull(who?.company),
    },
    channel: channel.fromProto(r.channel),
    occurredAt: r.occurredAt ?? "",
    note: orNull(r.note),
    recordedBy: r.recordedBy,
    createdAt: r.createdAt ?? "",
  };
}
