import { actorOf, insertOnce, NO_PUBLISH, NotFound, updateVersioned, VersionConflict, type CallerOrActor } from "@relata/platform";
import type { Model } from "mongoose";
import { DEFAULT_STAGES } from "../domain/pipeline";
import type { PipelineRecord, PipelineStage } from "../domain/types";

export interface CurrentPipeline {
  stages: readonly PipelineStage[];
  /** 0 while the tenant uses the default pipeline. */
  version: number;
}

/** One pipeline document per tenant (`_id` = tenant id); the default one until configured. */
export class Pipelines {
  constructor(private readonly model: Model<PipelineRecord>) {}

  async current(caller: CallerOrActor): Promise<CurrentPipeline> {
    const { tenantId } = actorOf(caller);
    const doc = await this.model.findOne({ _id: tenantId, tenantId }).lean<PipelineRecord>();
    return doc ? { stages: doc.stages, version: doc.version } : { stages: DEFAULT_STAGES, version: 0 };
  }

  /**
   * Replaces the stages (already validated), under optimistic concurrency on the version:
   * `expectedVersion` undefined replaces whatever is there; 0 (the default's version) only
   * while nothing is stored, which the database decides by the uniqueness of the tenant's
   * fixed `_id` (a single-document insert, atomic in FerretDB too); another version must be
   * the stored one.
   */
  async replace(caller: CallerOrActor, expectedVersion: number | undefined, stages: PipelineStage[]): Promise<CurrentPipeline> {
    const actor = actorOf(caller);
    const tenantId = actor.tenantId;
    if (expectedVersion === undefined || expectedVersion === 0) {
      const first: PipelineRecord = { _id: tenantId, tenantId, stages, version: 1, updatedAt: new Date() };
      if (await insertOnce(this.model, { record: first, actor, events: () => [] }, NO_PUBLISH)) return { stages, version: 1 };
      // Someone configured the pipeline first: stale for "only the default", overwritten otherwise.
      if (expectedVersion === 0) throw new VersionConflict("pipeline", tenantId);
    }
    try {
      const saved = await updateVersioned(
        this.model,
        // updateVersioned reads an expected version of 0 as "no check", which is what undefined asks here.
        { what: "pipeline", id: tenantId, actor, expectedVersion: expectedVersion ?? 0, decide: () => ({ set: { stages }, events: () => [] }) },
        NO_PUBLISH,
      );
      return { stages: saved.stages, version: saved.version };
    } catch (err) {
      // A version named while only the default exists names a version that was never stored.
      if (err instanceof NotFound) throw new VersionConflict("pipeline", tenantId);
      throw err;
    }
  }
}
