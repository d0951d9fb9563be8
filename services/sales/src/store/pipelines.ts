import { actorOf, insertOnce, NO_PUBLISH, updateVersioned, VersionConflict, type CallerOrActor } from "@relata/platform";
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

  /** Replaces the stages (already validated), under optimistic concurrency on the version. */
  async replace(caller: CallerOrActor, expectedVersion: number, stages: PipelineStage[]): Promise<CurrentPipeline> {
    const actor = actorOf(caller);
    const tenantId = actor.tenantId;
    const current = await this.current(actor);
    if (current.version === 0) {
      if (expectedVersion > 0) throw new VersionConflict("pipeline", tenantId);
      // The first configuration; a concurrent first one makes this an update of it.
      const first: PipelineRecord = { _id: tenantId, tenantId, stages, version: 1, updatedAt: new Date() };
      if (await insertOnce(this.model, { record: first, actor, events: () => [] }, NO_PUBLISH)) return { stages, version: 1 };
    }
    const saved = await updateVersioned(
      this.model,
      { what: "pipeline", id: tenantId, actor, expectedVersion, decide: () => ({ set: { stages }, events: () => [] }) },
      NO_PUBLISH,
    );
    return { stages: saved.stages, version: saved.version };
  }
}
