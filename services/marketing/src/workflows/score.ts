import { isDuplicateKey, NOT_DELETED, updateVersioned, type Actor, type PublishAfterWrite, type Stored } from "@relata/platform";
import type { Model } from "mongoose";
import { leadScoreId, type LeadFacts, type LeadScoreRecord } from "../domain/score";
import { leadScore, type LeadAttributes, type ScoredBehaviour, type ScoringRuleRecord } from "../domain/scoring";
import { leadScoredEvent } from "../events/builders";
import type { ScoreKeeper } from "../events/score-consumers";

const NO_ATTRIBUTES: LeadAttributes = { industry: "", title: "", company: "", source: "", status: "" };

/** Who the scores' events name as their actor. */
export const SCORING_ACTOR_ID = "marketing-lead-scoring";

/**
 * The leads' scores (`lead_scores`). Every change reads the lead's document, decides and writes
 * it conditional on the version read (the kit's optimistic loop), with a `marketing.lead.scored`
 * event in the same write when the rounded score changed: concurrent consumers and replicas
 * serialise per lead, and a score is sent once per change whatever is redelivered.
 */
export class LeadScores implements ScoreKeeper {
  constructor(
    private readonly model: Model<Stored<LeadScoreRecord>>,
    private readonly rules: Model<Stored<ScoringRuleRecord>>,
    private readonly publish: PublishAfterWrite,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Sales told of a lead: a newer record version replaces its attributes (an older one is ignored). */
  applyLead(tenantId: string, lead: LeadFacts): Promise<boolean> {
    return this.change(tenantId, lead.leadId, (current) =>
      lead.version <= current.leadVersion ? null : { leadVersion: lead.version, attributes: lead.attributes, leadDeleted: lead.deleted },
    );
  }

  /** A response counts for the lead (once per response). */
  addBehaviour(tenantId: string, leadId: string, behaviour: ScoredBehaviour): Promise<boolean> {
    return this.change(tenantId, leadId, (current) =>
      current.behaviours.some((b) => b.responseId === behaviour.responseId) ? null : { behaviours: [...current.behaviours, behaviour] },
    );
  }

  /** Recomputes a lead's score (rules changed, or time passed: decay), with the tenant's rules if already read. */
  rescore(tenantId: string, leadId: string, rules?: ScoringRuleRecord[]): Promise<boolean> {
    return this.change(tenantId, leadId, () => ({}), rules);
  }

  /**
   * Recomputes every scored lead of one tenant (after its rules changed), or of every tenant
   * (the decay sweep): a walk in id order, in batches. Returns how many scores were sent.
   */
  async rescoreAll(tenantId?: string, batch = 200): Promise<number> {
    let sent = 0;
    let after = "";
    // Each tenant's rules are read once per walk, not once per lead.
    const rulesByTenant = new Map<string, Promise<ScoringRuleRecord[]>>();
    const rulesOf = (tenant: string) => {
      if (!rulesByTenant.has(tenant)) rulesByTenant.set(tenant, this.rulesOf(tenant));
      return rulesByTenant.get(tenant)!;
    };
    for (;;) {
      const filter: Record<string, unknown> = { leadVersion: { $gt: 0 }, leadDeleted: false };
      if (tenantId) filter.tenantId = tenantId;
      if (after) filter._id = { $gt: after };
      const page = await this.model.find(filter, { _id: 1, tenantId: 1, leadId: 1 }).sort({ _id: 1 }).limit(batch).lean<Pick<LeadScoreRecord, "_id" | "tenantId" | "leadId">[]>();
      for (const doc of page) if (await this.rescore(doc.tenantId, doc.leadId, await rulesOf(doc.tenantId))) sent++;
      if (page.length < batch) return sent;
      after = page[page.length - 1]!._id;
    }
  }

  /** The lead's document, made (empty, unscored) on first mention: the insert of its unique id is atomic. */
  private async ensure(tenantId: string, leadId: string): Promise<void> {
    const _id = leadScoreId(tenantId, leadId);
    if (await this.model.exists({ _id, tenantId })) return;
    const blank: LeadScoreRecord = {
      _id,
      tenantId,
      leadId,
      leadVersion: 0,
      attributes: NO_ATTRIBUTES,
      leadDeleted: false,
      behaviours: [],
      // A new lead's score in Sales: nothing is sent until the rules give it another.
      score: 0,
      version: 1,
      updatedAt: this.now(),
    };
    try {
      await this.model.create([blank]);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  /**
   * Applies `facts` (null: nothing new) and recomputes the score; true when a new score was sent.
   * A score is sent only for a lead Sales has told of (so Sales has it) and not deleted.
   */
  private rulesOf(tenantId: string): Promise<ScoringRuleRecord[]> {
    return this.rules.find({ tenantId, ...NOT_DELETED }).lean<ScoringRuleRecord[]>().exec();
  }

  private async change(
    tenantId: string,
    leadId: string,
    facts: (current: LeadScoreRecord) => Partial<LeadScoreRecord> | null,
    knownRules?: ScoringRuleRecord[],
  ): Promise<boolean> {
    await this.ensure(tenantId, leadId);
    const actor: Actor = { tenantId, actorId: SCORING_ACTOR_ID, requestId: "" };
    let sent = false;
    await updateVersioned<LeadScoreRecord>(
      this.model,
      {
        what: "lead score",
        id: leadScoreId(tenantId, leadId),
        actor,
        expectedVersion: 0,
        decide: async (current) => {
          sent = false;
          const changed = facts(current);
          if (!changed) return null;
          const next = { ...current, ...changed };
          const set: Partial<LeadScoreRecord> = { ...changed };
          let score = current.score;
          if (next.leadVersion > 0 && !next.leadDeleted) {
            const now = this.now();
            const rules = knownRules ?? (await this.rulesOf(tenantId));
            score = leadScore(rules, next.attributes, next.behaviours, now);
            if (score !== current.score) {
              // Strictly later than the last score sent, whatever this replica's clock says.
              const scoredAt = new Date(Math.max(now.getTime(), (current.scoredAt?.getTime() ?? 0) + 1));
              set.score = score;
              set.scoredAt = scoredAt;
              sent = true;
              return { set, events: (_next, a) => [leadScoredEvent(leadId, score, scoredAt, a)] };
            }
          }
          if (Object.keys(set).length === 0) return null;
          return { set, events: () => [] };
        },
      },
      this.publish,
    );
    return sent;
  }
}
