import { AppError, InvalidArgument, StateConflict } from "@relata/platform";
import { decideStageChange } from "../../src/domain/opportunity";
import { DEFAULT_STAGES } from "../../src/domain/pipeline";
import type { OpportunityRecord } from "../../src/domain/types";

const now = new Date("2026-05-05T12:00:00Z");
const earlier = new Date("2026-05-01T09:00:00Z");
const open = (): Pick<OpportunityRecord, "status" | "stageId" | "stageHistory"> => ({
  status: "open",
  stageId: "prospecting",
  stageHistory: [{ fromStageId: "", toStageId: "prospecting", changedBy: "u0", changedAt: earlier }],
});

describe("stage changes", () => {
  it("moves to an open stage: probability from the stage, history appended, still open", () => {
    const d = decideStageChange(open(), DEFAULT_STAGES, "proposal", "", "u1", now);
    expect(d).toEqual({
      event: "stage_changed",
      fromStageId: "prospecting",
      set: {
        stageId: "proposal",
        probability: 50,
        status: "open",
        closeReason: "",
        stageHistory: [
          { fromStageId: "", toStageId: "prospecting", changedBy: "u0", changedAt: earlier },
          { fromStageId: "prospecting", toStageId: "proposal", changedBy: "u1", changedAt: now },
        ],
      },
    });
  });

  it("closes as won at the won stage", () => {
    const d = decideStageChange(open(), DEFAULT_STAGES, "won", "signed", "u1", now);
    expect(d?.event).toBe("won");
    expect(d?.set).toMatchObject({ status: "won", probability: 100, closeReason: "signed", stageId: "won" });
  });

  it("closes as lost with its reason, and needs one (field reason)", () => {
    const d = decideStageChange(open(), DEFAULT_STAGES, "lost", " chose a competitor ", "u1", now);
    expect(d?.event).toBe("lost");
    expect(d?.set).toMatchObject({ status: "lost", probability: 0, closeReason: "chose a competitor" });
    try {
      decideStageChange(open(), DEFAULT_STAGES, "lost", "  ", "u1", now);
      throw new Error("expected a refusal");
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidArgument);
      expect((err as AppError).field).toBe("reason");
    }
  });

  it("refuses a stage the pipeline does not have (field stage_id)", () => {
    expect(() => decideStageChange(open(), DEFAULT_STAGES, "limbo", "", "u1", now)).toThrow(
      expect.objectContaining({ field: "stage_id", message: expect.stringMatching(/^stage_id: /) }),
    );
  });

  it("never moves a closed opportunity (StateConflict)", () => {
    for (const status of ["won", "lost"] as const) {
      expect(() => decideStageChange({ ...open(), status, stageId: status }, DEFAULT_STAGES, "proposal", "", "u1", now)).toThrow(StateConflict);
    }
  });

  it("treats moving to the current stage as no change", () => {
    expect(decideStageChange(open(), DEFAULT_STAGES, "prospecting", "", "u1", now)).toBeNull();
  });
});
