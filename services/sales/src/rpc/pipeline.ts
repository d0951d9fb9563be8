import { implement, protoEnum, validate, type ServiceRegistration } from "@relata/platform";
import { PipelineServiceService } from "@relata/proto/sales/v1/pipeline";
import { z } from "zod";
import { stageKind, toPipeline } from "../codec/mappers";
import { forecastCategory } from "../resources";
import { validatePipeline } from "../domain/pipeline";
import type { SalesDeps } from "./context";

const UpdatePipelineInput = z.object({
  // Absent: no check; 0: only while the tenant has the default pipeline (see the proto).
  expectedVersion: z
    .string()
    .regex(/^\d{1,15}$/, "must be a whole number")
    .transform(Number)
    .optional(),
  stages: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        probability: z.number().int("must be a whole number"),
        kind: protoEnum(stageKind, { required: true }),
        forecastCategory: protoEnum(forecastCategory, { required: false }),
      }),
    )
    .default([]),
});

/** The request schemas, by RPC (exported for tests). */
export const pipelineSchemas = { updatePipeline: UpdatePipelineInput };

export function pipelineService({ pipelines, logger }: SalesDeps): ServiceRegistration {
  return implement(
    PipelineServiceService,
    {
      async getPipeline(_request, ctx) {
        const current = await pipelines.current(ctx);
        return toPipeline(ctx.identity.tenantId, current.stages, current.version);
      },

      async updatePipeline(request, ctx) {
        const input = validate(UpdatePipelineInput, request);
        const stages = validatePipeline(input.stages.map(({ forecastCategory: category, ...s }) => ({ ...s, ...(category ? { forecastCategory: category } : {}) })));
        const saved = await pipelines.replace(ctx, input.expectedVersion, stages);
        return toPipeline(ctx.identity.tenantId, saved.stages, saved.version);
      },
    },
    logger,
  );
}
