import { InvalidArgument } from "@relata/platform";
import { SURVEY_QUESTION_KINDS, type SurveyAnswerRecord, type SurveyQuestionKind, type SurveyQuestionRecord } from "./types";

/** A questionnaire's limits: the API schema states the same. */
export const SURVEY_LIMITS = {
  questions: 50,
  questionText: 500,
  minOptions: 2,
  maxOptions: 20,
  optionText: 200,
  answerText: 2_000,
  scaleMin: 1,
  scaleMax: 10,
  /** The summary's latest text answers, per question. */
  latestTexts: 5,
} as const;

export const QUESTION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface QuestionInput {
  id: string;
  text: string;
  kind: string;
  options: string[];
}

/** Checks a questionnaire and returns it trimmed; errors name the field (`questions.2.options`). */
export function checkQuestions(questions: readonly QuestionInput[]): SurveyQuestionRecord[] {
  if (questions.length === 0) throw new InvalidArgument("questions", "a survey has at least one question");
  if (questions.length > SURVEY_LIMITS.questions) throw new InvalidArgument("questions", `at most ${SURVEY_LIMITS.questions} questions`);
  const seen = new Set<string>();
  return questions.map((q, i) => {
    const at = `questions.${i}`;
    const id = q.id.trim();
    if (!QUESTION_ID_PATTERN.test(id)) throw new InvalidArgument(`${at}.id`, "must be 1-64 letters, digits, '-' or '_'");
    if (seen.has(id)) throw new InvalidArgument(`${at}.id`, "is used by another question");
    seen.add(id);
    const text = q.text.trim();
    if (!text) throw new InvalidArgument(`${at}.text`, "is required");
    if (text.length > SURVEY_LIMITS.questionText) throw new InvalidArgument(`${at}.text`, `at most ${SURVEY_LIMITS.questionText} characters`);
    if (!(SURVEY_QUESTION_KINDS as readonly string[]).includes(q.kind)) throw new InvalidArgument(`${at}.kind`, `must be one of ${SURVEY_QUESTION_KINDS.join(", ")}`);
    const kind = q.kind as SurveyQuestionKind;
    const options = q.options.map((o) => o.trim());
    if (kind === "single" || kind === "multiple") {
      if (options.length < SURVEY_LIMITS.minOptions || options.length > SURVEY_LIMITS.maxOptions) {
        throw new InvalidArgument(`${at}.options`, `a choice question offers ${SURVEY_LIMITS.minOptions} to ${SURVEY_LIMITS.maxOptions} options`);
      }
      options.forEach((o, j) => {
        if (!o || o.length > SURVEY_LIMITS.optionText) throw new InvalidArgument(`${at}.options.${j}`, `must be 1 to ${SURVEY_LIMITS.optionText} characters`);
        if (options.indexOf(o) !== j) throw new InvalidArgument(`${at}.options.${j}`, "is listed twice");
      });
    } else if (options.length > 0) {
      throw new InvalidArgument(`${at}.options`, `a ${kind} question offers no options`);
    }
    return { id, text, kind, options };
  });
}

export interface AnswerInput {
  questionId: string;
  choices: string[];
  scale: number;
  text: string;
}

/**
 * Checks one respondent's answers against the questions: each names a question once, a choice
 * is one offered (exactly one for a single choice), a scale is 1-10, a text at most 2,000
 * characters. Unanswered questions are allowed. Errors name the field (`answers.3.scale`).
 */
