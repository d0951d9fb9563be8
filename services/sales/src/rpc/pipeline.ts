import { implement, type ServiceRegistration } from "@relata/platform";
import { PipelineServiceService } from "@relata/proto/sales/v1/pipeline";
import { z } from "zod";
import { validatePipeline } from "../domain/pipeline";
import { stageKind, toPipeline } from "../store/mappers";
import type { SalesDeps } from "./context";
import { expectedVersion, protoEnum, validate } from "./validation";

const UpdatePipelineInput = z.object({
  expectedVersion: expectedVersion(),
  stages: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        probability: z.number().int("must be a whole number"),
        kind: protoEnum(stageKind, { required: true }),
      }),
    )
    .default([]),
});

/** The request schemas, by RPC (exported for tests). */
export const pipelineSchemas = { updatePipeline: UpdatePipelineInput };

export function pipelineService(deps: SalesDeps): ServiceRegistration {
  const { pipelines } = deps;
  return implement(
    PipelineServiceService,
    {
      async getPipeline(_request, ctx) {
        const current = await pipelines.current(ctx.identity.tenantId);
        return toPipeline(ctx.identity.tenantId, current.stages, current.version);
      },

      async updatePipeline(request, ctx) {
        const input = validate(UpdatePipelineInput, request);
        const stages = validatePipeline(input.stages);
        const saved = await pipelines.replace(ctx.identity.tenantId, input.expectedVersion, stages);
        return toPipeline(ctx.identity.tenantId, saved.stages, saved.version);
      },
    },
    deps.logger,
  );
}
