import { actorOf, type CallerOrActor } from "@relata/platform";
import type { Model } from "mongoose";
import { pickRep } from "../domain/assignment";
import type { AssignmentRuleRecord } from "../domain/types";

/** The tenant's round-robin rule (`_id` = tenant id). */
export class AssignmentRules {
  constructor(private readonly model: Model<AssignmentRuleRecord>) {}

  async get(caller: CallerOrActor): Promise<AssignmentRuleRecord | null> {
    const { tenantId } = actorOf(caller);
    return this.model.findOne({ _id: tenantId, tenantId }).lean<AssignmentRuleRecord>();
  }

  /** Replaces the reps (already normalised) and restarts the rotation at the first of them. */
  async set(caller: CallerOrActor, repIds: string[]): Promise<AssignmentRuleRecord> {
    const { tenantId } = actorOf(caller);
    const doc = await this.model
      .findOneAndUpdate(
        { _id: tenantId, tenantId },
        { $set: { repIds, next: 0, updatedAt: new Date() }, $inc: { version: 1 } },
        { upsert: true, returnDocument: "after" },
      )
      .lean<AssignmentRuleRecord>();
    if (!doc) throw new Error("assignment rule upsert returned nothing");
    return doc;
  }

  /**
   * The next rep by round robin, or undefined when the tenant has no rule (or no reps). The
   * counter moves with one atomic $inc, so concurrent picks get different reps.
   */
  async next(caller: CallerOrActor): Promise<string | undefined> {
    const { tenantId } = actorOf(caller);
    const before = await this.model
      .findOneAndUpdate({ _id: tenantId, tenantId }, { $inc: { next: 1 } }, { returnDocument: "before" })
      .lean<AssignmentRuleRecord>();
    return before ? pickRep(before.repIds, before.next) : undefined;
  }

  /**
   * The next `count` reps by round robin (a batch's leads, in order), with one atomic $inc for
   * the whole batch; empty when the tenant has no rule or no reps.
   */
  async take(caller: CallerOrActor, count: number): Promise<string[]> {
    if (count <= 0) return [];
    const { tenantId } = actorOf(caller);
    const before = await this.model
      .findOneAndUpdate({ _id: tenantId, tenantId }, { $inc: { next: count } }, { returnDocument: "before" })
      .lean<AssignmentRuleRecord>();
    if (!before || before.repIds.length === 0) return [];
    return Array.from({ length: count }, (_, i) => pickRep(before.repIds, before.next + i)!);
  }
}
