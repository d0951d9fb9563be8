import { characterCount, InvalidArgument, MAX_TEXT } from "@relata/platform";
import type { ForecastCategory, PipelineStage } from "./types";

/** The pipeline every tenant has until it configures its own. */
export const DEFAULT_STAGES: readonly PipelineStage[] = Object.freeze([
  { id: "prospecting", name: "Prospecting", probability: 10, kind: "open" },
  { id: "qualification", name: "Qualification", probability: 25, kind: "open" },
  { id: "proposal", name: "Proposal", probability: 50, kind: "open" },
  { id: "negotiation", name: "Negotiation", probability: 75, kind: "open" },
  { id: "won", name: "Closed won", probability: 100, kind: "won" },
  { id: "lost", name: "Closed lost", probability: 0, kind: "lost" },
] satisfies PipelineStage[]);

export const MAX_STAGES = 50;
export const STAGE_ID = /^[a-z][a-z0-9_-]{0,49}$/;

/**
 * Checks a pipeline a tenant configures: ordered stages, at least one open, exactly one won
 * (probability 100) and exactly one lost (probability 0), unique slug ids, names, and
 * probabilities 0..100. Fields are named as in UpdatePipelineRequest ("stages.2.probability").
 */
export function validatePipeline(stages: readonly PipelineStage[]): PipelineStage[] {
  if (stages.length === 0) throw new InvalidArgument("stages", "stages: a pipeline needs at least one open, one won and one lost stage");
  if (stages.length > MAX_STAGES) throw new InvalidArgument("stages", `stages: at most ${MAX_STAGES} stages`);
  const seen = new Set<string>();
  const out: PipelineStage[] = [];
  stages.forEach((stage, i) => {
    const at = (field: string) => `stages.${i}.${field}`;
    const id = stage.id.trim();
    if (!STAGE_ID.test(id)) {
      throw new InvalidArgument(at("id"), `${at("id")}: must be a slug of lower-case letters, digits, '-' or '_' starting with a letter (at most 50)`);
    }
    if (seen.has(id)) throw new InvalidArgument(at("id"), `${at("id")}: "${id}" is used by another stage`);
    seen.add(id);
    const name = stage.name.trim();
    if (!name) throw new InvalidArgument(at("name"), `${at("name")}: is required`);
    if (characterCount(name) > MAX_TEXT) throw new InvalidArgument(at("name"), `${at("name")}: must be at most ${MAX_TEXT} characters`);
    if (!Number.isInteger(stage.probability) || stage.probability < 0 || stage.probability > 100) {
      throw new InvalidArgument(at("probability"), `${at("probability")}: must be an integer from 0 to 100`);
    }
    if (stage.kind === "won" && stage.probability !== 100) {
      throw new InvalidArgument(at("probability"), `${at("probability")}: the won stage has probability 100`);
    }
    if (stage.kind === "lost" && stage.probability !== 0) {
      throw new InvalidArgument(at("probability"), `${at("probability")}: the lost stage has probability 0`);
    }
    const category = stage.forecastCategory;
    if (category) {
      const allowed = stage.kind === "won" ? ["closed"] : stage.kind === "lost" ? ["omitted"] : ["pipeline", "best_case", "commit", "omitted"];
      if (!allowed.includes(category)) {
        throw new InvalidArgument(at("forecast_category"), `${at("forecast_category")}: a ${stage.kind} stage's category is one of ${allowed.join(", ")}`);
      }
    }
    out.push({ id, name, probability: stage.probability, kind: stage.kind, ...(category ? { forecastCategory: category } : {}) });
  });
  const count = (kind: PipelineStage["kind"]) => out.filter((s) => s.kind === kind).length;
  if (count("open") < 1) throw new InvalidArgument("stages", "stages: at least one stage must be open");
  if (count("won") !== 1) throw new InvalidArgument("stages", "stages: exactly one stage must be the won stage");
  if (count("lost") !== 1) throw new InvalidArgument("stages", "stages: exactly one stage must be the lost stage");
  return out;
}

export function findStage(stages: readonly PipelineStage[], id: string): PipelineStage | undefined {
  return stages.find((s) => s.id === id);
}

/** Where new opportunities start: the first open stage. */
export function firstOpenStage(stages: readonly PipelineStage[]): PipelineStage {
  const stage = stages.find((s) => s.kind === "open");
  if (!stage) throw new Error("pipeline has no open stage");
  return stage;
}

/** The stage a new opportunity starts in: the one asked for (which must be open), else the first open one. */
export function initialStage(stages: readonly PipelineStage[], requested: string): PipelineStage {
  if (!requested) return firstOpenStage(stages);
  const stage = findStage(stages, requested);
  if (!stage) throw new InvalidArgument("stage_id", `stage_id: the pipeline has no stage "${requested}"`);
  if (stage.kind !== "open") {
    throw new InvalidArgument("stage_id", "stage_id: a new opportunity starts in an open stage; close it with ChangeStage");
  }
  return stage;
}

/** An open stage at or above this probability is "commit" unless it says otherwise. */
export const COMMIT_FROM = 70;
/** An open stage at or above this probability (and below COMMIT_FROM) is "best_case". */
export const BEST_CASE_FROM = 40;

/**
 * Where a stage's opportunities count in the forecast: its own category when it has one, else
 * by kind and probability: won → closed, lost → omitted, open ≥ 70 % → commit, ≥ 40 % →
 * best_case, below → pipeline (the default pipeline: prospecting and qualification pipeline,
 * proposal best_case, negotiation commit).
 */
export function forecastCategoryOf(stage: Pick<PipelineStage, "kind" | "probability" | "forecastCategory">): ForecastCategory {
  if (stage.kind === "won") return "closed";
  if (stage.kind === "lost") return "omitted";
  if (stage.forecastCategory) return stage.forecastCategory;
  if (stage.probability >= COMMIT_FROM) return "commit";
  if (stage.probability >= BEST_CASE_FROM) return "best_case";
  return "pipeline";
}
