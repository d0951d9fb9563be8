import type { Survey, SurveyAnswerSet, SurveySummary } from "@relata/proto/marketing/v1/survey";
import { DateTime, Id, named, orNull, relation, stateDependent, text } from "@relata/platform/http";
import { unique } from "@relata/platform/resource";
import { z } from "zod";
import { QUESTION_ID_PATTERN, SURVEY_LIMITS } from "../../domain/survey";
import { SURVEY_QUESTION_KINDS, type SurveyQuestionKind } from "../../domain/types";

/** The REST shapes of a campaign's survey. */

const QuestionKind = z.enum(SURVEY_QUESTION_KINDS).meta({ description: "single or multiple choice, a scale of 1 to 10, or free text." });
const QuestionId = z.string().regex(QUESTION_ID_PATTERN, "must be 1-64 letters, digits, '-' or '_'");

const QuestionInput = z.strictObject({
  id: QuestionId.meta(unique("each question's id once in the survey")),
  text: text(SURVEY_LIMITS.questionText),
  kind: QuestionKind,
  options: z
    .array(text(SURVEY_LIMITS.optionText).meta(unique("each option once in its question, after trimming")))
    .max(SURVEY_LIMITS.maxOptions)
    .optional()
    .meta({
      description: `A choice question's options (${SURVEY_LIMITS.minOptions}-${SURVEY_LIMITS.maxOptions}); none for scale and text.`,
      ...relation(`${SURVEY_LIMITS.minOptions} to ${SURVEY_LIMITS.maxOptions} for a single or multiple choice question, none for scale and text`),
    }),
});

export const SurveyInput = named(
  "SurveyInput",
  z.strictObject({ questions: z.array(QuestionInput).min(1, "a survey has at least one question").max(SURVEY_LIMITS.questions) }),
);

export const SurveyJson = named(
  "Survey",
  z.object({
    campaignId: Id,
    questions: z.array(z.object({ id: z.string(), text: z.string(), kind: QuestionKind, options: z.array(z.string()) })),
    version: z.number().int(),
    updatedAt: DateTime,
  }),
);

export function surveyJson(s: Survey): z.output<typeof SurveyJson> {
  return {
    campaignId: s.campaignId,
    questions: s.questions.map((q) => ({ id: q.id, text: q.text, kind: q.kind as SurveyQuestionKind, options: q.options })),
    version: Number(s.version),
    updatedAt: s.updatedAt ?? "",
  };
}

const ANSWERS_THE_QUESTION = "must fit the question it answers: the field of its kind, an option it offers";
const Answer = z.strictObject({
  questionId: QuestionId.meta({ ...stateDependent("a question of the campaign's survey"), ...unique("each question answered once") }),
  choices: z
    .array(z.string().meta(stateDependent("an option the question offers")))
    .max(SURVEY_LIMITS.maxOptions)
    .optional()
    .meta({ description: "Single choice: one option; multiple choice: one or more.", ...stateDependent(ANSWERS_THE_QUESTION) }),
  scale: z.number().int().min(SURVEY_LIMITS.scaleMin).max(SURVEY_LIMITS.scaleMax).optional().meta({ description: "A scale question's answer.", ...stateDependent(ANSWERS_THE_QUESTION) }),
  text: z.string().max(SURVEY_LIMITS.answerText).optional().meta({ description: "A text question's answer.", ...stateDependent(ANSWERS_THE_QUESTION) }),
});

export const SurveyAnswersInput = named(
  "SurveyAnswersInput",
  z.strictObject({
    personId: Id.optional().meta({ description: "A member of the campaign; or", ...stateDependent("a member of the campaign"), ...relation("one of personId and respondentKey") }),
    respondentKey: text(200)
      .optional()
      .meta({ description: "a key of a respondent the audience does not know (a web form's): one of the two.", ...relation("one of personId and respondentKey") }),
    answers: z.array(Answer).min(1, "answer at least one question").max(SURVEY_LIMITS.questions),
  }),
);

export const SurveyAnswerSetJson = named(
  "SurveyAnswerSet",
  z.object({
    campaignId: Id,
    personId: z.string().nullable(),
    respondentKey: z.string().nullable(),
    answers: z.array(z.object({ questionId: z.string(), choices: z.array(z.string()), scale: z.number().int().nullable(), text: z.string().nullable() })),
    answeredAt: DateTime,
  }),
);

export function surveyAnswerSetJson(a: SurveyAnswerSet): z.output<typeof SurveyAnswerSetJson> {
  return {
    campaignId: a.campaignId,
    personId: orNull(a.personId),
    respondentKey: orNull(a.respondentKey),
    answers: a.answers.map((x) => ({ questionId: x.questionId, choices: x.choices, scale: x.scale || null, text: orNull(x.text) })),
    answeredAt: a.answeredAt ?? "",
  };
}

export const SurveySummaryJson = named(
  "SurveySummary",
  z.object({
    campaignId: Id,
    respondents: z.number().int(),
    questions: z.array(
      z.object({
        questionId: z.string(),
        kind: QuestionKind,
        answered: z.number().int(),
        choices: z.array(z.object({ option: z.string(), count: z.number().int() })).meta({ description: "Choice questions: every option with its count." }),
        average: z.string().nullable().meta({ description: 'Scale questions: the average, 2 decimals ("7.33"); null without answers or for other kinds.' }),
        latestTexts: z.array(z.string()).meta({ description: "Text questions: the latest answers (up to 5), newest first." }),
      }),
    ),
  }),
);

export function surveySummaryJson(s: SurveySummary): z.output<typeof SurveySummaryJson> {
  return {
    campaignId: s.campaignId,
    respondents: Number(s.respondents),
    questions: s.questions.map((q) => ({
      questionId: q.questionId,
      kind: q.kind as SurveyQuestionKind,
      answered: Number(q.answered),
      choices: q.choices.map((c) => ({ option: c.option, count: Number(c.count) })),
      average: orNull(q.average),
      latestTexts: q.latestTexts,
    })),
  };
}
