import { createLogger } from "@relata/platform";
import { ActivityType } from "@relata/proto/sales/v1/activity";
import { OpportunityStatus } from "@relata/proto/sales/v1/opportunity";
import { StageKind } from "@relata/proto/sales/v1/pipeline";
import type { Express } from "express";
import request from "supertest";
import { createApp } from "../../src/app";
import { createTokenVerifier } from "../../src/auth/verifier";
import type { SalesClients } from "@relata/sales/client";
import { noClients } from "../support/clients";
import { startLocalIssuer, type LocalIssuer } from "../support/tokens";

/**
 * The REST ↔ proto translation of every resource, with the Sales clients replaced by
 * recorders (the gRPC transport itself is covered by app.test.ts over a real grpc-js server).
 */
const calls: { method: string; request: any }[] = [];
const responses: Record<string, unknown> = {};

const now = "2026-11-23T10:00:00.000Z";
const account = { id: "acc1", tenantId: "acme", name: "Acme", parentAccountId: "", industry: "Retail", territory: "", ownerId: "u1", website: "", version: "4", createdAt: now, updatedAt: now };
const contact = { id: "con1", tenantId: "acme", accountId: "acc1", firstName: "Grace", lastName: "Hopper", email: "", phone: "", title: "", ownerId: "u1", version: "1", createdAt: now, updatedAt: now };
const opportunity = {
  id: "opp1", tenantId: "acme", accountId: "acc1", contactId: "", name: "Deal", stageId: "won", probability: 100,
  amount: { amount: "12500.00", currency: "EUR" }, expectedCloseDate: "2027-01-31", status: OpportunityStatus.OPPORTUNITY_STATUS_WON, closeReason: "",
  ownerId: "u1", stageHistory: [{ fromStageId: "", toStageId: "prospecting", changedBy: "u1", changedAt: now }, { fromStageId: "prospecting", toStageId: "won", changedBy: "u1", changedAt: now }],
  leadId: "", version: "3", createdAt: now, updatedAt: now,
};
const activity = {
  id: "act1", tenantId: "acme", type: ActivityType.ACTIVITY_TYPE_CALL, subject: "Intro call", notes: "", relatedTo: { type: "sales.lead", id: "lead1" },
  accountId: "", dueAt: now, completedAt: "", ownerId: "u1", version: "1", createdAt: now, updatedAt: now,
};
const pipeline = {
  tenantId: "acme", version: "2",
  stages: [
    { id: "prospecting", name: "Prospecting", probability: 10, kind: StageKind.STAGE_KIND_OPEN },
    { id: "won", name: "Won", probability: 100, kind: StageKind.STAGE_KIND_WON },
    { id: "lost", name: "Lost", probability: 0, kind: StageKind.STAGE_KIND_LOST },
  ],
};

function recorder(): SalesClients {
  const answers: Record<string, unknown> = {
    createAccount: account, getAccount: account, updateAccount: account, listAccounts: { accounts: [account], page: { nextCursor: "" } },
    listAccountTimeline: { entries: [{ id: "ev1", tenantId: "acme", accountId: "acc1", kind: "sales.lead.converted", summary: "Lead converted", record: { type: "sales.lead", id: "lead1" }, actorId: "u1", occurredAt: now }], page: { nextCursor: "abc" } },
    createContact: contact, getContact: contact, updateContact: contact, listContacts: { contacts: [contact], page: { nextCursor: "" } },
    createOpportunity: opportunity, getOpportunity: opportunity, updateOpportunity: opportunity, changeStage: opportunity, listOpportunities: { opportunities: [opportunity], page: { nextCursor: "" } },
    createActivity: activity, getActivity: activity, updateActivity: activity, listActivities: { activities: [activity], page: { nextCursor: "" } },
    getPipeline: pipeline, updatePipeline: pipeline,
    getAssignmentRule: { tenantId: "acme", repIds: ["u1", "u2"], version: "5" }, setAssignmentRule: { tenantId: "acme", repIds: ["u2"], version: "6" },
  };
  const client = new Proxy({}, {
    get: (_t, method: string) => async (req: unknown) => {
      calls.push({ method, request: req });
      if (method in responses) return responses[method];
      if (!(method in answers)) throw new Error(`no canned answer for ${method}`);
      return answers[method];
    },
  });
  return { accounts: client, contacts: client, leads: client, opportunities: client, pipeline: client, activities: client, timeline: client } as unknown as SalesClients;
}

let issuer: LocalIssuer;
let app: Express;
let rep: string;
let manager: string;
let support: string;

