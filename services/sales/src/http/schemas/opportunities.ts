import { STAGE_ID } from "../../resources";
import { z } from "zod";
import { named, reference, stateDependent, text } from "@relata/platform/http";

export const OpportunityStageChange = named(
  "OpportunityStageChange",
  z.strictObject({
    stageId: z.string().regex(STAGE_ID, "must be a stage id of the pipeline").meta(reference("stage of the tenant's pipeline")),
    reason: text()
      .optional()
      .meta({ description: "Required when the stage is a lost stage.", ...stateDependent("required when stageId is the pipeline's lost stage") }),
    lostToCompetitorId: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .meta({
        description: "The competitor the deal went to: with the pipeline's lost stage only.",
        ...reference("sales.competitor"),
        ...stateDependent("given only when stageId is the pipeline's lost stage"),
      }),
  }),
);
