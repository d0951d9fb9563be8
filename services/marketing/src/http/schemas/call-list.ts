import type { Call } from "@relata/proto/marketing/v1/call_list";
import { DateTime, Id, named, orNull, OwnerId, PAGE_CURSOR, PAGE_LIMIT, pageOf, relation } from "@relata/platform/http";
import { unique } from "@relata/platform/resource";
import { z } from "zod";
import { MAX_REPS } from "../../domain/call-list";
import { CALL_OUTCOMES, type CallOutcome } from "../../domain/types";

/** The REST shapes of a phone campaign's call list. */

export const CallOutcomeWord = z.enum(CALL_OUTCOMES).meta({ description: "What the call came to; interested is a response that may become a lead." });

export const CallListDistribution = named(
  "CallListDistribution",
  z.strictObject({
    reps: z
      .array(OwnerId.meta(unique("each rep once")), { error: "must be a list" })
      .min(1, "name at least one rep")
      .max(MAX_REPS, `at most ${MAX_REPS} reps`)
      .superRefine((reps, ctx) => reps.forEach((r, i) => reps.indexOf(r) !== i && ctx.addIssue({ code: "custom", path: [i], message: "is listed twice" })))
      .meta({ description: "The reps (user ids) the members not yet on the call list are given to, round robin." }),
  }),
);

export const CallListDistributed = named(
  "CallListDistributed",
  z.object({
    assigned: z.number().int().meta({ description: "Calls this request put on the list (a member another request put there first keeps its rep)." }),
    total: z.number().int().meta({ description: "Calls on the list: the campaign's members with the phone channel." }),
  }),
);

export const CallListQuery = z.strictObject({
  assignee: OwnerId.optional().meta({ description: "Only this rep's calls. A rep who is not a marketer always gets their own (another rep's is a 403)." }),
  limit: PAGE_LIMIT.optional(),
  cursor: PAGE_CURSOR.optional(),
});

export const PersonParams = z.strictObject({ id: Id, personId: Id });

export const CallOutcomeInput = named(
  "CallOutcomeInput",
  z.strictObject({
    outcome: CallOutcomeWord,
    note: z.string().max(2_000).optional(),
    callbackAt: DateTime.optional().meta({
      description: "When to call again: required with callback, refused with any other outcome.",
      ...relation("required with the outcome callback, refused with any other"),
    }),
  }),
);

const CallAttemptJson = z.object({ outcome: CallOutcomeWord, note: z.string(), callbackAt: DateTime.nullable(), loggedBy: z.string(), at: DateTime });

export const CallJson = named(
  "Call",
  z.object({
    campaignId: Id,
    personId: z.string(),
    assigneeId: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    phone: z.string(),
    outcome: CallOutcomeWord.nullable().meta({ description: "The latest attempt's outcome; null before the first call." }),
    callbackAt: DateTime.nullable(),
    attempts: z.array(CallAttemptJson).meta({ description: "Every attempt, oldest first." }),
  }),
);
export const CallPage = pageOf("CallPage", CallJson);

export function callJson(c: Call): z.output<typeof CallJson> {
  return {
    campaignId: c.campaignId,
    personId: c.personId,
    assigneeId: c.assigneeId,
    firstName: c.firstName,
    lastName: c.lastName,
    phone: c.phone,
    outcome: (orNull(c.outcome) as CallOutcome | null) ?? null,
    callbackAt: orNull(c.callbackAt),
    attempts: c.attempts.map((a) => ({ outcome: a.outcome as CallOutcome, note: a.note, callbackAt: orNull(a.callbackAt), loggedBy: a.loggedBy, at: a.at ?? "" })),
  };
}
