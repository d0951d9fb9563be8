import type { SalesClients } from "../backends";
import { stageKind } from "../schemas/enums";
import { PipelineJson, pipelineJson, PipelineUpdate } from "../schemas/pipeline";
import { route, type RouteSpec } from "./define";
import { ok } from "./responses";

export function pipelineRoutes(sales: SalesClients): RouteSpec[] {
  return [
    route({
      operationId: "getPipeline",
      method: "get",
      path: "/v1/pipeline",
      operation: "pipeline.read",
      tag: "Pipeline",
      summary: "The tenant's pipeline (the default one until the tenant configures its own)",
      responses: { 200: ok(PipelineJson, "The pipeline.") },
      handler: async (ctx) => {
        const pipeline = await sales.pipeline.getPipeline({}, ctx.call);
        return { body: pipelineJson(pipeline), version: pipeline.version };
      },
    }),
    route({
      operationId: "replacePipeline",
      method: "put",
      path: "/v1/pipeline",
      operation: "pipeline.write",
      tag: "Pipeline",
      summary: "Replace the tenant's pipeline stages",
      description: "If-Match is honoured (412 when the pipeline changed since it was read) but not required.",
      body: PipelineUpdate,
      ifMatch: "optional",
      responses: { 200: ok(PipelineJson, "The new pipeline.") },
      handler: async (ctx) => {
        const pipeline = await sales.pipeline.updatePipeline(
          {
            expectedVersion: ctx.expectedVersion,
            stages: ctx.body.stages.map((s) => ({ id: s.id, name: s.name, probability: s.probability, kind: stageKind.toProto(s.kind) })),
          },
          ctx.call,
        );
        return { body: pipelineJson(pipeline), version: pipeline.version };
      },
    }),
  ];
}
