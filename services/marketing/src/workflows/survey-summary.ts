import { SurveyTallier, type SurveyTally } from "../domain/survey";
import type { SurveyAnswerSetRecord, SurveyRecord } from "../domain/types";
import type { MarketingModels } from "../store/models";

export const surveyId = (tenantId: string, campaignId: string) => `${tenantId}/${campaignId}`;

/**
 * The summary of a campaign's survey: respondents, per choice question the count of each
 * option, per scale question the average (2 decimals), per text question how many answered and
 * the latest few answers. Null when the campaign has no survey. The campaign's results call it
 * for their `survey` field; the caller has already checked the campaign is the tenant's.
 *
 * It reads the campaign's answer sets once, newest first, through a cursor (nothing counted by
 * the database): fine for a survey's thousands of respondents, not meant for 100,000.
 */
export async function surveySummary(models: Pick<MarketingModels, "surveys" | "surveyAnswers">, tenantId: string, campaignId: string): Promise<SurveyTally | null> {
  const survey = await models.surveys.findOne({ _id: surveyId(tenantId, campaignId), tenantId }).lean<SurveyRecord>();
  if (!survey) return null;
  const tallier = new SurveyTallier(survey.questions);
  const cursor = models.surveyAnswers.find({ tenantId, campaignId }, { answers: 1 }).sort({ answeredAt: -1, _id: -1 }).batchSize(1_000).lean<SurveyAnswerSetRecord>().cursor();
  for await (const set of cursor) tallier.add((set as SurveyAnswerSetRecord).answers);
  return tallier.result();
}
