import { randomUUID } from "node:crypto";
import { actorOf, NOT_DELETED, WITHOUT_OUTBOX, type Actor, type CallerOrActor, type Logger } from "@relata/platform";
import { assertConvertible, conversionDrafts, planConversion, type ConversionRequest } from "../domain/lead";
import { firstOpenStage } from "../domain/pipeline";
import type { LeadRecord } from "../domain/types";
import { accountEvent, contactEvent, leadConvertedEvent, opportunityEvent } from "../events/builders";
import type { SalesModels } from "../store/models";
import type { Pipelines } from "../store/pipelines";
import type { SalesRepositories } from "../store/repositories";

export interface ConversionResult {
  lead: LeadRecord;
  accountId: string;
  contactId: string;
  opportunityId: string;
}

/**
 * Lead conversion, once and only once, without multi-document transactions:
 *
 *  1. claim: one conditional update puts a conversion plan (fresh ids for the account,
 *     contact and opportunity, and the opportunity's terms) on the lead, only if it has none;
 *     a concurrent or repeated call finds the plan already there and follows it;
 *  2. create the account (unless an existing one was named), the contact and the opportunity
 *     with exactly those ids, each insert idempotent (already there = done) and carrying its
 *     own created event in its outbox;
 *  3. mark the lead converted, with `sales.lead.converted` in the same update, only if it is
 *     not converted yet.
 *
 * Every step can be repeated after a crash and gives the same result, so any later call, or
 * the sweep of interrupted conversions, completes what a dead process started.
 */
export class Conversions {
  constructor(
    private readonly repos: SalesRepositories,
    private readonly models: SalesModels,
    private readonly pipelines: Pipelines,
  ) {}

  async convert(caller: CallerOrActor, leadId: string, request: ConversionRequest): Promise<ConversionResult> {
    const actor = actorOf(caller);
    const lead = await this.claim(actor, leadId, request);
    return this.complete(lead);
  }

  /** Step 1: the first plan claimed on the lead wins; later callers get that one. */
  private claim(actor: Actor, leadId: string, request: ConversionRequest): Promise<LeadRecord> {
    // The claim is internal (the lead as clients see it is unchanged until step 3), and
    // conditional on the version read, so the plan is made from exactly the lead it is stored on.
    return this.repos.leads.in(actor).update(
      leadId,
      0,
      async (lead) => {
        if (lead.conversion) return null;
        assertConvertible(lead);
        if (request.existingAccountId) await this.repos.accounts.in(actor).require(request.existingAccountId, "existing_account_id");
        const { stages } = await this.pipelines.current(actor);
        const plan = planConversion(
          lead,
          request,
          firstOpenStage(stages),
          { accountId: randomUUID(), contactId: randomUUID(), opportunityId: randomUUID() },
          { actorId: actor.actorId, requestId: actor.requestId },
          new Date(),
        );
        return { set: { conversion: plan }, events: () => [], internal: true };
      },
      { guard: { conversion: { $exists: false } } },
    );
  }

  /** Steps 2 and 3, from the plan on the lead; harmless to repeat. */
  async complete(claimed: LeadRecord): Promise<ConversionResult> {
    let lead = claimed;
    const plan = lead.conversion;
    if (!plan) throw new Error("complete() needs a lead with a conversion plan");
    if (lead.status !== "converted") {
      // The events of the records a conversion makes name the caller who asked for it.
      const by: Actor = { tenantId: lead.tenantId, actorId: plan.actorId, requestId: plan.requestId };
      const drafts = conversionDrafts(lead, plan);
      const key = (what: string) => ({ idempotencyKey: `lead-conversion:${lead._id}:${what}`, requestHash: "" });
      if (drafts.account) {
        await this.repos.accounts.in(by).insertOnce({ ...drafts.account, ...key("account") }, (r, actor) => [accountEvent("created", r, actor)]);
      }
      await this.repos.contacts.in(by).insertOnce({ ...drafts.contact, ...key("contact") }, (r, actor) => [contactEvent("created", r, actor)]);
      await this.repos.opportunities
        .in(by)
        .insertOnce({ ...drafts.opportunity, ...key("opportunity") }, (r, actor) => [opportunityEvent("created", r, actor)]);
      lead = await this.repos.leads.in(by).update(lead._id, 0, (current) => {
        if (current.status === "converted" || !current.conversion) return null;
        return {
          set: { status: "converted", conversion: { ...current.conversion, convertedAt: new Date() } },
          events: (next, actor) => [leadConvertedEvent(next, actor)],
        };
      });
    }
    return { lead, accountId: plan.accountId, contactId: plan.contactId, opportunityId: plan.opportunityId };
  }

  /**
   * Completes conversions whose process died between the claim and the last step, across
   * tenants; run at start-up and then periodically. Returns how many it completed.
   */
  async resumeInterrupted(olderThanMs: number, logger: Logger, limit = 50): Promise<number> {
    const stuck = await this.models.leads
      .find(
        // A lead with a conversion cannot be deleted; the recycle bin stays out all the same.
        { "conversion.claimedAt": { $lt: new Date(Date.now() - olderThanMs) }, status: { $ne: "converted" }, ...NOT_DELETED },
        WITHOUT_OUTBOX,
      )
      .limit(limit)
      .lean<LeadRecord[]>();
    let done = 0;
    for (const lead of stuck) {
      try {
        await this.complete(lead);
        done++;
        logger.info({ tenant: lead.tenantId, lead: lead._id }, "completed an interrupted lead conversion");
      } catch (err) {
        logger.warn({ err: String(err), tenant: lead.tenantId, lead: lead._id }, "could not complete an interrupted lead conversion");
      }
    }
    return done;
  }
}
