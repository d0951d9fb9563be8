import { status as GrpcStatus } from "@grpc/grpc-js";
import type { EventBus } from "@relata/platform";
import { LeadScored, ResponseRecorded } from "@relata/proto/events/v1/marketing";
import { LeadChanged } from "@relata/proto/events/v1/sales";
import { CreateCampaignRequest } from "@relata/proto/marketing/v1/campaign";
import { RecordResponseRequest, ResponseType } from "@relata/proto/marketing/v1/response";
import { CreateScoringRuleRequest, ScoringAttribute, ScoringOperator, ScoringRuleKind } from "@relata/proto/marketing/v1/scoring";
import { LeadSource, LeadStatus } from "@relata/proto/sales/v1/lead";
import { createDurableFromNow, testServerPort } from "@relata/testing";
import mongoose, { type Connection } from "mongoose";
import { randomUUID } from "node:crypto";
import { leadIdOfResponse } from "../../src/domain/score";
import { SALES_STREAM } from "../../src/events/stream";
import { as, asPartner, connectBus, dropDatabase, eventually, failureOf, marketingClientsAt, nextSequence, readStream, runId, startMarketingProcess, type MarketingClients, type MarketingProcess } from "./support";
import { localStack } from "@relata/testing";

// Responses to campaigns and the lead scores they make, through a real Marketing process.
jest.setTimeout(90_000);

const run = runId();
const acme = `acme-${run}`;
const globex = `globex-${run}`;
const marketer = as(acme, "mia", ["marketer"]);
const reader = as(acme, "sam", ["sales-manager"]);
const scoringDurable = `marketing-lead-scoring-it-${run}`;

let marketing: MarketingProcess;
let clients: MarketingClients;
let bus: EventBus;
let db: Connection;

beforeAll(async () => {
  bus = await connectBus("marketing-responses-test");
  // This file's own scoring durables, from now on (never another run's history).
  await createDurableFromNow(bus, SALES_STREAM, scoringDurable, ["sales.lead.>"]);
  marketing = await startMarketingProcess({ port: testServerPort(450), env: { LEAD_SCORING_DURABLE: scoringDurable } });
  clients = marketingClientsAt(marketing.address);
  db = await mongoose.createConnection(`${localStack.ferretdbUri}/${marketing.database}`).asPromise();
});

afterAll(async () => {
  clients?.close();
  await marketing?.stop();
  for (const d of [scoringDurable]) await bus?.jsm.consumers.delete("SALES", d).catch(() => undefined);
  await bus?.jsm.consumers.delete("MARKETING", `${scoringDurable}-responses`).catch(() => undefined);
  await bus?.close();
  await db?.close();
  if (marketing) await dropDatabase(marketing.database);
});

const record = (request: Partial<RecordResponseRequest>, who: { identity: unknown }) =>
  clients.responses.recordResponse(RecordResponseRequest.fromPartial(request), who as Parameters<typeof clients.responses.recordResponse>[1]);

async function runningCampaign(tenant = acme) {
  const c = await clients.campaigns.createCampaign(CreateCampaignRequest.fromPartial({ name: `Webinar ${randomUUID()}` }), as(tenant, "mia", ["marketer"]));
  // The campaigns area owns the lifecycle; here the status is set as a launch leaves it, once the
  // relay has taken the created event out of the document (FerretDB would let one of two
  // concurrent updates of a document undo the other).
  const campaigns = db.collection<{ _id: string; outbox?: unknown[]; status: string }>("campaigns");
  await eventually(() => campaigns.findOne({ _id: c.id }), (d) => !!d && !d.outbox?.length, "the campaign's created event published");
  await campaigns.updateOne({ _id: c.id }, { $set: { status: "running" } });
  return c;
}

async function member(campaignId: string, personId: string, kind: "contact" | "lead", tenant = acme) {
  await db.collection("campaign_members").insertOne({
    _id: `${tenant}/${campaignId}:${personId}` as never,
    tenantId: tenant,
    campaignId,
    personId,
    kind,
    firstName: "Grace",
    lastName: "Hopper",
    email: "grace@example.com",
    phone: "",
    channels: ["email"],
    addedAt: new Date(),
  });
}

