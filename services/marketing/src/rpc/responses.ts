import { email, id, implement, InvalidArgument, optionalId, protoEnum, StateConflict, text, timestamp, validate, type ServiceRegistration } from "@relata/platform";
import { PHONE_PATTERN } from "@relata/platform/resource";
import { ResponseServiceService } from "@relata/proto/marketing/v1/response";
import { z } from "zod";
import { toCampaignResponse } from "../codec/mappers";
import { RESPONDING_STATUS, type RespondentDetails, type ResponseRecord } from "../domain/response";
import type { CampaignMemberRecord } from "../domain/types";
import { responseRecordedEvent } from "../events/builders";
import { channel, responseType } from "../resources";
import type { MarketingDeps } from "./context";

/** How far ahead of this server's clock a response's time may be (a caller's clock running fast). */
const CLOCK_SKEW_MS = 60_000;

const phone = () =>
  z
    .string()
    .default("")
    .transform((v) => v.trim())
    .refine((v) => v === "" || PHONE_PATTERN.test(v), "must be a phone number");

const RespondentInput = z.object({
  firstName: text(200),
  lastName: text(200),
  email: email(),
  phone: phone(),
  company: text(200),
});

const RecordResponseInput = z
  .object({
    campaignId: id(),
    type: protoEnum(responseType, { required: true }),
    personId: optionalId(),
    respondent: RespondentInput.optional(),
    channel: protoEnum(channel, { required: false }),
    occurredAt: timestamp(),
    note: text(2_000),
    idempotencyKey: text(255),
  })
  .superRefine((input, ctx) => {
    const r = input.respondent;
    const detailsGiven = !!r && Object.values(r).some((v) => v !== "");
    if (input.personId && detailsGiven) {
      ctx.addIssue({ code: "custom", path: ["respondent"], message: "give either person_id (a member of the campaign) or the respondent's details, not both" });
    } else if (!input.personId && !r?.lastName) {
      ctx.addIssue({
        code: "custom",
        path: detailsGiven ? ["respondent", "lastName"] : ["personId"],
        message: detailsGiven ? "is required for a respondent the campaign does not know" : "is required: a member of the campaign, or else the respondent's details",
      });
    }
    if (input.occurredAt && input.occurredAt.getTime() > Date.now() + CLOCK_SKEW_MS) {
      ctx.addIssue({ code: "custom", path: ["occurredAt"], message: "must not be in the future" });
    }
  });

const ListResponsesInput = z.object({
  campaignId: id(),
  type: protoEnum(responseType, { required: false }),
});

/** The request schemas, by RPC (exported for tests). */
export const responseSchemas = { recordResponse: RecordResponseInput, listResponses: ListResponsesInput };

const memberId = (tenantId: string, campaignId: string, personId: string) => `${tenantId}/${campaignId}:${personId}`;

export function responseService({ repos, models, logger }: MarketingDeps): ServiceRegistration {
  return implement(
    ResponseServiceService,
    {
      async recordResponse(request, ctx) {
        const input = validate(RecordResponseInput, request);
        const responses = repos.responses.in(ctx);
        const record = await responses.create({
          idempotencyKey: input.idempotencyKey,
          request: input,
          build: async ({ now }) => {
            const campaign = await repos.campaigns.in(ctx).get(input.campaignId);
            if (campaign.status !== RESPONDING_STATUS) {
              throw new StateConflict(`campaign ${campaign._id} is ${campaign.status}: responses are recorded while it is running`, "status");
            }
            let respondent: RespondentDetails;
            let personKind: ResponseRecord["personKind"] = "";
            if (input.personId) {
              const member = await models.campaignMembers
                .findOne({ _id: memberId(responses.tenantId, campaign._id, input.personId), tenantId: responses.tenantId })
                .lean<CampaignMemberRecord>();
              if (!member) throw new InvalidArgument("person_id", `person ${input.personId} is not a member of campaign ${campaign._id}`);
              personKind = member.kind;
              // A member's company is not in the member list; Sales' lead then carries none.
              respondent = { firstName: member.firstName, lastName: member.lastName, email: member.email, phone: member.phone, company: "" };
            } else {
              respondent = { firstName: "", lastName: "", email: "", phone: "", company: "", ...input.respondent };
            }
            return {
              campaignId: campaign._id,
              type: input.type,
              personId: input.personId,
              personKind,
              ...respondent,
              channel: input.channel ?? "",
              occurredAt: input.occurredAt ?? now,
              note: input.note,
              recordedBy: responses.actor.actorId,
            };
          },
          events: (r, actor) => [responseRecordedEvent(r, actor)],
        });
        return toCampaignResponse(record);
      },

      async listResponses(request, ctx) {
        const input = validate(ListResponsesInput, request);
        // 404 for a campaign the tenant does not have (or has deleted), as for its other routes.
        await repos.campaigns.in(ctx).get(input.campaignId);
        const { rows, nextCursor } = await repos.responses.in(ctx).list({ campaignId: input.campaignId, type: input.type }, request.page);
        return { responses: rows.map(toCampaignResponse), page: { nextCursor } };
      },
    },
    logger,
  );
}
