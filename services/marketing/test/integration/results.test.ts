import { status as GrpcStatus } from "@grpc/grpc-js";
import type { EventBus } from "@relata/platform";
import { ResponseRecorded } from "@relata/proto/events/v1/marketing";
import { LeadChanged, LeadConverted, OpportunityChanged, OpportunityStageChanged } from "@relata/proto/events/v1/sales";
import { CreateCampaignRequest } from "@relata/proto/marketing/v1/campaign";
import { Lead } from "@relata/proto/sales/v1/lead";
import { Opportunity, OpportunityStatus } from "@relata/proto/sales/v1/opportunity";
import { localStack, testServerPort } from "@relata/testing";
import mongoose, { type Connection } from "mongoose";
import { randomUUID } from "node:crypto";
import { createModels } from "../../src/store/models";
import { as, asPartner, connectBus, dropDatabase, eventually, failureOf, marketingClientsAt, runId, startMarketingProcess, type MarketingClients, type MarketingProcess } from "./support";

// Campaign results from events only: Sales' leads and opportunities that name the campaign and
// Marketing's responses, each a fact written once, whatever the order and however often delivered.
jest.setTimeout(60_000);

const run = runId();
const acme = `acme-${run}`;
const globex = `globex-${run}`;
const marketer = as(acme, "mia", ["marketer"]);
const manager = as(acme, "sam", ["sales-manager"]);

let marketing: MarketingProcess;
let clients: MarketingClients;
let bus: EventBus;
let db: Connection;

beforeAll(async () => {
  marketing = await startMarketingProcess({ port: testServerPort(442) });
  clients = marketingClientsAt(marketing.address);
  bus = await connectBus("marketing-results-test");
  db = await mongoose.createConnection(`${localStack.ferretdbUri}/${marketing.database}`).asPromise();
});

afterAll(async () => {
  clients?.close();
  await db?.close();
  await marketing?.stop();
  await bus?.close();
  if (marketing) await dropDatabase(marketing.database);
});

const meta = (tenantId: string, type: string, entityId: string, id: string = randomUUID()) => ({ id, type, tenantId, entityId, actorId: "sales", requestId: "", occurredAt: new Date().toISOString() });

/** Publishes an event as its service would, with its id as the message id (or another: a redelivery by another producer). */
async function publish(subject: string, tenantId: string, data: Uint8Array, msgId: string = randomUUID()) {
  await bus.publish(subject, data, { msgId, headers: { "relata-tenant": tenantId } });
}

const lead = (tenantId: string, id: string, campaignId: string, version = "1") => Lead.fromPartial({ id, tenantId, lastName: id, company: "Initech", campaignId, version });
const opportunity = (tenantId: string, id: string, leadId: string, version: string, status: OpportunityStatus, amount: string) =>
  Opportunity.fromPartial({ id, tenantId, name: id, leadId, version, status, amount: { amount, currency: "EUR" } });
const response = (tenantId: string, campaignId: string, type: string, responseId: string = randomUUID()) =>
  ResponseRecorded.encode(ResponseRecorded.fromPartial({ meta: meta(tenantId, "marketing.response.recorded", responseId), responseId, campaignId, personId: "p1", type, channel: "email" })).finish();

