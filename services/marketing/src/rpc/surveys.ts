import { AlreadyExists, id, implement, InvalidArgument, isDuplicateKey, NotFound, StateConflict, validate, type ServiceRegistration } from "@relata/platform";
import { SurveyServiceService, type Survey, type SurveyAnswerSet } from "@relata/proto/marketing/v1/survey";
import { z } from "zod";
import { checkAnswers, checkQuestions } from "../domain/survey";
import type { SurveyAnswerSetRecord, SurveyRecord } from "../domain/types";
import { memberId } from "../store/campaign-members";
import { surveyId, surveySummary } from "../workflows/survey-summary";
import { toSurveySummary } from "../codec/mappers";
import type { MarketingDeps } from "./context";

const list = <T extends z.ZodType>(item: T) => z.array(item, { error: "must be a list" }).default([]);
const str = z.string({ error: "must be a string" }).default("");

const PutSurveyInput = z.object({
  campaignId: id(),
  questions: list(z.object({ id: str, text: str, kind: str, options: list(z.string({ error: "must be a string" })) })),
});
const GetSurveyInput = z.object({ campaignId: id() });
const SubmitSurveyAnswersInput = z.object({
  campaignId: id(),
  personId: z.string().trim().max(64, "at most 64 characters").default(""),
  respondentKey: z.string().trim().max(200, "at most 200 characters").default(""),
  answers: list(z.object({ questionId: str, choices: list(z.string({ error: "must be a string" })), scale: z.number().int().default(0), text: str })),
});

/** The request schemas, by RPC (exported for tests). */
export const surveySchemas = { putSurvey: PutSurveyInput, getSurvey: GetSurveyInput, submitSurveyAnswers: SubmitSurveyAnswersInput, getSurveySummary: GetSurveyInput };

const toSurvey = (r: SurveyRecord): Survey => ({ campaignId: r.campaignId, questions: r.questions, version: String(r.version), updatedAt: r.updatedAt.toISOString() });
const toAnswerSet = (r: SurveyAnswerSetRecord): SurveyAnswerSet => ({
  campaignId: r.campaignId,
  personId: r.personId,
  respondentKey: r.respondentKey,
  answers: r.answers,
  answeredAt: r.answeredAt.toISOString(),
});

/**
 * A campaign's survey (docs/marketing.md): the questionnaire, set while the campaign is a draft
 * or scheduled; one answer set per respondent (a unique insert: a second is a 409) while it
 * runs; the summary.
 */
export function surveyService(deps: MarketingDeps): ServiceRegistration {
  const { repos, models, logger } = deps;
  return implement(
    SurveyServiceService,
    {
      putSurvey: async (request, ctx) => {
        const input = validate(PutSurveyInput, request);
        const c = await repos.campaigns.in(ctx).get(input.campaignId);
        if (c.status !== "draft" && c.status !== "scheduled") throw new StateConflict(`the survey of a campaign that is ${c.status} no longer changes (only while draft or scheduled)`, "status");
        const questions = checkQuestions(input.questions);
        const _id = surveyId(c.tenantId, c._id);
        // Last writer wins, each write a new version: a questionnaire is edited by one marketer at a time.
        const current = await models.surveys.findOne({ _id, tenantId: c.tenantId }).lean<SurveyRecord>();
        const next: SurveyRecord = { _id, tenantId: c.tenantId, campaignId: c._id, questions, version: (current?.version ?? 0) + 1, updatedAt: new Date() };
        await models.surveys.replaceOne({ _id, tenantId: c.tenantId }, next, { upsert: true });
        return toSurvey(next);
      },

      getSurvey: async (request, ctx) => {
        const input = validate(GetSurveyInput, request);
        const c = await repos.campaigns.in(ctx).get(input.campaignId);
        const survey = await models.surveys.findOne({ _id: surveyId(c.tenantId, c._id), tenantId: c.tenantId }).lean<SurveyRecord>();
        if (!survey) throw new NotFound("survey", c._id, `campaign ${c._id} has no survey`);
        return toSurvey(survey);
      },

      submitSurveyAnswers: async (request, ctx) => {
        const input = validate(SubmitSurveyAnswersInput, request);
        if (!input.personId === !input.respondentKey) throw new InvalidArgument("person_id", "give either person_id (a member) or respondent_key, one of the two");
        const c = await repos.campaigns.in(ctx).get(input.campaignId);
        if (c.status !== "running") throw new StateConflict(`campaign ${c._id} is ${c.status}: its survey is answered while it is running`, "status");
        const survey = await models.surveys.findOne({ _id: surveyId(c.tenantId, c._id), tenantId: c.tenantId }).lean<SurveyRecord>();
        if (!survey) throw new StateConflict(`campaign ${c._id} has no survey`, "campaign_id");
        if (input.personId && !(await models.campaignMembers.exists({ _id: memberId(c.tenantId, c._id, input.personId), tenantId: c.tenantId }))) {
          throw new InvalidArgument("person_id", `is not a member of campaign ${c._id}`);
        }
        const answers = checkAnswers(survey.questions, input.answers);
        const respondent = input.personId ? `person:${input.personId}` : `key:${input.respondentKey}`;
        const record: SurveyAnswerSetRecord = {
          _id: `${c.tenantId}/${c._id}:${respondent}`,
          tenantId: c.tenantId,
          campaignId: c._id,
          personId: input.personId,
          respondentKey: input.respondentKey,
          answers,
          answeredAt: new Date(),
        };
        try {
          await models.surveyAnswers.create(record);
        } catch (err) {
          if (isDuplicateKey(err)) throw new AlreadyExists(`respondent ${input.personId || input.respondentKey} has already answered the survey of campaign ${c._id}`, input.personId ? "person_id" : "respondent_key");
          throw err;
        }
        return toAnswerSet(record);
      },

      getSurveySummary: async (request, ctx) => {
        const input = validate(GetSurveyInput, request);
        const c = await repos.campaigns.in(ctx).get(input.campaignId);
        const summary = await surveySummary(models, c.tenantId, c._id);
        if (!summary) throw new NotFound("survey", c._id, `campaign ${c._id} has no survey`);
        return toSurveySummary(c._id, summary);
      },
    },
    logger,
  );
}
