import { IdParams, ok, route, type RouteSpec } from "@relata/platform/http";
import type { MarketingClients } from "../../client";
import { SurveyAnswerSetJson, surveyAnswerSetJson, SurveyAnswersInput, SurveyInput, SurveyJson, surveyJson, SurveySummaryJson, surveySummaryJson } from "../schemas/survey";

/** A campaign's survey: the questionnaire, its answers, its summary. */
export function surveyRoutes(marketing: MarketingClients): RouteSpec[] {
  return [
    route({
      operationId: "putCampaignSurvey",
      method: "put",
      path: "/v1/campaigns/:id/survey",
      operation: "campaigns.survey.write",
      tag: "Campaigns",
      summary: "Set a campaign's questionnaire (while it is a draft or scheduled)",
      description: "Replaces the questions. 409 once the campaign is running.",
      params: IdParams,
      body: SurveyInput,
      responses: { 200: ok(SurveyJson, "The survey.") },
      handler: async (ctx) => {
        const s = await marketing.surveys.putSurvey(
          { campaignId: ctx.params.id, questions: ctx.body.questions.map((q) => ({ id: q.id, text: q.text, kind: q.kind, options: q.options ?? [] })) },
          ctx.call,
        );
        return { body: surveyJson(s), version: s.version };
      },
    }),
    route({
      operationId: "getCampaignSurvey",
      method: "get",
      path: "/v1/campaigns/:id/survey",
      operation: "campaigns.survey.read",
      tag: "Campaigns",
      summary: "A campaign's questionnaire (404 when it has none)",
      params: IdParams,
      responses: { 200: ok(SurveyJson, "The survey.") },
      handler: async (ctx) => {
        const s = await marketing.surveys.getSurvey({ campaignId: ctx.params.id }, ctx.call);
        return { body: surveyJson(s), version: s.version };
      },
    }),
    route({
      operationId: "answerCampaignSurvey",
      method: "post",
      path: "/v1/campaigns/:id/survey/answers",
      operation: "campaigns.survey.answer",
      tag: "Campaigns",
      summary: "Record one respondent's answers (a member, or a web form's respondent key), once",
      description:
        "While the campaign runs. Each answer must name a question of the survey once, choose options it offers (one for a single choice), keep a scale within 1-10: otherwise a 400 naming the answer (answers.3.scale). A respondent who already answered is a 409: answers are not replaced. Partner web forms post with marketing:write.",
      params: IdParams,
      body: SurveyAnswersInput,
      responses: { 201: { description: "Recorded.", schema: SurveyAnswerSetJson } },
      handler: async (ctx) => {
        const a = await marketing.surveys.submitSurveyAnswers(
          {
            campaignId: ctx.params.id,
            personId: ctx.body.personId ?? "",
            respondentKey: ctx.body.respondentKey ?? "",
            answers: ctx.body.answers.map((x) => ({ questionId: x.questionId, choices: x.choices ?? [], scale: x.scale ?? 0, text: x.text ?? "" })),
          },
          ctx.call,
        );
        return { status: 201, body: surveyAnswerSetJson(a) };
      },
    }),
    route({
      operationId: "getCampaignSurveySummary",
      method: "get",
      path: "/v1/campaigns/:id/survey/summary",
      operation: "campaigns.survey.summary",
      tag: "Campaigns",
      summary: "The survey's answers summarised: counts per choice, average of scales, the latest texts",
      params: IdParams,
      responses: { 200: { description: "The summary.", schema: SurveySummaryJson } },
      handler: async (ctx) => ({ body: surveySummaryJson(await marketing.surveys.getSurveySummary({ campaignId: ctx.params.id }, ctx.call)) }),
    }),
  ];
}
