import { status as GrpcStatus } from "@grpc/grpc-js";
import { connectMongo, createLogger, type EventBus } from "@relata/platform";
import { CampaignAction, CreateCampaignRequest } from "@relata/proto/marketing/v1/campaign";
import { Channel } from "@relata/proto/marketing/v1/channel";
import type { SurveyAnswer } from "@relata/proto/marketing/v1/survey";
import { localStack, testServerPort } from "@relata/testing";
import { memberId } from "../../src/store/campaign-members";
import { as, asPartner, connectBus, dropDatabase, failureOf, marketingClientsAt, runId, startMarketingProcess, type MarketingClients, type MarketingProcess } from "./support";

// A campaign's survey through gRPC against the built process and real FerretDB.
jest.setTimeout(60_000);

const run = runId();
const acme = `acme-${run}`;
const globex = `globex-${run}`;
const marketer = as(acme, "mia", ["marketer"]);
const manager = as(acme, "sam", ["sales-manager"]);
const stranger = as(globex, "gus", ["marketer"]);

let marketing: MarketingProcess;
let clients: MarketingClients;
let bus: EventBus;

beforeAll(async () => {
  marketing = await startMarketingProcess({ port: testServerPort(426) });
  clients = marketingClientsAt(marketing.address);
  bus = await connectBus("marketing-survey-test");
});

afterAll(async () => {
  clients?.close();
  await marketing?.stop();
  await bus?.jsm.consumers.delete("MARKETING", `marketing-campaign-clock-${marketing.database}`.slice(0, 64)).catch(() => undefined);
  await bus?.close();
  if (marketing) await dropDatabase(marketing.database);
});

const QUESTIONS = [
  { id: "colour", text: "Favourite colour?", kind: "single", options: ["Red", "Blue"] },
  { id: "heard", text: "Where did you hear of us?", kind: "multiple", options: ["Web", "Fair", "Friends"] },
  { id: "likely", text: "How likely are you to recommend us?", kind: "scale", options: [] },
  { id: "wish", text: "What should we build next?", kind: "text", options: [] },
];
const answer = (questionId: string, over: Partial<SurveyAnswer>): SurveyAnswer => ({ questionId, choices: [], scale: 0, text: "", ...over });

async function draftWithSurvey() {
  const draft = await clients.campaigns.createCampaign(CreateCampaignRequest.fromPartial({ name: "Research", channels: { values: [Channel.CHANNEL_EMAIL] } }), marketer);
  const survey = await clients.surveys.putSurvey({ campaignId: draft.id, questions: QUESTIONS }, marketer);
  return { draft, survey };
}

async function launchWithMember(campaignId: string, version: string, personId: string) {
  await clients.campaigns.transitionCampaign({ id: campaignId, expectedVersion: version, action: CampaignAction.CAMPAIGN_ACTION_LAUNCH }, marketer);
  // A member as the launch fixes them (this campaign has no targets, so none came from the audience).
  const db = await connectMongo(`${localStack.ferretdbUri}/${marketing.database}`, createLogger("survey-test", "silent"));
  try {
    await db.collection("campaign_members").insertOne({
      _id: memberId(acme, campaignId, personId),
      tenantId: acme,
      campaignId,
      personId,
      kind: "lead",
      firstName: "Ada",
      lastName: "Lovelace",
      email: "ada@example.com",
      phone: "",
      channels: ["email"],
      addedAt: new Date(),
    } as never);
  } finally {
    await db.close();
  }
}