beforeAll(async () => {
  issuer = await startLocalIssuer();
  app = createApp(
    { publicUrl: "http://gw.test", issuer: issuer.issuer, requestTimeoutMs: 1000, bodyLimit: "100kb" },
    { logger: createLogger("t", "silent"), verifier: createTokenVerifier({ issuer: issuer.issuer, audience: "relata-api", jwksUrl: issuer.jwksUrl }), clients: { ...noClients(), sales: recorder() }, readiness: [] },
  );
  rep = `Bearer ${await issuer.userToken(["sales-rep"], "acme")}`;
  manager = `Bearer ${await issuer.userToken(["sales-manager"], "acme")}`;
  support = `Bearer ${await issuer.userToken(["support-agent"], "acme")}`;
});
afterAll(() => issuer.stop());
beforeEach(() => {
  calls.length = 0;
  for (const k of Object.keys(responses)) delete responses[k];
});
const last = () => calls.at(-1)!;

describe("accounts", () => {
  test("create maps to CreateAccountRequest; the answer is camelCase with nulls", async () => {
    const res = await request(app).post("/v1/accounts").set("Authorization", rep).set("Idempotency-Key", "k1").send({ name: "Acme", industry: "Retail", website: "https://acme.test" });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe("http://gw.test/v1/accounts/acc1");
    expect(res.headers.etag).toBe('"4"');
    expect(last()).toMatchObject({ method: "createAccount", request: { name: "Acme", industry: "Retail", website: "https://acme.test", idempotencyKey: "k1", parentAccountId: "" } });
    expect(res.body).toEqual({ id: "acc1", tenantId: "acme", name: "Acme", parentAccountId: null, industry: "Retail", territory: null, ownerId: "u1", website: null, version: 4, createdAt: now, updatedAt: now });
  });
  test("website must be http(s)", async () => {
    const res = await request(app).post("/v1/accounts").set("Authorization", rep).send({ name: "Acme", website: "javascript:alert(1)" });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe("website");
  });
  test("PATCH null clears; list filters pass through; support may read", async () => {
    await request(app).patch("/v1/accounts/acc1").set("Authorization", rep).set("If-Match", '"4"').send({ territory: null, name: "Acme Inc" }).expect(200);
    expect(last().request).toMatchObject({ id: "acc1", expectedVersion: "4", territory: "", name: "Acme Inc" });
    expect(last().request.industry).toBeUndefined();
    await request(app).get("/v1/accounts?industry=Retail&limit=10&sort=name").set("Authorization", support).expect(200);
    expect(last().request).toMatchObject({ industry: "Retail", page: { pageSize: 10, sort: "name", cursor: "" } });
  });
  test("timeline: entries with record words and a Link to the next page", async () => {
    const res = await request(app).get("/v1/accounts/acc1/timeline?limit=1").set("Authorization", rep).expect(200);
    expect(last()).toMatchObject({ method: "listAccountTimeline", request: { accountId: "acc1", page: { pageSize: 1 } } });
    expect(res.body.data[0]).toEqual({ id: "ev1", kind: "sales.lead.converted", summary: "Lead converted", record: { type: "sales.lead", id: "lead1" }, actorId: "u1", occurredAt: now });
    expect(res.headers.link).toBe('<http://gw.test/v1/accounts/acc1/timeline?limit=1&cursor=abc>; rel="next"');
    await request(app).get("/v1/accounts/acc1/timeline").set("Authorization", support).expect(403);
  });
});

describe("contacts", () => {
  test("create and read", async () => {
    await request(app).post("/v1/contacts").set("Authorization", rep).send({ lastName: "Hopper", firstName: "Grace", accountId: "acc1" }).expect(201);
    expect(last().request).toMatchObject({ lastName: "Hopper", firstName: "Grace", accountId: "acc1", email: "" });
    const res = await request(app).get("/v1/contacts/con1").set("Authorization", support).expect(200);
    expect(res.body).toMatchObject({ accountId: "acc1", email: null, version: 1 });
  });
});

describe("opportunities", () => {
  test("money, dates, status words and stage history", async () => {
    const res = await request(app).post("/v1/opportunities").set("Authorization", rep).send({ accountId: "acc1", name: "Deal", amount: { amount: "12500.00", currency: "EUR" }, expectedCloseDate: "2027-01-31" }).expect(201);
    expect(last().request).toMatchObject({ accountId: "acc1", name: "Deal", amount: { amount: "12500.00", currency: "EUR" }, expectedCloseDate: "2027-01-31", stageId: "" });
    expect(res.body).toMatchObject({ status: "won", amount: { amount: "12500.00", currency: "EUR" }, contactId: null, stageHistory: [{ fromStageId: null, toStageId: "prospecting" }, { fromStageId: "prospecting", toStageId: "won" }] });
  });
  test("bad money and dates are named", async () => {
    const bad = await request(app).post("/v1/opportunities").set("Authorization", rep).send({ accountId: "acc1", name: "D", amount: { amount: 12.5, currency: "EUR" } });
    expect(bad.body.field).toBe("amount.amount");
    const date = await request(app).post("/v1/opportunities").set("Authorization", rep).send({ accountId: "acc1", name: "D", expectedCloseDate: "31/01/2027" });
    expect(date.body.field).toBe("expectedCloseDate");
  });
  test("stage change passes If-Match when given; list filters by status word", async () => {
    await request(app).post("/v1/opportunities/opp1/stage").set("Authorization", rep).set("If-Match", '"2"').send({ stageId: "lost", reason: "price" }).expect(200);
    expect(last().request).toEqual({ id: "opp1", expectedVersion: "2", stageId: "lost", reason: "price", lostToCompetitorId: "" });
    await request(app).post("/v1/opportunities/opp1/stage").set("Authorization", rep).send({ stageId: "won" }).expect(200);
    expect(last().request.expectedVersion).toBe("0");
    await request(app).get("/v1/opportunities?status=open&stageId=prospecting").set("Authorization", rep).expect(200);
    expect(last().request).toMatchObject({ status: OpportunityStatus.OPPORTUNITY_STATUS_OPEN, stageId: "prospecting" });
  });
});

