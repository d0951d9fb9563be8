import { StateConflict, VersionConflict } from "@relata/platform";
import type { Model } from "mongoose";
import { DEFAULT_STAGES } from "../domain/pipeline";
import type { PipelineRecord, PipelineStage } from "../domain/types";
import { isDuplicateKey } from "./write";

export interface CurrentPipeline {
  stages: readonly PipelineStage[];
  /** 0 while the tenant uses the default pipeline. */
  version: number;
}

/** One pipeline document per tenant (`_id` = tenant id); the default one until configured. */
export class Pipelines {
  constructor(private readonly model: Model<PipelineRecord>) {}

  async current(tenantId: string): Promise<CurrentPipeline> {
    const doc = await this.model.findOne({ _id: tenantId, tenantId }).lean<PipelineRecord>();
    return doc ? { stages: doc.stages, version: doc.version } : { stages: DEFAULT_STAGES, version: 0 };
  }

  /** Replaces the stages (already validated), under optimistic concurrency on the version. */
  async replace(tenantId: string, expectedVersion: number, stages: PipelineStage[]): Promise<CurrentPipeline> {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const current = await this.current(tenantId);
      if (expectedVersion > 0 && current.version !== expectedVersion) throw new VersionConflict("pipeline", tenantId);
      const now = new Date();
      if (current.version === 0) {
        try {
          await this.model.create([{ _id: tenantId, tenantId, stages, version: 1, updatedAt: now }]);
          return { stages, version: 1 };
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          continue;
        }
      }
      const result = await this.model.updateOne(
        { _id: tenantId, tenantId, version: current.version },
        { $set: { stages, version: current.version + 1, updatedAt: now } },
      );
      if (result.modifiedCount === 1) return { stages, version: current.version + 1 };
    }
    throw new StateConflict("the pipeline is changing too often to update; retry");
  }
}
