import { NotFound, type ConsumerLoop, type EventBus, type Logger } from "@relata/platform";
import { LeadScored } from "@relata/proto/events/v1/marketing";
import type { SalesRepositories } from "../store/repositories";
import { leadEvent } from "./builders";
import { MARKETING_STREAM_NAME } from "./marketing-leads";

/** The durable consumer that applies Marketing's lead scores. */
export const LEAD_SCORES_DURABLE = "sales-lead-scores";
export const LEAD_SCORED = "marketing.lead.scored";

/**
 * Sets a lead's score from Marketing when the score was computed later than the one the lead
 * holds (`scoredAt`); true when it changed the lead. Written through the kit's optimistic loop:
 * the write is conditional on the version read, so of two scores applied at once (two replicas)
 * the later `scoredAt` wins whatever order they land in, and a redelivery or an older score
 * delivered late changes nothing. A converted, deleted or unknown lead is left alone.
 */
export async function applyLeadScore(repos: SalesRepositories, e: LeadScored): Promise<boolean> {
  const tenantId = e.meta?.tenantId ?? "";
  if (!tenantId || !e.leadId || !e.scoredAt) return false;
  const scoredAt = new Date(e.scoredAt);
  const score = Math.min(100, Math.max(0, Math.round(e.score)));
  let changed = false;
  try {
    await repos.leads.in({ tenantId, actorId: e.meta?.actorId || "marketing", requestId: e.meta?.requestId ?? "" }).update(
      e.leadId,
      0,
      (current) => {
        changed = false;
        if (current.status === "converted" || current.conversion) return null;
        if (current.scoredAt && current.scoredAt.getTime() >= scoredAt.getTime()) return null;
        changed = true;
        return { set: { score, scoredAt }, events: (next, actor) => [leadEvent("updated", next, actor)] };
      },
      { guard: { conversion: { $exists: false } } },
    );
  } catch (err) {
    if (err instanceof NotFound) return false;
    throw err;
  }
  return changed;
}

export function startLeadScoresConsumer(bus: EventBus, repos: SalesRepositories, logger: Logger, durable = LEAD_SCORES_DURABLE): Promise<ConsumerLoop<LeadScored>> {
  return bus.consume<LeadScored>({
    stream: MARKETING_STREAM_NAME,
    durable,
    filterSubjects: [LEAD_SCORED],
    awaitStream: true,
    decode: (data) => LeadScored.decode(data),
    handle: async ({ event }) => {
      const applied = await applyLeadScore(repos, event);
      logger.debug({ lead: event.leadId, score: event.score, scoredAt: event.scoredAt, applied }, applied ? "lead score applied" : "lead score older than the lead's, or the lead is gone");
    },
  });
}
