import type { Pipeline } from "@relata/proto/sales/v1/pipeline";
import { z } from "zod";
import { named, text, toVersion } from "@relata/platform/http";
import { forecastCategory, STAGE_ID, stageKind } from "../../resources";

const MAX_STAGES = 50;

/** `{kind: <kind>}`, for the document's rules on stages. */
const ofKind = (kind: string) => ({ type: "object", properties: { kind: { const: kind } }, required: ["kind"] });

const PipelineStageJson = named(
  "PipelineStage",
  z
    .strictObject({
      id: z
        .string()
        .regex(STAGE_ID, "must be a slug of lower-case letters, digits, '-' or '_' starting with a letter, such as \"qualification\"")
        .meta({ "x-relata-unique": "among the stages of the pipeline" }),
      name: text(200),
      probability: z.number().int().min(0).max(100),
      kind: stageKind.schema,
      forecastCategory: forecastCategory.schema
        .optional()
        .meta({ description: "Where the stage's opportunities count in the forecast; absent: won → closed, lost → omitted, open ≥ 70 % → commit, ≥ 40 % → best_case, else pipeline." }),
    })
    .superRefine((s, ctx) => {
      if (s.kind === "won" && s.probability !== 100) ctx.addIssue({ code: "custom", path: ["probability"], message: "the won stage has probability 100" });
      if (s.kind === "lost" && s.probability !== 0) ctx.addIssue({ code: "custom", path: ["probability"], message: "the lost stage has probability 0" });
      if (s.forecastCategory && s.kind === "won" && s.forecastCategory !== "closed") ctx.addIssue({ code: "custom", path: ["forecastCategory"], message: "the won stage's category is closed" });
      if (s.forecastCategory && s.kind === "lost" && s.forecastCategory !== "omitted") ctx.addIssue({ code: "custom", path: ["forecastCategory"], message: "the lost stage's category is omitted" });
      if (s.forecastCategory === "closed" && s.kind === "open") ctx.addIssue({ code: "custom", path: ["forecastCategory"], message: "an open stage's category is pipeline, best_case, commit or omitted" });
    })
    .meta({
      allOf: [
        { if: ofKind("won"), then: { properties: { probability: { const: 100 } } } },
        { if: ofKind("lost"), then: { properties: { probability: { const: 0 } } } },
        { if: ofKind("won"), then: { properties: { forecastCategory: { const: "closed" } } } },
        { if: ofKind("lost"), then: { properties: { forecastCategory: { const: "omitted" } } } },
        { if: ofKind("open"), then: { properties: { forecastCategory: { enum: ["pipeline", "best_case", "commit", "omitted"] } } } },
      ],
    }),
  "A stage: the won stage has probability 100, the lost stage 0.",
);

export const PipelineUpdate = named(
  "PipelineUpdate",
  z
    .strictObject({
      stages: z
        .array(PipelineStageJson)
        .min(3)
        .max(MAX_STAGES)
        .meta({
          allOf: [
            { contains: ofKind("open"), minContains: 1 },
            { contains: ofKind("won"), minContains: 1, maxContains: 1 },
            { contains: ofKind("lost"), minContains: 1, maxContains: 1 },
          ],
        }),
    })
    .superRefine((p, ctx) => {
      const seen = new Set<string>();
      p.stages.forEach((s, i) => {
        if (seen.has(s.id)) ctx.addIssue({ code: "custom", path: ["stages", i, "id"], message: `stage id "${s.id}" appears twice` });
        seen.add(s.id);
      });
      const count = (kind: string) => p.stages.filter((s) => s.kind === kind).length;
      if (count("open") < 1) ctx.addIssue({ code: "custom", path: ["stages"], message: "a pipeline needs at least one open stage" });
      if (count("won") !== 1) ctx.addIssue({ code: "custom", path: ["stages"], message: "a pipeline needs exactly one won stage" });
      if (count("lost") !== 1) ctx.addIssue({ code: "custom", path: ["stages"], message: "a pipeline needs exactly one lost stage" });
    }),
  "The whole ordered list of stages, with unique ids: at least one open, exactly one won and one lost.",
);

export const PipelineJson = named(
  "Pipeline",
  z.object({
    stages: z.array(PipelineStageJson),
    version: z.number().int().min(0).meta({
      description:
        "0 while the tenant uses the default pipeline, then incremented on every change; the ETag. Send it back in If-Match (\"0\" for the default) to replace exactly what was read.",
    }),
  }),
);

export function pipelineJson(p: Pipeline): z.output<typeof PipelineJson> {
  return {
    stages: p.stages.map((s) => {
      const category = forecastCategory.fromProto(s.forecastCategory);
      return { id: s.id, name: s.name, probability: s.probability, kind: (stageKind.fromProto(s.kind) ?? "open") as never, ...(category ? { forecastCategory: category } : {}) };
    }),
    version: toVersion(p.version),
  };
}
