import { InvalidArgument, StateConflict } from "@relata/platform";
import { findStage } from "./pipeline";
import type { OpportunityRecord, OpportunityStatus, PipelineStage, StageChangeRecord } from "./types";

export type StageEvent = "stage_changed" | "won" | "lost";

export interface StageChangeDecision {
  set: Pick<OpportunityRecord, "stageId" | "probability" | "status" | "closeReason" | "stageHistory">;
  event: StageEvent;
  fromStageId: string;
}

/**
 * Moving an opportunity along the tenant's pipeline. Only open opportunities move; the
 * probability follows the stage; the won stage closes it as WON, the lost stage as LOST and
 * needs a reason. Moving to the stage it is already in changes nothing (null).
 */
export function decideStageChange(
  opportunity: Pick<OpportunityRecord, "status" | "stageId" | "stageHistory">,
  stages: readonly PipelineStage[],
  toStageId: string,
  reason: string,
  changedBy: string,
  now: Date,
): StageChangeDecision | null {
  if (opportunity.status !== "open") {
    throw new StateConflict(`the opportunity is closed (${opportunity.status}); its stage can no longer change`, "stage_id");
  }
  const stage = findStage(stages, toStageId);
  if (!stage) throw new InvalidArgument("stage_id", `stage_id: the pipeline has no stage "${toStageId}"`);
  if (stage.id === opportunity.stageId) return null;
  const trimmedReason = reason.trim();
  if (stage.kind === "lost" && !trimmedReason) {
    throw new InvalidArgument("reason", "reason: is required to move an opportunity to the lost stage");
  }
  const status: OpportunityStatus = stage.kind === "won" ? "won" : stage.kind === "lost" ? "lost" : "open";
  const change: StageChangeRecord = { fromStageId: opportunity.stageId, toStageId: stage.id, changedBy, changedAt: now };
  return {
    set: {
      stageId: stage.id,
      probability: stage.probability,
      status,
      closeReason: status === "open" ? "" : trimmedReason,
      stageHistory: [...opportunity.stageHistory, change],
    },
    event: status === "won" ? "won" : status === "lost" ? "lost" : "stage_changed",
    fromStageId: opportunity.stageId,
  };
}

/** The first entry of a new opportunity's stage history: it entered its first stage. */
export function openingStageChange(stageId: string, changedBy: string, at: Date): StageChangeRecord {
  return { fromStageId: "", toStageId: stageId, changedBy, changedAt: at };
}
