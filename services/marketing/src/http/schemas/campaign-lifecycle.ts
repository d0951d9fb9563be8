import type { CampaignMember } from "@relata/proto/marketing/v1/campaign";
import { DateTime, Id, named, PAGE_CURSOR, PAGE_LIMIT, pageOf } from "@relata/platform/http";
import { z } from "zod";
import { channel } from "../../resources";

/** The REST shapes of a campaign's lifecycle verbs and of its members. */

/** The verbs take no body beyond an optional empty object. */
export const NoBody = z.strictObject({}).optional();

export const ListQuery = z.strictObject({ limit: PAGE_LIMIT.optional(), cursor: PAGE_CURSOR.optional() });

export const CampaignMemberJson = named(
  "CampaignMember",
  z.object({
    campaignId: Id,
    personId: z.string().meta({ description: "The Sales contact's or lead's id." }),
    kind: z.enum(["contact", "lead"]),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string(),
    phone: z.string(),
    channels: z.array(channel.schema).meta({ description: "The campaign's channels consent and contact points allowed for this person at launch." }),
    addedAt: DateTime,
  }),
);
export const CampaignMemberPage = pageOf("CampaignMemberPage", CampaignMemberJson);

export function campaignMemberJson(m: CampaignMember): z.output<typeof CampaignMemberJson> {
  return {
    campaignId: m.campaignId,
    personId: m.personId,
    kind: m.kind === "lead" ? "lead" : "contact",
    firstName: m.firstName,
    lastName: m.lastName,
    email: m.email,
    phone: m.phone,
    channels: (m.channels?.values ?? []).map((c) => channel.fromProto(c)).filter((c): c is NonNullable<typeof c> => !!c),
    addedAt: m.addedAt ?? "",
  };
}
