import type { ConsumerLoop, EventBus, Logger } from "@relata/platform";
import { enumCodec } from "@relata/platform";
import { ResponseRecorded } from "@relata/proto/events/v1/marketing";
import { LeadChanged, LeadConverted } from "@relata/proto/events/v1/sales";
import { LeadSource, LeadStatus, type Lead } from "@relata/proto/sales/v1/lead";
import type { ResponseTypeWord } from "../domain/response";
import type { LeadFacts } from "../domain/score";
import type { ScoredBehaviour } from "../domain/scoring";
import { MARKETING_STREAM, SALES_STREAM, SUBJECTS } from "./stream";

/** The durable consumer that copies Sales' leads' attributes into their scores. */
export const LEAD_SCORING_DURABLE = "marketing-lead-scoring";
/** The durable consumer that counts responses as the behaviours of leads: the other's name with "-responses". */
export const responseScoringDurable = (durable: string) => `${durable}-responses`;

const leadSource = enumCodec(LeadSource, "LEAD_SOURCE_");
const leadStatus = enumCodec(LeadStatus, "LEAD_STATUS_");

type LeadEvent = { tenantId: string; lead: LeadFacts } | null;

/** What a Sales lead event says of the lead, for scoring; null for an event without a lead. */
export function leadFactsOf(subject: string, data: Uint8Array): LeadEvent {
  const { meta, lead } = subject === "sales.lead.converted" ? LeadConverted.decode(data) : LeadChanged.decode(data);
  if (!lead || !meta?.tenantId) return null;
  return { tenantId: meta.tenantId, lead: leadFacts(lead, subject.endsWith(".deleted")) };
}

function leadFacts(lead: Lead, deleted: boolean): LeadFacts {
  return {
    leadId: lead.id,
    version: Number(lead.version),
    deleted,
    attributes: {
      industry: lead.industry,
      title: lead.title,
      company: lead.company,
      source: leadSource.fromProto(lead.source) ?? "",
      status: leadStatus.fromProto(lead.status) ?? "",
    },
  };
}

/**
 * The leads a response counts for: the member who responded when they are a Sales lead, and the
 * lead an interested response becomes (its id derived from the response's). An unsubscribe counts for none.
 */
export function leadsOfResponse(e: Pick<ResponseRecorded, "leadId" | "personId" | "personKind" | "type">): string[] {
  if (e.type === "unsubscribed") return [];
  const leads: string[] = [];
  if (e.personKind === "lead" && e.personId) leads.push(e.personId);
  if (e.type === "interested" && e.leadId) leads.push(e.leadId);
  return leads;
}

/** What the consumers hand the events to (the lead-scoring workflow, workflows/score.ts). */
export interface ScoreKeeper {
  /** Sales told of a lead: a newer record version replaces its attributes. */
  applyLead(tenantId: string, lead: LeadFacts): Promise<boolean>;
  /** A response counts for the lead, once per response. */
  addBehaviour(tenantId: string, leadId: string, behaviour: ScoredBehaviour): Promise<boolean>;
}

export interface ScoringConsumers {
  leads: ConsumerLoop<LeadEvent>;
  responses: ConsumerLoop<ResponseRecorded>;
  stop(): Promise<void>;
}

export async function startScoringConsumers(bus: EventBus, scores: ScoreKeeper, logger: Logger, durable = LEAD_SCORING_DURABLE): Promise<ScoringConsumers> {
  const leads = await bus.consume<LeadEvent>({
    stream: SALES_STREAM.name,
    durable,
    filterSubjects: ["sales.lead.>"],
    decode: (data, subject) => leadFactsOf(subject, data),
    handle: async ({ subject, event }) => {
      if (!event) return;
      const sent = await scores.applyLead(event.tenantId, event.lead);
      logger.debug({ subject, lead: event.lead.leadId, version: event.lead.version, sent }, "lead attributes applied to its score");
    },
  });
  const responses = await bus.consume<ResponseRecorded>({
    stream: MARKETING_STREAM.name,
    durable: responseScoringDurable(durable),
    filterSubjects: [SUBJECTS.responseRecorded],
    decode: (data) => ResponseRecorded.decode(data),
    handle: async ({ event }) => {
      const tenantId = event.meta?.tenantId;
      if (!tenantId || !event.occurredAt) return;
      const behaviour = { responseId: event.responseId, type: event.type as ResponseTypeWord, occurredAt: new Date(event.occurredAt) };
      for (const leadId of leadsOfResponse(event)) await scores.addBehaviour(tenantId, leadId, behaviour);
    },
  });
  return {
    leads,
    responses,
    stop: async () => {
      await Promise.all([leads.stop(), responses.stop()]);
    },
  };
}