test("a questionnaire is set while the campaign is a draft, answered once per respondent while it runs, and summarised", async () => {
  const { draft, survey } = await draftWithSurvey();
  expect(survey.version).toBe("1");
  expect((await clients.surveys.getSurvey({ campaignId: draft.id }, manager)).questions.map((q) => q.id)).toEqual(["colour", "heard", "likely", "wish"]);
  const early = await failureOf(clients.surveys.submitSurveyAnswers({ campaignId: draft.id, personId: "", respondentKey: "web-1", answers: [answer("likely", { scale: 5 })] }, marketer));
  expect([early.code, early.field]).toEqual([GrpcStatus.ABORTED, "status"]);

  await launchWithMember(draft.id, draft.version, "lead-1");
  const frozen = await failureOf(clients.surveys.putSurvey({ campaignId: draft.id, questions: QUESTIONS }, marketer));
  expect([frozen.code, frozen.field]).toEqual([GrpcStatus.ABORTED, "status"]);

  const byMember = await clients.surveys.submitSurveyAnswers(
    { campaignId: draft.id, personId: "lead-1", respondentKey: "", answers: [answer("colour", { choices: ["Blue"] }), answer("likely", { scale: 9 }), answer("wish", { text: "An app" })] },
    marketer,
  );
  expect(byMember.personId).toBe("lead-1");
  // A partner's web form posts with marketing:write.
  await clients.surveys.submitSurveyAnswers(
    { campaignId: draft.id, personId: "", respondentKey: "form-77", answers: [answer("colour", { choices: ["Blue"] }), answer("heard", { choices: ["Web", "Fair"] }), answer("likely", { scale: 7 })] },
    asPartner(acme),
  );
  await clients.surveys.submitSurveyAnswers({ campaignId: draft.id, personId: "", respondentKey: "form-78", answers: [answer("colour", { choices: ["Red"] }), answer("likely", { scale: 6 })] }, marketer);

  const again = await failureOf(clients.surveys.submitSurveyAnswers({ campaignId: draft.id, personId: "lead-1", respondentKey: "", answers: [answer("likely", { scale: 1 })] }, marketer));
  expect([again.code, again.field]).toEqual([GrpcStatus.ALREADY_EXISTS, "person_id"]);
  expect((await failureOf(clients.surveys.submitSurveyAnswers({ campaignId: draft.id, personId: "stranger-9", respondentKey: "", answers: [answer("likely", { scale: 1 })] }, marketer))).field).toBe(
    "person_id",
  );
  const outOfScale = await failureOf(
    clients.surveys.submitSurveyAnswers(
      { campaignId: draft.id, personId: "", respondentKey: "form-79", answers: [answer("colour", { choices: ["Red"] }), answer("heard", { choices: ["Web"] }), answer("wish", { text: "x" }), answer("likely", { scale: 11 })] },
      marketer,
    ),
  );
  expect([outOfScale.code, outOfScale.field]).toEqual([GrpcStatus.INVALID_ARGUMENT, "answers.3.scale"]);
  const notOffered = await failureOf(clients.surveys.submitSurveyAnswers({ campaignId: draft.id, personId: "", respondentKey: "form-79", answers: [answer("colour", { choices: ["Green"] })] }, marketer));
  expect(notOffered.field).toBe("answers.0.choices.0");

  const summary = await clients.surveys.getSurveySummary({ campaignId: draft.id }, manager);
  expect(summary.respondents).toBe("3");
  const [colour, heard, likely, wish] = summary.questions;
  expect(colour!.choices).toEqual([
    { option: "Red", count: "1" },
    { option: "Blue", count: "2" },
  ]);
  expect(heard!.choices.map((c) => c.count)).toEqual(["1", "1", "0"]);
  expect(likely).toMatchObject({ answered: "3", average: "7.33" });
  expect(wish).toMatchObject({ answered: "1", latestTexts: ["An app"] });
});

test("a questionnaire that does not hold together is refused, naming the field", async () => {
  const draft = await clients.campaigns.createCampaign(CreateCampaignRequest.fromPartial({ name: "Bad survey" }), marketer);
  const oneOption = await failureOf(clients.surveys.putSurvey({ campaignId: draft.id, questions: [{ id: "q1", text: "Yes?", kind: "single", options: ["Yes"] }] }, marketer));
  expect([oneOption.code, oneOption.field]).toEqual([GrpcStatus.INVALID_ARGUMENT, "questions.0.options"]);
  expect((await failureOf(clients.surveys.getSurvey({ campaignId: draft.id }, marketer))).code).toBe(GrpcStatus.NOT_FOUND);
});

test("another tenant can neither set, read, answer nor summarise a campaign's survey", async () => {
  const { draft } = await draftWithSurvey();
  expect((await failureOf(clients.surveys.putSurvey({ campaignId: draft.id, questions: QUESTIONS }, stranger))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await failureOf(clients.surveys.getSurvey({ campaignId: draft.id }, stranger))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await failureOf(clients.surveys.getSurveySummary({ campaignId: draft.id }, stranger))).code).toBe(GrpcStatus.NOT_FOUND);
  expect(
    (await failureOf(clients.surveys.submitSurveyAnswers({ campaignId: draft.id, personId: "", respondentKey: "k", answers: [answer("likely", { scale: 3 })] }, asPartner(globex)))).code,
  ).toBe(GrpcStatus.NOT_FOUND);
  expect((await clients.surveys.getSurvey({ campaignId: draft.id }, marketer)).version).toBe("1");
});