test("a response is recorded only while the campaign runs, by a member or a web form's respondent, once per Idempotency-Key, and reported with the respondent", async () => {
  const draft = await clients.campaigns.createCampaign(CreateCampaignRequest.fromPartial({ name: "Draft" }), marketer);
  const refused = await failureOf(record({ campaignId: draft.id, type: ResponseType.RESPONSE_TYPE_OPENED, personId: "p1" }, marketer));
  expect(refused.code).toBe(GrpcStatus.ABORTED);
  expect(refused.details).toContain("draft");

  const campaign = await runningCampaign();
  await member(campaign.id, "contact-1", "contact");

  const notMember = await failureOf(record({ campaignId: campaign.id, type: ResponseType.RESPONSE_TYPE_OPENED, personId: "stranger" }, marketer));
  expect(notMember.code).toBe(GrpcStatus.INVALID_ARGUMENT);
  expect(notMember.field).toBe("person_id");
  const nameless = await failureOf(
    record({ campaignId: campaign.id, type: ResponseType.RESPONSE_TYPE_INTERESTED, respondent: { firstName: "Ada", lastName: "", email: "", phone: "", company: "" } }, asPartner(acme)),
  );
  expect(nameless.code).toBe(GrpcStatus.INVALID_ARGUMENT);
  expect(nameless.field).toBe("respondent.last_name");
  const future = await failureOf(
    record({ campaignId: campaign.id, type: ResponseType.RESPONSE_TYPE_OPENED, personId: "contact-1", occurredAt: new Date(Date.now() + 3_600_000).toISOString() }, marketer),
  );
  expect(future.field).toBe("occurred_at");

  const from = await nextSequence(bus);
  const opened = await record({ campaignId: campaign.id, type: ResponseType.RESPONSE_TYPE_OPENED, personId: "contact-1" }, marketer);
  expect(opened.respondent).toMatchObject({ firstName: "Grace", lastName: "Hopper", email: "grace@example.com" });

  const form = { campaignId: campaign.id, type: ResponseType.RESPONSE_TYPE_INTERESTED, respondent: { firstName: "Ada", lastName: "Lovelace", email: "ADA@example.com", phone: "", company: "Engines" }, idempotencyKey: `form-${run}` };
  const interested = await record(form, asPartner(acme));
  const again = await record(form, asPartner(acme));
  expect(again.id).toBe(interested.id);
  expect(interested.respondent?.email).toBe("ada@example.com");
  expect(interested.recordedBy).toBe(`${acme}-partner`);

  const events = await eventually(
    async () => (await readStream(bus, from, "marketing.response.recorded", (d) => ResponseRecorded.decode(d).meta)).filter((e) => e.meta.tenantId === acme),
    (e) => e.length === 2,
    "both responses on the stream",
  );
  const decoded = events.map((e) => ResponseRecorded.decode(e.data));
  expect(decoded.find((e) => e.responseId === interested.id)).toMatchObject({ type: "interested", campaignId: campaign.id, personId: "", lastName: "Lovelace", company: "Engines" });
  expect(decoded.find((e) => e.responseId === opened.id)).toMatchObject({ type: "opened", personId: "contact-1", personKind: "contact", lastName: "Hopper" });

  const page = await clients.responses.listResponses({ campaignId: campaign.id, type: ResponseType.RESPONSE_TYPE_INTERESTED, page: undefined }, reader);
  expect(page.responses.map((r) => r.id)).toEqual([interested.id]);
  // Another tenant sees no such campaign, and cannot record on it.
  expect((await failureOf(clients.responses.listResponses({ campaignId: campaign.id, type: ResponseType.RESPONSE_TYPE_UNSPECIFIED, page: undefined }, as(globex, "gus", ["marketer"])))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await failureOf(record({ ...form, idempotencyKey: "" }, asPartner(globex)))).code).toBe(GrpcStatus.NOT_FOUND);
});

