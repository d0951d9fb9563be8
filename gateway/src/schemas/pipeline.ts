import type { Pipeline } from "@relata/proto/sales/v1/pipeline";
import { z } from "zod";
import { text, toVersion, Version } from "./common";
import { stageKind } from "./enums";
import { named } from "./registry";

const PipelineStageJson = named(
  "PipelineStage",
  z.strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be a short slug such as \"qualification\""),
    name: text(100),
    probability: z.number().int().min(0).max(100),
    kind: stageKind.schema,
  }),
);

export const PipelineUpdate = named(
  "PipelineUpdate",
  z
    .strictObject({ stages: z.array(PipelineStageJson).min(3).max(30) })
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
  "The whole ordered list of stages: at least one open, exactly one won and one lost.",
);

export const PipelineJson = named(
  "Pipeline",
  z.object({ stages: z.array(PipelineStageJson), version: Version }),
);

export function pipelineJson(p: Pipeline): z.output<typeof PipelineJson> {
  return {
    stages: p.stages.map((s) => ({ id: s.id, name: s.name, probability: s.probability, kind: (stageKind.fromProto(s.kind) ?? "open") as never })),
    version: toVersion(p.version),
  };
}
