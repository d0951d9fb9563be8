import { isDuplicateKey, type ConsumerLoop, type EventBus, type Logger } from "@relata/platform";
import { ResponseRecorded } from "@relata/proto/events/v1/marketing";
import { LeadChanged, LeadConverted, OpportunityChanged, OpportunityStageChanged } from "@relata/proto/events/v1/sales";
import type { Lead } from "@relata/proto/sales/v1/lead";
import { OpportunityStatus, type Opportunity } from "@relata/proto/sales/v1/opportunity";
import type { EventMeta } from "@relata/proto/events/v1/meta";
import type { Model } from "mongoose";
import type { AttributedLeadRecord, OpportunityVersionRecord, ResponseFactRecord } from "../domain/attribution";
import type { MarketingModels } from "../store/models";
import { MARKETING_STREAM, SALES_STREAM, SUBJECTS } from "./stream";

/** The durable consumer (on SALES and on MARKETING) that writes the facts campaign results are read from. */
export const ATTRIBUTION_DURABLE = "marketing-attribution";

/** What one event adds to the facts: at most one document. */
export type AttributionFact =
  | { kind: "lead"; record: AttributedLeadRecord }
  | { kind: "opportunity"; record: OpportunityVersionRecord }
  | { kind: "response"; record: ResponseFactRecord };

const timeOf = (meta: EventMeta | undefined) => (meta?.occurredAt ? new Date(meta.occurredAt) : new Date());

function leadFact(meta: EventMeta | undefined, lead: Lead | undefined): AttributionFact | null {
  if (!meta?.tenantId || !lead?.id || !lead.campaignId) return null;
  return { kind: "lead", record: { _id: `${meta.tenantId}/${lead.id}`, tenantId: meta.tenantId, leadId: lead.id, campaignId: lead.campaignId, at: timeOf(meta) } };
}

const STATUS: Partial<Record<OpportunityStatus, "won" | "lost">> = {
  [OpportunityStatus.OPPORTUNITY_STATUS_WON]: "won",
  [OpportunityStatus.OPPORTUNITY_STATUS_LOST]: "lost",
};

function opportunityFact(meta: EventMeta | undefined, o: Opportunity | undefined, deleted: boolean): AttributionFact | null {
  if (!meta?.tenantId || !o?.id || !o.leadId) return null; // only an opportunity made from a lead can be attributed
  const version = Number(o.version);
  return {
    kind: "opportunity",
    record: {
      _id: `${meta.tenantId}/${o.id}:${version}`,
      tenantId: meta.tenantId,
      opportunityId: o.id,
      leadId: o.leadId,
      version,
      status: STATUS[o.status] ?? "open",
      amount: o.amount?.amount ?? "",
      currency: o.amount?.currency ?? "",
      deleted,
      at: timeOf(meta),
    },
  };
}

/** The fact an event adds, by subject; null for events that add none. */
export function attributionFactOf(subject: string, data: Uint8Array): AttributionFact | null {
  if (subject === "sales.lead.converted") {
    const e = LeadConverted.decode(data);
    return leadFact(e.meta, e.lead);
  }
  if (subject.startsWith("sales.lead.")) {
    const e = LeadChanged.decode(data);
    return leadFact(e.meta, e.lead);
  }
  if (subject === "sales.opportunity.stage_changed" || subject === "sales.opportunity.won" || subject === "sales.opportunity.lost") {
    const e = OpportunityStageChanged.decode(data);
    return opportunityFact(e.meta, e.opportunity, false);
  }
  if (subject.startsWith("sales.opportunity.")) {
    const e = OpportunityChanged.decode(data);
    return opportunityFact(e.meta, e.opportunity, subject === "sales.opportunity.deleted");
  }
  if (subject === SUBJECTS.responseRecorded) {
    const e = ResponseRecorded.decode(data);
    const tenantId = e.meta?.tenantId;
    if (!tenantId || !e.responseId || !e.campaignId || !e.type) return null;
    return {
      kind: "response",
      record: { _id: `${tenantId}/${e.responseId}`, tenantId, responseId: e.responseId, campaignId: e.campaignId, personId: e.personId, type: e.type, channel: e.channel, at: timeOf(e.meta) },
    };
  }
  return null;
}

/** Writes a fact once: its `_id` is unique, so a redelivered event (or a second replica) writes nothing. */
export async function recordFact(models: MarketingModels, fact: AttributionFact): Promise<boolean> {
  const model = (fact.kind === "lead" ? models.attributedLeads : fact.kind === "opportunity" ? models.opportunityVersions : models.responseFacts) as unknown as Model<{ _id: string }>;
  try {
    await model.create([fact.record]);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

export async function startAttribution(bus: EventBus, models: MarketingModels, logger: Logger, durable = ATTRIBUTION_DURABLE): Promise<ConsumerLoop<AttributionFact | null>[]> {
  const handle = async ({ subject, event }: { subject: string; event: AttributionFact | null }) => {
    if (!event) return;
    if (!(await recordFact(models, event))) logger.debug({ subject, fact: event.record._id }, "fact already recorded");
  };
  const decode = (data: Uint8Array, subject: string) => attributionFactOf(subject, data);
  return [
    await bus.consume<AttributionFact | null>({ stream: SALES_STREAM.name, durable, filterSubjects: ["sales.lead.>", "sales.opportunity.>"], decode, handle, awaitStream: true }),
    await bus.consume<AttributionFact | null>({ stream: MARKETING_STREAM.name, durable, filterSubjects: [SUBJECTS.responseRecorded], decode, handle }),
  ];
}
