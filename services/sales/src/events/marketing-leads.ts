import { type Actor, type ConsumerLoop, type EventBus, type Logger } from "@relata/platform";
import { ResponseRecorded } from "@relata/proto/events/v1/marketing";
import type { LeadRecord } from "../domain/types";
import type { SalesModels } from "../store/models";
import type { SalesRepositories } from "../store/repositories";
import type { AssignmentRules } from "../store/assignment";
import { leadEvent } from "./builders";

/** The durable consumer that makes a lead of each interested response to a Marketing campaign. */
export const MARKETING_LEADS_DURABLE = "sales-marketing-leads";
/** Marketing's stream (Marketing creates it; the consumer waits for it). */
export const MARKETING_STREAM_NAME = "MARKETING";
export const RESPONSE_RECORDED = "marketing.response.recorded";

/** Who the lead's events name: the person or partner client who recorded the response. */
function actorOf(e: ResponseRecorded): Actor {
  return { tenantId: e.meta?.tenantId ?? "", actorId: e.meta?.actorId || "marketing", requestId: e.meta?.requestId ?? "" };
}

/**
 * The lead of an interested response; false when it was already made (a redelivery, another
 * replica). The round robin is asked only when no such lead exists yet, so a redelivery takes no
 * turn; two deliveries racing past that check may both take one (one lead is still made).
 */
export async function leadFromResponse(repos: SalesRepositories, models: SalesModels, assignmentRules: AssignmentRules, e: ResponseRecorded): Promise<boolean> {
  const actor = actorOf(e);
  // Marketing names the lead in the event: inserting that id is the one atomic step FerretDB
  // offers, so however often the event is delivered, and by however many replicas at once,
  // exactly one lead is made.
  const _id = e.leadId;
  if (!_id) throw new Error(`interested response ${e.responseId} names no lead id`);
  if (await models.leads.exists({ _id, tenantId: actor.tenantId })) return false;
  const now = new Date();
  const lead: Omit<LeadRecord, "tenantId"> = {
    _id,
    firstName: e.firstName,
    // A lead needs a last name; a member without one is named by the part of the address before the @.
    lastName: e.lastName || e.email.split("@")[0] || "(unknown)",
    email: e.email,
    phone: e.phone,
    company: e.company,
    title: "",
    industry: "",
    source: "marketing",
    status: "new",
    ownerId: (await assignmentRules.next(actor)) || actor.actorId,
    score: 0,
    disqualifyReason: "",
    campaignId: e.campaignId,
    externalId: "",
    // Placement is not applied to Marketing's leads (their responses carry no country or size).
    country: "",
    region: "",
    employeeCount: 0,
    territory: "",
    version: 1,
    createdAt: now,
    updatedAt: now,
    // Unique per tenant like every create's key: the response made it.
    idempotencyKey: `marketing-response:${e.responseId}`,
    requestHash: "",
  };
  return repos.leads.in(actor).insertOnce(lead, (r, a) => [leadEvent("created", r, a)]);
}

export function startMarketingLeadsConsumer(
  bus: EventBus,
  repos: SalesRepositories,
  models: SalesModels,
  assignmentRules: AssignmentRules,
  logger: Logger,
  durable = MARKETING_LEADS_DURABLE,
): Promise<ConsumerLoop<ResponseRecorded>> {
  return bus.consume<ResponseRecorded>({
    stream: MARKETING_STREAM_NAME,
    durable,
    filterSubjects: [RESPONSE_RECORDED],
    awaitStream: true,
    decode: (data) => ResponseRecorded.decode(data),
    handle: async ({ event }) => {
      if (event.type !== "interested" || !event.meta?.tenantId || !event.responseId) return;
      const made = await leadFromResponse(repos, models, assignmentRules, event);
      logger.debug({ response: event.responseId, campaign: event.campaignId, made }, made ? "lead made of an interested response" : "the response's lead was already made");
    },
  });
}
