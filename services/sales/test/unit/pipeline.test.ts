import { AppError, InvalidArgument } from "@relata/platform";
import { DEFAULT_STAGES, firstOpenStage, initialStage, validatePipeline } from "../../src/domain/pipeline";
import type { PipelineStage } from "../../src/domain/types";

const valid = (): PipelineStage[] => [
  { id: "discovery", name: "Discovery", probability: 20, kind: "open" },
  { id: "demo", name: "Demo", probability: 60, kind: "open" },
  { id: "closed-won", name: "Won", probability: 100, kind: "won" },
  { id: "closed-lost", name: "Lost", probability: 0, kind: "lost" },
];

function fieldOfFailure(stages: PipelineStage[]): { field?: string; message: string } {
  try {
    validatePipeline(stages);
  } catch (err) {
    if (err instanceof AppError) {
      expect(err).toBeInstanceOf(InvalidArgument);
      return { field: err.field, message: err.message };
    }
    throw err;
  }
  throw new Error("expected the pipeline to be refused");
}

describe("pipeline validation", () => {
  it("accepts the default pipeline and a custom one", () => {
    expect(validatePipeline(DEFAULT_STAGES)).toEqual(DEFAULT_STAGES);
    expect(validatePipeline(valid())).toHaveLength(4);
  });

  it("has the documented default stages", () => {
    expect(DEFAULT_STAGES.map((s) => [s.id, s.probability, s.kind])).toEqual([
      ["prospecting", 10, "open"],
      ["qualification", 25, "open"],
      ["proposal", 50, "open"],
      ["negotiation", 75, "open"],
      ["won", 100, "won"],
      ["lost", 0, "lost"],
    ]);
  });

  it("needs at least one open stage", () => {
    expect(fieldOfFailure(valid().filter((s) => s.kind !== "open"))).toEqual({ field: "stages", message: expect.stringMatching(/open/) });
  });

  it("needs exactly one won and exactly one lost stage", () => {
    const twoWon = [...valid(), { id: "won-again", name: "Won again", probability: 100, kind: "won" as const }];
    expect(fieldOfFailure(twoWon).message).toMatch(/exactly one stage must be the won stage/);
    expect(fieldOfFailure(valid().filter((s) => s.kind !== "lost")).message).toMatch(/lost stage/);
    expect(fieldOfFailure([]).field).toBe("stages");
  });

  it("refuses duplicate and malformed ids, naming the stage", () => {
    const dup = valid();
    dup[1] = { ...dup[1]!, id: "discovery" };
    expect(fieldOfFailure(dup)).toEqual({ field: "stages.1.id", message: expect.stringMatching(/^stages\.1\.id: .*another stage/) });
    const bad = valid();
    bad[0] = { ...bad[0]!, id: "Has Spaces" };
    expect(fieldOfFailure(bad).field).toBe("stages.0.id");
  });

  it("keeps probabilities in 0..100, the won stage at 100 and the lost one at 0", () => {
    const over = valid();
    over[0] = { ...over[0]!, probability: 101 };
    expect(fieldOfFailure(over).field).toBe("stages.0.probability");
    const wonLow = valid();
    wonLow[2] = { ...wonLow[2]!, probability: 90 };
    expect(fieldOfFailure(wonLow)).toEqual({ field: "stages.2.probability", message: expect.stringMatching(/won stage has probability 100/) });
    const lostHigh = valid();
    lostHigh[3] = { ...lostHigh[3]!, probability: 5 };
    expect(fieldOfFailure(lostHigh).field).toBe("stages.3.probability");
  });

  it("requires a name", () => {
    const noName = valid();
    noName[1] = { ...noName[1]!, name: "  " };
    expect(fieldOfFailure(noName)).toEqual({ field: "stages.1.name", message: "stages.1.name: is required" });
  });

  it("counts a name's length in characters, as the API schemas do", () => {
    // 200 emoji are 400 UTF-16 units but 200 characters: the limit is met, not passed.
    const emoji = valid();
    emoji[0] = { ...emoji[0]!, name: "😀".repeat(200) };
    expect(validatePipeline(emoji)[0]!.name).toBe("😀".repeat(200));
    const tooLong = valid();
    tooLong[0] = { ...tooLong[0]!, name: "😀".repeat(201) };
    expect(fieldOfFailure(tooLong)).toEqual({ field: "stages.0.name", message: "stages.0.name: must be at most 200 characters" });
  });

  it("starts new opportunities in the first open stage, or an open stage asked for", () => {
    const stages = [valid()[2]!, ...valid().filter((s) => s.kind !== "won")];
    expect(firstOpenStage(stages).id).toBe("discovery");
    expect(initialStage(stages, "").id).toBe("discovery");
    expect(initialStage(stages, "demo").id).toBe("demo");
    expect(() => initialStage(stages, "closed-won")).toThrow(/open stage/);
    expect(() => initialStage(stages, "nope")).toThrow(InvalidArgument);
  });
});
