import type { SalesClients } from "../../client";
import { ok, route, type RouteSpec, versionInIfMatch } from "@relata/platform/http";
import { ForecastCategory } from "@relata/proto/sales/v1/pipeline";
import { forecastCategory, stageKind } from "../../resources";
import { PipelineJson, pipelineJson, PipelineUpdate } from "../schemas/pipeline";

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
      description:
        'If-Match is honoured (412 when the pipeline changed since it was read) but not required. The default pipeline of a tenant that never configured one has version 0: send If-Match "0" to replace it only if nobody configured it meanwhile.',
      body: PipelineUpdate,
      ifMatch: "optional",
      unstoredVersionZero: true,
      responses: { 200: ok(PipelineJson, "The new pipeline.") },
      handler: async (ctx) => {
        // Absent or *: no check; "0": only while the default is in use; Sales decides both.
        const expectedVersion = versionInIfMatch(ctx.req.get("if-match"));
        const pipeline = await sales.pipeline.updatePipeline(
          {
            expectedVersion,
            stages: ctx.body.stages.map((s) => ({
              id: s.id,
              name: s.name,
              probability: s.probability,
              kind: stageKind.toProto(s.kind),
              forecastCategory: s.forecastCategory ? forecastCategory.toProto(s.forecastCategory) : ForecastCategory.FORECAST_CATEGORY_UNSPECIFIED,
            })),
          },
          ctx.call,
        );
        return { body: pipelineJson(pipeline), version: pipeline.version };
      },
    }),
  ];
}
