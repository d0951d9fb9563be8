import { randomUUID } from "node:crypto";
import { NotFound, StateConflict } from "@relata/platform";
import type { Logger } from "@relata/platform";
import { assertConvertible, conversionDrafts, planConversion, type ConversionRequest } from "../domain/lead";
import { firstOpenStage } from "../domain/pipeline";
import type { Actor, LeadRecord } from "../domain/types";
import { accountEvent, contactEvent, leadConvertedEvent, opportunityEvent } from "../events/builders";
import type { SalesModels, Stored } from "./models";
import type { Pipelines } from "./pipelines";
import { findInTenant, requireReference, WITHOUT_OUTBOX } from "./queries";
import { insertOnce, updateVersioned, type Nudge } from "./write";

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
    private readonly models: SalesModels,
    private readonly pipelines: Pipelines,
    private readonly nudge: Nudge,
  ) {}

  async convert(actor: Actor, leadId: string, request: ConversionRequest): Promise<ConversionResult> {
    let lead = await findInTenant(this.models.leads, actor.tenantId, leadId);
    if (!lead) throw new NotFound("lead", leadId);
    if (!lead.conversion) lead = await this.claim(lead, actor, request);
    return this.complete(lead);
  }

  /** Step 1: the first plan claimed on the lead wins; later callers get that one. */
  private async claim(lead: LeadRecord, actor: Actor, request: ConversionRequest): Promise<LeadRecord> {
    for (let attempt = 1; attempt <= 10; attempt++) {
      assertConvertible(lead);
      if (request.existingAccountId) {
        await requireReference(this.models.accounts, actor.tenantId, request.existingAccountId, "existing_account_id", "account");
      }
      const { stages } = await this.pipelines.current(actor.tenantId);
      const plan = planConversion(
        lead,
        request,
        firstOpenStage(stages),
        { accountId: randomUUID(), contactId: randomUUID(), opportunityId: randomUUID() },
        { actorId: actor.actorId, requestId: actor.requestId },
        new Date(),
      );
      // Conditional on the version read, so the plan is made from exactly the lead it is stored on.
      const claimed = await this.models.leads
        .findOneAndUpdate(
          { _id: lead._id, tenantId: actor.tenantId, version: lead.version, conversion: { $exists: false } },
          { $set: { conversion: plan } },
          // FerretDB's findAndModify takes no projection: the outbox fields are dropped below.
          { returnDocument: "after" },
        )
        .lean<Stored<LeadRecord>>();
      if (claimed) {
        const { outbox: _outbox, ...record } = claimed;
        return record;
      }
      const current = await findInTenant(this.models.leads, actor.tenantId, lead._id);
      if (!current) throw new NotFound("lead", lead._id);
      if (current.conversion) return current;
      lead = current;
    }
    throw new StateConflict(`the lead ${lead._id} is changing too often to convert; retry`);
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
        await insertOnce(this.models.accounts, { ...drafts.account, ...key("account") }, (r) => [accountEvent("created", r, by)]);
        this.nudge(this.models.accounts, drafts.account._id);
      }
      await insertOnce(this.models.contacts, { ...drafts.contact, ...key("contact") }, (r) => [contactEvent("created", r, by)]);
      this.nudge(this.models.contacts, drafts.contact._id);
      await insertOnce(this.models.opportunities, { ...drafts.opportunity, ...key("opportunity") }, (r) => [
        opportunityEvent("created", r, by),
      ]);
      this.nudge(this.models.opportunities, drafts.opportunity._id);
      lead = await updateVersioned(
        this.models.leads,
        {
          what: "lead",
          tenantId: lead.tenantId,
          id: lead._id,
          expectedVersion: 0,
          decide: (current) => {
            if (current.status === "converted" || !current.conversion) return null;
            return {
              set: { status: "converted", conversion: { ...current.conversion, convertedAt: new Date() } },
              events: (next) => [leadConvertedEvent(next, by)],
            };
          },
        },
        this.nudge,
      );
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
        { "conversion.claimedAt": { $lt: new Date(Date.now() - olderThanMs) }, status: { $ne: "converted" } },
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
