import { CallListDistribution, CallOutcomeInput } from "../../src/http/schemas/call-list";
import { SurveyAnswersInput, SurveyInput } from "../../src/http/schemas/survey";

// The gateway's first check of the campaigns' custom verbs: what no service is asked about.
const issuesOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => (result.success ? [] : result.error!.issues.map((i) => i.path.join(".")));

describe("a call list's distribution", () => {
  it("names 1-200 distinct reps", () => {
    expect(issuesOf(CallListDistribution.safeParse({ reps: ["rep-a", "rep-b"] }))).toEqual([]);
    expect(issuesOf(CallListDistribution.safeParse({ reps: [] }))).toEqual(["reps"]);
    expect(issuesOf(CallListDistribution.safeParse({ reps: ["rep-a", "rep-a"] }))).toEqual(["reps.1"]);
    expect(issuesOf(CallListDistribution.safeParse({ reps: Array.from({ length: 201 }, (_, i) => `rep-${i}`) }))).toEqual(["reps"]);
    expect(issuesOf(CallListDistribution.safeParse({ reps: ["not a user id!"] }))).toEqual(["reps.0"]);
  });

  it("takes an outcome it knows", () => {
    expect(issuesOf(CallOutcomeInput.safeParse({ outcome: "callback", callbackAt: "2031-01-06T10:00:00Z", note: "after lunch" }))).toEqual([]);
    expect(issuesOf(CallOutcomeInput.safeParse({ outcome: "maybe" }))).toEqual(["outcome"]);
    expect(issuesOf(CallOutcomeInput.safeParse({ outcome: "busy", extra: 1 }))).toEqual([""]);
  });
});

describe("a survey", () => {
  it("has 1-50 questions of a known kind, with non-blank texts", () => {
    expect(issuesOf(SurveyInput.safeParse({ questions: [{ id: "q1", text: "Colour?", kind: "single", options: ["Red", "Blue"] }] }))).toEqual([]);
    expect(issuesOf(SurveyInput.safeParse({ questions: [] }))).toEqual(["questions"]);
    expect(issuesOf(SurveyInput.safeParse({ questions: [{ id: "q1", text: "  ", kind: "text" }] }))).toEqual(["questions.0.text"]);
    expect(issuesOf(SurveyInput.safeParse({ questions: [{ id: "q 1", text: "Q?", kind: "ranking" }] }))).toEqual(["questions.0.id", "questions.0.kind"]);
  });

  it("takes answers with a scale of 1 to 10", () => {
    const answers = (scale: number) => ({ respondentKey: "form-1", answers: [{ questionId: "likely", scale }] });
    expect(issuesOf(SurveyAnswersInput.safeParse(answers(10)))).toEqual([]);
    expect(issuesOf(SurveyAnswersInput.safeParse(answers(11)))).toEqual(["answers.0.scale"]);
    expect(issuesOf(SurveyAnswersInput.safeParse({ personId: "lead-1", answers: [] }))).toEqual(["answers"]);
  });
});