test("a campaign's results: members, responses by type, its leads, their opportunities by latest status, won revenue, cost and return", async () => {
  const campaign = await clients.campaigns.createCampaign(CreateCampaignRequest.fromPartial({ name: "Spring", actualCost: { amount: "1000.00", currency: "EUR" } }), marketer);
  const other = await clients.campaigns.createCampaign(CreateCampaignRequest.fromPartial({ name: "Other" }), marketer);
  const C = campaign.id;

  // Two members fixed at launch: the launch report says so (set here as a launch leaves it, once
  // the campaign's created event is published, so the relay's removal of it cannot undo the write).
  const campaigns = db.collection<{ _id: string; outbox?: unknown[] }>("campaigns");
  await eventually(() => campaigns.findOne({ _id: C }), (d) => !!d && !d.outbox?.length, "the campaign's created event published");
  const report = { members: 2, excluded: 0, consentWithdrawnEmail: 0, consentWithdrawnPhone: 0, consentWithdrawnSms: 0, consentWithdrawnPost: 0, noEmail: 0, noPhone: 0 };
  await campaigns.updateOne({ _id: C }, { $set: { status: "running", launchReport: report } });

  // Responses: two opened, one interested (delivered twice).
  await publish("marketing.response.recorded", acme, response(acme, C, "opened"));
  await publish("marketing.response.recorded", acme, response(acme, C, "opened"));
  const interested = response(acme, C, "interested", "response-interested");
  await publish("marketing.response.recorded", acme, interested);
  await publish("marketing.response.recorded", acme, interested);

  // Two leads of the campaign (one converted, one given the campaign by an update), one of another campaign, one of another tenant naming the same campaign id.
  await publish("sales.lead.created", acme, LeadChanged.encode({ meta: meta(acme, "sales.lead.created", "lead-1"), lead: lead(acme, "lead-1", C) }).finish());
  await publish("sales.lead.updated", acme, LeadChanged.encode({ meta: meta(acme, "sales.lead.updated", "lead-2"), lead: lead(acme, "lead-2", C, "2") }).finish());
  await publish("sales.lead.created", acme, LeadChanged.encode({ meta: meta(acme, "sales.lead.created", "lead-3"), lead: lead(acme, "lead-3", other.id) }).finish());
  await publish("sales.lead.created", globex, LeadChanged.encode({ meta: meta(globex, "sales.lead.created", "lead-g"), lead: lead(globex, "lead-g", C) }).finish());
  await publish(
    "sales.lead.converted",
    acme,
    LeadConverted.encode({ meta: meta(acme, "sales.lead.converted", "lead-1"), lead: lead(acme, "lead-1", C, "3"), accountId: "acc-1", contactId: "con-1", opportunityId: "opp-1" }).finish(),
  );

  // lead-1's opportunity: created, won (delivered twice), then an older version arriving late.
  const O = OpportunityStatus;
  await publish("sales.opportunity.created", acme, OpportunityChanged.encode({ meta: meta(acme, "sales.opportunity.created", "opp-1"), opportunity: opportunity(acme, "opp-1", "lead-1", "1", O.OPPORTUNITY_STATUS_OPEN, "5000.00") }).finish());
  const wonId = randomUUID();
  const won = OpportunityStageChanged.encode({
    meta: meta(acme, "sales.opportunity.won", "opp-1", wonId),
    opportunity: opportunity(acme, "opp-1", "lead-1", "3", O.OPPORTUNITY_STATUS_WON, "4500.50"),
    fromStageId: "negotiation",
    toStageId: "won",
  }).finish();
  await publish("sales.opportunity.won", acme, won, wonId);
  await publish("sales.opportunity.won", acme, won, `redelivered-${wonId}`);
  await publish("sales.opportunity.updated", acme, OpportunityChanged.encode({ meta: meta(acme, "sales.opportunity.updated", "opp-1"), opportunity: opportunity(acme, "opp-1", "lead-1", "2", O.OPPORTUNITY_STATUS_OPEN, "4800.00") }).finish());
  // lead-2's: lost. lead-3's (the other campaign): won, not counted here. One deleted.
  await publish("sales.opportunity.lost", acme, OpportunityStageChanged.encode({ meta: meta(acme, "sales.opportunity.lost", "opp-2"), opportunity: opportunity(acme, "opp-2", "lead-2", "2", O.OPPORTUNITY_STATUS_LOST, "900.00"), fromStageId: "proposal", toStageId: "lost" }).finish());
  await publish("sales.opportunity.won", acme, OpportunityStageChanged.encode({ meta: meta(acme, "sales.opportunity.won", "opp-3"), opportunity: opportunity(acme, "opp-3", "lead-3", "2", O.OPPORTUNITY_STATUS_WON, "7000.00"), fromStageId: "proposal", toStageId: "won" }).finish());
  await publish("sales.opportunity.created", acme, OpportunityChanged.encode({ meta: meta(acme, "sales.opportunity.created", "opp-4"), opportunity: opportunity(acme, "opp-4", "lead-2", "1", O.OPPORTUNITY_STATUS_OPEN, "100.00") }).finish());
  await publish("sales.opportunity.deleted", acme, OpportunityChanged.encode({ meta: meta(acme, "sales.opportunity.deleted", "opp-4"), opportunity: opportunity(acme, "opp-4", "lead-2", "2", O.OPPORTUNITY_STATUS_OPEN, "100.00") }).finish());

  const expected = {
    campaignId: C,
    members: "2",
    responses: [
      { type: "interested", count: "1" },
      { type: "opened", count: "2" },
    ],
    leadsCreated: "2",
    opportunities: { open: "0", won: "1", lost: "1" },
    wonRevenue: [{ amount: "4500.50", currency: "EUR" }],
    actualCost: { amount: "1000.00", currency: "EUR" },
    roi: "3.5005",
    roiSource: "marketing",
  };
  const results = await eventually(
    () => clients.results.getCampaignResults({ campaignId: C }, manager),
    (r) => JSON.stringify(r) === JSON.stringify(expected),
    "the campaign's results",
  );
  expect(results).toEqual(expected);
  // The facts: one per event, the redeliveries wrote nothing.
  const models = createModels(db);
  expect(await models.opportunityVersions.countDocuments({ tenantId: acme, opportunityId: "opp-1" })).toBe(3);
  expect(await models.responseFacts.countDocuments({ tenantId: acme, campaignId: C })).toBe(3);

  // A partner reads them with marketing:read; another tenant's caller gets 404.
  expect((await clients.results.getCampaignResults({ campaignId: C }, asPartner(acme, ["marketing:read"]))).roi).toBe("3.5005");
  expect((await failureOf(clients.results.getCampaignResults({ campaignId: C }, as(globex, "gus", ["marketer"])))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await failureOf(clients.results.getCampaignResults({ campaignId: "" }, marketer))).field).toBe("campaign_id");
});

test("a campaign without cost or results: zeros, and no return", async () => {
  const campaign = await clients.campaigns.createCampaign(CreateCampaignRequest.fromPartial({ name: "Quiet" }), marketer);
  expect(await clients.results.getCampaignResults({ campaignId: campaign.id }, marketer)).toEqual({
    campaignId: campaign.id,
    members: "0",
    responses: [],
    leadsCreated: "0",
    opportunities: { open: "0", won: "0", lost: "0" },
    wonRevenue: [],
    actualCost: undefined,
    roi: "",
    roiSource: "",
  });
});