export function checkAnswers(questions: readonly SurveyQuestionRecord[], answers: readonly AnswerInput[]): SurveyAnswerRecord[] {
  if (answers.length === 0) throw new InvalidArgument("answers", "answer at least one question");
  const byId = new Map(questions.map((q) => [q.id, q]));
  const answered = new Set<string>();
  return answers.map((a, i) => {
    const at = `answers.${i}`;
    const q = byId.get(a.questionId);
    if (!q) throw new InvalidArgument(`${at}.question_id`, `the survey has no question ${JSON.stringify(a.questionId)}`);
    if (answered.has(q.id)) throw new InvalidArgument(`${at}.question_id`, "is answered twice");
    answered.add(q.id);
    const empty: SurveyAnswerRecord = { questionId: q.id, choices: [], scale: 0, text: "" };
    const onlyIn = (field: "choices" | "scale" | "text") => {
      if (field !== "choices" && a.choices.length > 0) throw new InvalidArgument(`${at}.choices`, `a ${q.kind} question takes no choices`);
      if (field !== "scale" && a.scale) throw new InvalidArgument(`${at}.scale`, `a ${q.kind} question takes no scale`);
      if (field !== "text" && a.text.trim()) throw new InvalidArgument(`${at}.text`, `a ${q.kind} question takes no text`);
    };
    switch (q.kind) {
      case "single":
      case "multiple": {
        onlyIn("choices");
        const choices = a.choices.map((c) => c.trim());
        if (choices.length === 0) throw new InvalidArgument(`${at}.choices`, "choose an option");
        if (q.kind === "single" && choices.length > 1) throw new InvalidArgument(`${at}.choices`, "a single choice question takes one option");
        choices.forEach((c, j) => {
          if (!q.options.includes(c)) throw new InvalidArgument(`${at}.choices.${j}`, `is not an option of question ${q.id}`);
          if (choices.indexOf(c) !== j) throw new InvalidArgument(`${at}.choices.${j}`, "is chosen twice");
        });
        return { ...empty, choices };
      }
      case "scale":
        onlyIn("scale");
        if (!Number.isInteger(a.scale) || a.scale < SURVEY_LIMITS.scaleMin || a.scale > SURVEY_LIMITS.scaleMax) {
          throw new InvalidArgument(`${at}.scale`, `must be a whole number from ${SURVEY_LIMITS.scaleMin} to ${SURVEY_LIMITS.scaleMax}`);
        }
        return { ...empty, scale: a.scale };
      case "text": {
        onlyIn("text");
        const text = a.text.trim();
        if (!text) throw new InvalidArgument(`${at}.text`, "is required");
        if (text.length > SURVEY_LIMITS.answerText) throw new InvalidArgument(`${at}.text`, `at most ${SURVEY_LIMITS.answerText} characters`);
        return { ...empty, text };
      }
    }
  });
}

export interface QuestionTally {
  questionId: string;
  kind: SurveyQuestionKind;
  answered: number;
  /** Choice questions: every option, in the question's order, with its count. */
  choices: { option: string; count: number }[];
  /** Scale questions: the average with 2 decimals ("7.25"), "" without answers. */
  average: string;
  /** Text questions: the latest answers, newest first. */
  latestTexts: string[];
}

export interface SurveyTally {
  respondents: number;
  questions: QuestionTally[];
}

/**
 * Sums answer sets into the summary. Feed them newest first (the latest texts are the first
 * seen). The average is rounded half up on the exact sum, not on floats.
 */
export class SurveyTallier {
  private respondents = 0;
  private readonly tallies: Map<string, QuestionTally & { sum: number }>;

  constructor(private readonly questions: readonly SurveyQuestionRecord[]) {
    this.tallies = new Map(
      questions.map((q) => [q.id, { questionId: q.id, kind: q.kind, answered: 0, choices: q.options.map((option) => ({ option, count: 0 })), average: "", latestTexts: [], sum: 0 }]),
    );
  }

  add(answers: readonly SurveyAnswerRecord[]): void {
    this.respondents++;
    for (const a of answers) {
      const t = this.tallies.get(a.questionId);
      // An answer to a question since removed from the survey is not summarised.
      if (!t) continue;
      t.answered++;
      if (t.kind === "scale") t.sum += a.scale;
      else if (t.kind === "text" && t.latestTexts.length < SURVEY_LIMITS.latestTexts) t.latestTexts.push(a.text);
      else for (const c of a.choices) {
        const row = t.choices.find((x) => x.option === c);
        if (row) row.count++;
      }
    }
  }

  result(): SurveyTally {
    return {
      respondents: this.respondents,
      questions: this.questions.map((q) => {
        const { sum, ...t } = this.tallies.get(q.id)!;
        return { ...t, average: t.kind === "scale" && t.answered > 0 ? averageOf(sum, t.answered) : "" };
      }),
    };
  }
}

/** sum / count with 2 decimals, half up, in integers (no float drift: 7.125 → "7.13"). */
export function averageOf(sum: number, count: number): string {
  const hundredths = Math.floor((sum * 200 + count) / (2 * count));
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, "0")}`;
}
