import type { InvalidArgument } from "@relata/platform";
import { averageOf, checkAnswers, checkQuestions, SurveyTallier } from "../../src/domain/survey";

const questions = checkQuestions([
  { id: "colour", text: "Favourite colour?", kind: "single", options: ["Red", "Blue", "Green"] },
  { id: "channels", text: "Where do you hear of us?", kind: "multiple", options: ["Web", "Fair", "Friends"] },
  { id: "likely", text: "How likely are you to recommend us?", kind: "scale", options: [] },
  { id: "wish", text: "What should we build next?", kind: "text", options: [] },
]);
const blank = { choices: [] as string[], scale: 0, text: "" };

const fieldOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (err) {
    return (err as InvalidArgument).field;
  }
  return undefined;
};

describe("a survey's questions", () => {
  it("refuses a choice question without 2 to 20 options, an option twice, options on a scale, an id twice, an unknown kind", () => {
    expect(fieldOf(() => checkQuestions([{ id: "q", text: "Q?", kind: "single", options: ["Only"] }]))).toBe("questions.0.options");
    expect(fieldOf(() => checkQuestions([{ id: "q", text: "Q?", kind: "multiple", options: ["A", "B", "A"] }]))).toBe("questions.0.options.2");
    expect(fieldOf(() => checkQuestions([{ id: "q", text: "Q?", kind: "scale", options: ["1"] }]))).toBe("questions.0.options");
    expect(fieldOf(() => checkQuestions([{ id: "q", text: "Q?", kind: "text", options: [] }, { id: "q", text: "Again?", kind: "text", options: [] }]))).toBe("questions.1.id");
    expect(fieldOf(() => checkQuestions([{ id: "q", text: "Q?", kind: "ranking", options: [] }]))).toBe("questions.0.kind");
    expect(fieldOf(() => checkQuestions([]))).toBe("questions");
  });
});

describe("a respondent's answers", () => {
  it("are checked against the questions, naming the answer that fails", () => {
    expect(fieldOf(() => checkAnswers(questions, [{ ...blank, questionId: "nope", text: "x" }]))).toBe("answers.0.question_id");
    expect(fieldOf(() => checkAnswers(questions, [{ ...blank, questionId: "wish", text: "More" }, { ...blank, questionId: "colour", choices: ["Purple"] }]))).toBe("answers.1.choices.0");
    expect(fieldOf(() => checkAnswers(questions, [{ ...blank, questionId: "colour", choices: ["Red", "Blue"] }]))).toBe("answers.0.choices");
    const scaleAt3 = [
      { ...blank, questionId: "colour", choices: ["Red"] },
      { ...blank, questionId: "channels", choices: ["Web"] },
      { ...blank, questionId: "wish", text: "x" },
      { ...blank, questionId: "likely", scale: 11 },
    ];
    expect(fieldOf(() => checkAnswers(questions, scaleAt3))).toBe("answers.3.scale");
    expect(fieldOf(() => checkAnswers(questions, [{ ...blank, questionId: "likely", scale: 5, text: "five" }]))).toBe("answers.0.text");
    expect(fieldOf(() => checkAnswers(questions, [{ ...blank, questionId: "likely", scale: 5 }, { ...blank, questionId: "likely", scale: 6 }]))).toBe("answers.1.question_id");
    expect(checkAnswers(questions, [{ ...blank, questionId: "channels", choices: [" Web", "Fair"] }])).toEqual([{ questionId: "channels", choices: ["Web", "Fair"], scale: 0, text: "" }]);
  });
});

describe("the summary", () => {
  it("counts each option, averages the scales to 2 decimals and keeps the latest texts", () => {
    const tallier = new SurveyTallier(questions);
    // Newest first, as the summary reads them.
    tallier.add([{ ...blank, questionId: "colour", choices: ["Blue"] }, { ...blank, questionId: "likely", scale: 9 }, { ...blank, questionId: "wish", text: "newest" }]);
    tallier.add([{ ...blank, questionId: "colour", choices: ["Blue"] }, { ...blank, questionId: "channels", choices: ["Web", "Fair"] }, { ...blank, questionId: "likely", scale: 7 }]);
    tallier.add([{ ...blank, questionId: "colour", choices: ["Red"] }, { ...blank, questionId: "channels", choices: ["Web"] }, { ...blank, questionId: "likely", scale: 6 }, { ...blank, questionId: "wish", text: "oldest" }]);
    const result = tallier.result();
    expect(result.respondents).toBe(3);
    const [colour, channels, likely, wish] = result.questions;
    expect(colour!.choices).toEqual([
      { option: "Red", count: 1 },
      { option: "Blue", count: 2 },
      { option: "Green", count: 0 },
    ]);
    expect(channels).toMatchObject({ answered: 2, choices: [{ option: "Web", count: 2 }, { option: "Fair", count: 1 }, { option: "Friends", count: 0 }] });
    expect(likely).toMatchObject({ answered: 3, average: "7.33" });
    expect(wish).toMatchObject({ answered: 2, latestTexts: ["newest", "oldest"], average: "" });
  });

  it("rounds the average half up without float drift", () => {
    expect(averageOf(57, 8)).toBe("7.13"); // 7.125
    expect(averageOf(20, 3)).toBe("6.67");
    expect(averageOf(10, 1)).toBe("10.00");
    expect(averageOf(1, 3)).toBe("0.33");
  });
});