describe("activities", () => {
  test("create linked to a record, type words both ways", async () => {
    const res = await request(app).post("/v1/activities").set("Authorization", rep).send({ type: "call", subject: "Intro call", relatedTo: { type: "sales.lead", id: "lead1" }, dueAt: now }).expect(201);
    expect(last().request).toMatchObject({ type: ActivityType.ACTIVITY_TYPE_CALL, relatedTo: { type: "sales.lead", id: "lead1" }, dueAt: now });
    expect(res.body).toMatchObject({ type: "call", relatedTo: { type: "sales.lead", id: "lead1" }, completedAt: null });
  });
  test("list by related record and open only; complete with PATCH", async () => {
    await request(app).get("/v1/activities?relatedType=sales.account&relatedId=acc1&open=true").set("Authorization", support).expect(200);
    expect(last().request).toMatchObject({ relatedTo: { type: "sales.account", id: "acc1" }, openOnly: true });
    await request(app).patch("/v1/activities/act1").set("Authorization", rep).set("If-Match", '"1"').send({ completed: true }).expect(200);
    expect(last().request).toMatchObject({ id: "act1", expectedVersion: "1", completed: true });
    const bad = await request(app).post("/v1/activities").set("Authorization", rep).send({ type: "fax", subject: "x", relatedTo: { type: "sales.lead", id: "l" } });
    expect(bad.body.field).toBe("type");
  });
});

describe("pipeline and lead assignment", () => {
  test("pipeline read and replace with kind words; ETag from its version", async () => {
    const res = await request(app).get("/v1/pipeline").set("Authorization", rep).expect(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body.stages.map((s: { kind: string }) => s.kind)).toEqual(["open", "won", "lost"]);
    await request(app).put("/v1/pipeline").set("Authorization", manager).set("If-Match", '"2"').send({ stages: res.body.stages }).expect(200);
    expect(last().request).toMatchObject({ expectedVersion: "2", stages: [{ kind: StageKind.STAGE_KIND_OPEN }, { kind: StageKind.STAGE_KIND_WON }, { kind: StageKind.STAGE_KIND_LOST }] });
  });
  test("lead assignment rule", async () => {
    const res = await request(app).get("/v1/lead-assignment").set("Authorization", rep).expect(200);
    expect(res.body).toEqual({ repIds: ["u1", "u2"], version: 5 });
    await request(app).put("/v1/lead-assignment").set("Authorization", rep).send({ repIds: ["u2"] }).expect(403);
    await request(app).put("/v1/lead-assignment").set("Authorization", manager).send({ repIds: ["u2"] }).expect(200);
    expect(last().request).toEqual({ repIds: ["u2"] });
  });
});

describe("leads", () => {
  test("assign with and without an owner; convert maps its options", async () => {
    responses.assignLead = { id: "l1", tenantId: "acme", firstName: "", lastName: "X", email: "", phone: "", company: "", title: "", industry: "", source: "LEAD_SOURCE_MANUAL", status: "LEAD_STATUS_NEW", ownerId: "u2", score: 0, disqualifyReason: "", version: "2", createdAt: now, updatedAt: now };
    await request(app).post("/v1/leads/l1/assign").set("Authorization", rep).send({}).expect(200);
    expect(last().request).toEqual({ id: "l1", expectedVersion: "0", ownerId: "" });
    await request(app).post("/v1/leads/l1/assign").set("Authorization", rep).expect(200);
    await request(app).post("/v1/leads/l1/assign").set("Authorization", rep).send({ ownerId: "u3" }).expect(200);
    expect(last().request.ownerId).toBe("u3");
    responses.convertLead = { lead: responses.assignLead, accountId: "a", contactId: "c", opportunityId: "o" };
    const res = await request(app).post("/v1/leads/l1/convert").set("Authorization", rep).send({ existingAccountId: "acc1", expectedCloseDate: "2027-01-01" }).expect(200);
    expect(last().request).toMatchObject({ id: "l1", existingAccountId: "acc1", expectedCloseDate: "2027-01-01", opportunityName: "" });
    expect(res.body).toMatchObject({ accountId: "a", contactId: "c", opportunityId: "o", lead: { id: "l1", status: "new" } });
  });
});