test("a lead's score adds its attribute and behaviour rules and reaches the stream when it changes", async () => {
  await clients.scoringRules.createScoringRule(
    CreateScoringRuleRequest.fromPartial({ name: "Retail", kind: ScoringRuleKind.SCORING_RULE_KIND_ATTRIBUTE, attribute: ScoringAttribute.SCORING_ATTRIBUTE_INDUSTRY, operator: ScoringOperator.SCORING_OPERATOR_EQUALS, values: { values: ["retail"] }, points: 10 }),
    marketer,
  );
  await clients.scoringRules.createScoringRule(
    CreateScoringRuleRequest.fromPartial({ name: "Interested", kind: ScoringRuleKind.SCORING_RULE_KIND_BEHAVIOUR, responseType: ResponseType.RESPONSE_TYPE_INTERESTED, points: 25, halfLifeDays: 30 }),
    marketer,
  );
  const badRule = await failureOf(clients.scoringRules.createScoringRule(CreateScoringRuleRequest.fromPartial({ name: "No type", kind: ScoringRuleKind.SCORING_RULE_KIND_BEHAVIOUR, points: 5 }), marketer));
  expect(badRule.field).toBe("response_type");

  const campaign = await runningCampaign();
  const from = await nextSequence(bus);
  const response = await record(
    { campaignId: campaign.id, type: ResponseType.RESPONSE_TYPE_INTERESTED, respondent: { firstName: "", lastName: "Curie", email: "", phone: "", company: "Radium" } },
    asPartner(acme),
  );
  // Sales makes the lead of the response (its id derived from the response's) and reports it; the
  // versions are high so that a Sales process running beside the test (whose own events about the
  // same lead would be versions 1 and 2) changes nothing here.
  const leadId = leadIdOfResponse(acme, response.id);
  const lead = { id: leadId, tenantId: acme, lastName: "Curie", company: "Radium", industry: "Retail", source: LeadSource.LEAD_SOURCE_MARKETING, status: LeadStatus.LEAD_STATUS_NEW, version: "5", campaignId: campaign.id };
  await bus.publish(
    "sales.lead.created",
    LeadChanged.encode({ meta: { id: randomUUID(), type: "sales.lead.created", tenantId: acme, entityId: leadId, actorId: "x", requestId: "", occurredAt: new Date().toISOString() }, lead: LeadChanged.fromPartial({ lead }).lead }).finish(),
    { msgId: randomUUID() },
  );

  const scoresOfLead = async () =>
    (await readStream(bus, from, "marketing.lead.scored", (d) => LeadScored.decode(d).meta)).filter((e) => e.meta.entityId === leadId).map((e) => LeadScored.decode(e.data));
  // The lead's event and the response's may be handled in either order: the score settles at 35.
  const scored = await eventually(scoresOfLead, (e) => e.at(-1)?.score === 35, "the lead's score of 35 on the stream");
  expect(scored.at(-1)).toMatchObject({ leadId, score: 35 });

  // A newer version of the lead outside retail: the attribute rule no longer counts, a later score goes out.
  const leadEvent = (version: string, industry: string) =>
    LeadChanged.encode({
      meta: { id: randomUUID(), type: "sales.lead.updated", tenantId: acme, entityId: leadId, actorId: "x", requestId: "", occurredAt: new Date().toISOString() },
      lead: LeadChanged.fromPartial({ lead: { ...lead, version, industry } }).lead,
    }).finish();
  await bus.publish("sales.lead.updated", leadEvent("7", "Banking"), { msgId: randomUUID() });
  const rescored = await eventually(scoresOfLead, (e) => e.length === scored.length + 1, "the lead's next score");
  expect(rescored.at(-1)!.score).toBe(25);
  expect(new Date(rescored.at(-1)!.scoredAt!).getTime()).toBeGreaterThan(new Date(scored.at(-1)!.scoredAt!).getTime());

  // A new rule rescores the tenant's leads.
  await clients.scoringRules.createScoringRule(
    CreateScoringRuleRequest.fromPartial({ name: "Banks", kind: ScoringRuleKind.SCORING_RULE_KIND_ATTRIBUTE, attribute: ScoringAttribute.SCORING_ATTRIBUTE_INDUSTRY, operator: ScoringOperator.SCORING_OPERATOR_CONTAINS, values: { values: ["bank"] }, points: 20 }),
    marketer,
  );
  const afterRule = await eventually(scoresOfLead, (e) => e.length === rescored.length + 1, "the score after the new rule");
  expect(afterRule.at(-1)!.score).toBe(45);

  // An older version delivered late changes nothing: the next score reflects a new response only.
  await bus.publish("sales.lead.updated", leadEvent("6", "Retail"), { msgId: randomUUID() });
  await eventually(() => bus.pending("SALES", scoringDurable), (n) => n === 0, "the lead events consumed");
  const doc = await db.collection("lead_scores").findOne({ _id: `${acme}/${leadId}` as never });
  expect(doc).toMatchObject({ leadVersion: 7, attributes: expect.objectContaining({ industry: "Banking" }), score: 45 });
});

