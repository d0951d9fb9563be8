import type { ListMember } from "@relata/proto/marketing/v1/marketing_list";
import { DateTime, Id, named, PAGE_CURSOR, PAGE_LIMIT, reference } from "@relata/platform/http";
import { z } from "zod";

const MAX_IDS = 1_000;

const PersonIds = z
  .array(Id.meta({ description: "An audience person (a Sales contact's or lead's id).", ...reference("marketing.audience_person") }))
  .min(1)
  .max(MAX_IDS)
  // The service names the list when an id is not in the audience.
  .meta(reference("marketing.audience_person"));

export const ListMembersInput = named("ListMembersInput", z.strictObject({ personIds: PersonIds }), `People of the audience, at most ${MAX_IDS} a call.`);

export const ListSegmentInput = named(
  "ListSegmentInput",
  z.strictObject({ segmentId: Id.meta({ description: "A segment whose members at this moment are added.", ...reference("marketing.segment") }) }),
);

export const ListMembersAddedJson = named(
  "ListMembersAdded",
  z.object({
    added: z.number().int().meta({ description: "Newly on the list." }),
    alreadyMembers: z.number().int().meta({ description: "On it already, left as they were." }),
  }),
);

export const ListMembersRemovedJson = named(
  "ListMembersRemoved",
  z.object({
    removed: z.number().int(),
    notMembers: z.number().int().meta({ description: "Ids that were not on the list." }),
  }),
);

export const ListMemberJson = named("ListMember", z.object({ personId: z.string(), addedAt: DateTime }));

export const ListMembersQuery = z.strictObject({ limit: PAGE_LIMIT.optional(), cursor: PAGE_CURSOR.optional() });

export const listMemberJson = (m: ListMember): z.output<typeof ListMemberJson> => ({ personId: m.personId, addedAt: m.addedAt! });