test("scoring rules and responses are the caller's tenant's only", async () => {
  const rule = await clients.scoringRules.createScoringRule(
    CreateScoringRuleRequest.fromPartial({ name: "Clicks", kind: ScoringRuleKind.SCORING_RULE_KIND_BEHAVIOUR, responseType: ResponseType.RESPONSE_TYPE_CLICKED, points: 5 }),
    marketer,
  );
  const gus = as(globex, "gus", ["marketer"]);
  expect((await failureOf(clients.scoringRules.getScoringRule({ id: rule.id }, gus))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await failureOf(clients.scoringRules.updateScoringRule({ id: rule.id, expectedVersion: "0", points: 9 }, gus))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await failureOf(clients.scoringRules.deleteScoringRule({ id: rule.id, expectedVersion: "0" }, gus))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await failureOf(clients.scoringRules.restoreScoringRule({ id: rule.id, expectedVersion: "0" }, gus))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await clients.scoringRules.listScoringRules({ kind: ScoringRuleKind.SCORING_RULE_KIND_UNSPECIFIED, page: undefined }, gus)).scoringRules).toEqual([]);
  expect((await clients.scoringRules.getScoringRule({ id: rule.id }, reader)).points).toBe(5);

  // An update keeps the rule whole: "equals" tests one value.
  const titles = await clients.scoringRules.createScoringRule(
    CreateScoringRuleRequest.fromPartial({ name: "Titles", kind: ScoringRuleKind.SCORING_RULE_KIND_ATTRIBUTE, attribute: ScoringAttribute.SCORING_ATTRIBUTE_TITLE, operator: ScoringOperator.SCORING_OPERATOR_IN, values: { values: ["cto", "cio"] }, points: 15 }),
    marketer,
  );
  const narrowed = await failureOf(clients.scoringRules.updateScoringRule({ id: titles.id, expectedVersion: "0", operator: ScoringOperator.SCORING_OPERATOR_EQUALS }, marketer));
  expect(narrowed.field).toBe("values");
  const deleted = await clients.scoringRules.deleteScoringRule({ id: rule.id, expectedVersion: "0" }, marketer);
  expect((await failureOf(clients.scoringRules.getScoringRule({ id: rule.id }, marketer))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await clients.scoringRules.restoreScoringRule({ id: rule.id, expectedVersion: deleted.version }, marketer)).id).toBe(rule.id);

  // A member of acme's campaign is nobody in globex, even with globex's own running campaign.
  const theirs = await runningCampaign(globex);
  const ours = await runningCampaign();
  await member(ours.id, "contact-9", "contact");
  const stranger = await failureOf(record({ campaignId: theirs.id, type: ResponseType.RESPONSE_TYPE_CLICKED, personId: "contact-9" }, gus));
  expect(stranger.field).toBe("person_id");
  expect((await clients.responses.listResponses({ campaignId: theirs.id, type: ResponseType.RESPONSE_TYPE_UNSPECIFIED, page: undefined }, gus)).responses).toEqual([]);
});
