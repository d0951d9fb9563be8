import mongoose from "mongoose";
import { status } from "@grpc/grpc-js";
import type { EventBus } from "@relata/platform";
import { LeadChanged, OpportunityStageChanged } from "@relata/proto/events/v1/sales";
import { CreateAccountRequest, UpdateAccountRequest } from "@relata/proto/sales/v1/account";
import { ActivityType, CreateActivityRequest, UpdateActivityRequest } from "@relata/proto/sales/v1/activity";
import { CreateContactRequest } from "@relata/proto/sales/v1/contact";
import {
  AssignLeadRequest,
  CreateLeadRequest,
  LeadSource,
  LeadStatus,
  ListLeadsRequest,
  QualifyLeadRequest,
  UpdateLeadRequest,
} from "@relata/proto/sales/v1/lead";
import { ChangeStageRequest, CreateOpportunityRequest, OpportunityStatus } from "@relata/proto/sales/v1/opportunity";
import { ForecastCategory, StageKind } from "@relata/proto/sales/v1/pipeline";
import {
  connectBus,
  createDurableFromNow,
  failureOf,
  identity,
  mongoBase,
  nextSequence,
  readStream,
  runId,
  eventually,
  salesClientsAt,
  startSalesProcess,
  type SalesClients,
  type SalesProcess,
} from "./support";
import { testServerPort } from "@relata/testing";

jest.setTimeout(90_000);

const run = runId();
const database = `relata_sales_it_${run}`;
const port = testServerPort(0); // this file's own Sales process (docs/local-stack.md: test server ports)

let service: SalesProcess;
let clients: SalesClients;
let bus: EventBus;
let fromSeq: number;
const as = (tenant: string, subject = "it-user") => ({ identity: identity(tenant, subject) });
const acme = () => as("acme");
const globex = () => as("globex");

beforeAll(async () => {
  bus = await connectBus("sales-it-records");
  fromSeq = await nextSequence(bus);
  await createDurableFromNow(bus, `sales-timeline-it-${run}`, ["sales.>"]);
  service = await startSalesProcess({ grpcPort: port, database, env: { TIMELINE_DURABLE: `sales-timeline-it-${run}` } });
  clients = salesClientsAt(service.address);
});

afterAll(async () => {
  clients?.close();
  await service?.stop();
  await bus?.jsm.consumers.delete("SALES", `sales-timeline-it-${run}`).catch(() => undefined);
  await bus?.close();
  // The database goes with the service's data: drop it through a short-lived connection.
  const db = await mongoose.createConnection(`${mongoBase}/${database}`).asPromise();
  await db.dropDatabase().catch(() => undefined);
  await db.close();
});

const leadRequest = (overrides: Partial<CreateLeadRequest> = {}) =>
  CreateLeadRequest.fromPartial({ firstName: "Mary", lastName: `Jackson-${run}`, company: `Langley ${run}`, email: "mary@example.com", ...overrides });

describe("leads", () => {
  it("creates, reads, updates and lists a lead, owned by the caller when no one is named", async () => {
    const created = await clients.leads.createLead(leadRequest({ source: LeadSource.LEAD_SOURCE_WEB_FORM }), as("acme", "rep-mary"));
    expect(created).toMatchObject({
      tenantId: "acme",
      lastName: `Jackson-${run}`,
      status: LeadStatus.LEAD_STATUS_NEW,
      source: LeadSource.LEAD_SOURCE_WEB_FORM,
      ownerId: "rep-mary",
      version: "1",
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await clients.leads.getLead({ id: created.id }, acme())).toEqual(created);

    const updated = await clients.leads.updateLead(UpdateLeadRequest.fromPartial({ id: created.id, expectedVersion: "1", title: "Engineer", score: 70 }), acme());
    expect(updated).toMatchObject({ title: "Engineer", score: 70, version: "2", firstName: "Mary" });
    // Nothing to change: no new version.
    const same = await clients.leads.updateLead(UpdateLeadRequest.fromPartial({ id: created.id, title: "Engineer" }), acme());
    expect(same.version).toBe("2");

    const listed = await clients.leads.listLeads(ListLeadsRequest.fromPartial({ company: `Langley ${run}` }), acme());
    expect(listed.leads.map((l) => l.id)).toEqual([created.id]);
  });

  it("refuses a stale expected_version with FAILED_PRECONDITION and keeps the record", async () => {
    const lead = await clients.leads.createLead(leadRequest({ lastName: `Stale-${run}` }), acme());
    await clients.leads.updateLead(UpdateLeadRequest.fromPartial({ id: lead.id, expectedVersion: "1", phone: "+1 555 0100" }), acme());
    const failure = await failureOf(clients.leads.updateLead(UpdateLeadRequest.fromPartial({ id: lead.id, expectedVersion: "1", phone: "+1 555 0199" }), acme()));
    expect(failure).toMatchObject({ code: status.FAILED_PRECONDITION, field: "version" });
    expect((await clients.leads.getLead({ id: lead.id }, acme())).phone).toBe("+1 555 0100");
  });

  it("keeps tenants apart: globex cannot read, list, update, qualify or assign acme's lead", async () => {
    const lead = await clients.leads.createLead(leadRequest({ lastName: `Private-${run}`, company: `Private ${run}` }), acme());
    expect(await failureOf(clients.leads.getLead({ id: lead.id }, globex()))).toMatchObject({ code: status.NOT_FOUND });
    expect((await clients.leads.listLeads(ListLeadsRequest.fromPartial({ company: `Private ${run}` }), globex())).leads).toEqual([]);
    expect(await failureOf(clients.leads.updateLead(UpdateLeadRequest.fromPartial({ id: lead.id, title: "Spy" }), globex()))).toMatchObject({
      code: status.NOT_FOUND,
    });
    expect(await failureOf(clients.leads.qualifyLead(QualifyLeadRequest.fromPartial({ id: lead.id, qualified: true }), globex()))).toMatchObject({
      code: status.NOT_FOUND,
    });
    expect(await failureOf(clients.leads.assignLead(AssignLeadRequest.fromPartial({ id: lead.id, ownerId: "x" }), globex()))).toMatchObject({
      code: status.NOT_FOUND,
    });
    const unchanged = await clients.leads.getLead({ id: lead.id }, acme());
    expect(unchanged).toMatchObject({ title: "", status: LeadStatus.LEAD_STATUS_NEW, version: "1" });
  });

  it("replays a create with the same idempotency key and refuses the key with another body", async () => {
    const key = `idem-${run}`;
    const request = leadRequest({ lastName: `Idem-${run}`, company: `Idem ${run}`, idempotencyKey: key });
    const first = await clients.leads.createLead(request, acme());
    const again = await clients.leads.createLead(request, acme());
    const concurrent = await Promise.all(Array.from({ length: 4 }, () => clients.leads.createLead(request, acme())));
    for (const r of [again, ...concurrent]) expect(r.id).toBe(first.id);
    expect((await clients.leads.listLeads(ListLeadsRequest.fromPartial({ company: `Idem ${run}` }), acme())).leads).toHaveLength(1);

    const other = await failureOf(clients.leads.createLead({ ...request, title: "Different" }, acme()));
    expect(other).toMatchObject({ code: status.ALREADY_EXISTS, field: "idempotency_key" });
    // Keys are per tenant: globex may use the same one for its own lead.
    const theirs = await clients.leads.createLead(request, globex());
    expect(theirs.id).not.toBe(first.id);
    expect(theirs.tenantId).toBe("globex");
  });

  it("names the invalid field in the relata-field trailer", async () => {
    expect(await failureOf(clients.leads.createLead(leadRequest({ lastName: " " }), acme()))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "last_name",
      details: "last_name: is required",
    });
    expect(await failureOf(clients.leads.createLead(leadRequest({ email: "nope" }), acme()))).toMatchObject({ field: "email" });
    expect(
      await failureOf(clients.leads.convertLead({ id: "x", opportunityName: "", expectedCloseDate: "", existingAccountId: "", amount: { amount: "1", currency: "euro" } }, acme())),
    ).toMatchObject({ code: status.INVALID_ARGUMENT, field: "amount.currency" });
    expect(await failureOf(clients.leads.listLeads(ListLeadsRequest.fromPartial({ page: { pageSize: 0, cursor: "", sort: "salary" } }), acme()))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "sort",
    });
  });

  it("qualifies and disqualifies with a reason", async () => {
    const lead = await clients.leads.createLead(leadRequest({ lastName: `Qualify-${run}` }), acme());
    expect(await failureOf(clients.leads.qualifyLead(QualifyLeadRequest.fromPartial({ id: lead.id, qualified: false }), acme()))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "reason",
    });
    const qualified = await clients.leads.qualifyLead(QualifyLeadRequest.fromPartial({ id: lead.id, qualified: true }), acme());
    expect(qualified).toMatchObject({ status: LeadStatus.LEAD_STATUS_QUALIFIED, version: "2" });
    const dropped = await clients.leads.qualifyLead(QualifyLeadRequest.fromPartial({ id: lead.id, expectedVersion: "2", qualified: false, reason: "no budget" }), acme());
    expect(dropped).toMatchObject({ status: LeadStatus.LEAD_STATUS_DISQUALIFIED, disqualifyReason: "no budget", version: "3" });
  });

  it("paginates with a cursor in the requested order, each lead once", async () => {
    const company = `Paged ${run}`;
    const names = ["Delta", "alpha", "Echo", "Bravo", "Charlie"].map((n) => `${n}-${run}`);
    for (const lastName of names) await clients.leads.createLead(leadRequest({ lastName, company }), acme());
    const seen: string[] = [];
    let cursor = "";
    let pages = 0;
    do {
      const page = await clients.leads.listLeads(ListLeadsRequest.fromPartial({ company, page: { pageSize: 2, cursor, sort: "lastName" } }), acme());
      seen.push(...page.leads.map((l) => l.lastName));
      cursor = page.page?.nextCursor ?? "";
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...names].sort());
    const newest = await clients.leads.listLeads(ListLeadsRequest.fromPartial({ company, page: { pageSize: 1, cursor: "", sort: "" } }), acme());
    expect(newest.leads[0]?.lastName).toBe(`Charlie-${run}`);
  });

  it("filters by status and owner", async () => {
    const company = `Filter ${run}`;
    const a = await clients.leads.createLead(leadRequest({ lastName: `F1-${run}`, company, ownerId: "rep-x" }), acme());
    await clients.leads.createLead(leadRequest({ lastName: `F2-${run}`, company, ownerId: "rep-y" }), acme());
    await clients.leads.qualifyLead(QualifyLeadRequest.fromPartial({ id: a.id, qualified: true }), acme());
    const qualified = await clients.leads.listLeads(ListLeadsRequest.fromPartial({ company, status: LeadStatus.LEAD_STATUS_QUALIFIED }), acme());
    expect(qualified.leads.map((l) => l.id)).toEqual([a.id]);
    const byOwner = await clients.leads.listLeads(ListLeadsRequest.fromPartial({ company, ownerId: "rep-y" }), acme());
    expect(byOwner.leads.map((l) => l.lastName)).toEqual([`F2-${run}`]);
  });
});

describe("round-robin assignment", () => {
  const tenant = `rr-${run}`;

  it("assigns new leads without an owner to the tenant's reps in turn, and falls back to the caller without a rule", async () => {
    const before = await clients.leads.createLead(leadRequest(), as(tenant, "the-caller"));
    expect(before.ownerId).toBe("the-caller");
    expect((await clients.leads.getAssignmentRule({}, as(tenant))).repIds).toEqual([]);

    const rule = await clients.leads.setAssignmentRule({ repIds: ["ann", "bob", "cy"] }, as(tenant));
    expect(rule).toMatchObject({ tenantId: tenant, repIds: ["ann", "bob", "cy"], version: "1" });
    const owners = [];
    for (let i = 0; i < 4; i++) owners.push((await clients.leads.createLead(leadRequest(), as(tenant))).ownerId);
    expect(owners).toEqual(["ann", "bob", "cy", "ann"]);

    // Concurrent creates each take their own turn.
    const burst = await Promise.all(Array.from({ length: 6 }, () => clients.leads.createLead(leadRequest(), as(tenant))));
    const counts = burst.reduce<Record<string, number>>((m, l) => ({ ...m, [l.ownerId]: (m[l.ownerId] ?? 0) + 1 }), {});
    expect(counts).toEqual({ ann: 2, bob: 2, cy: 2 });

    expect((await clients.leads.createLead(leadRequest({ ownerId: "named" }), as(tenant))).ownerId).toBe("named");
    expect(await failureOf(clients.leads.setAssignmentRule({ repIds: ["ann", "ann"] }, as(tenant)))).toMatchObject({ field: "rep_ids.1" });
  });

  it("reassigns a lead to the next rep, or to the one named", async () => {
    const lead = await clients.leads.createLead(leadRequest({ ownerId: "someone" }), as(tenant));
    const next = await clients.leads.assignLead(AssignLeadRequest.fromPartial({ id: lead.id }), as(tenant));
    expect(["ann", "bob", "cy"]).toContain(next.ownerId);
    const named = await clients.leads.assignLead(AssignLeadRequest.fromPartial({ id: lead.id, expectedVersion: next.version, ownerId: "zed" }), as(tenant));
    expect(named).toMatchObject({ ownerId: "zed", version: String(Number(next.version) + 1) });
    const noRule = await clients.leads.createLead(leadRequest(), as(`norule-${run}`));
    // Stored state decides (the request is well-formed): a conflict naming the missing rule, not a bad argument.
    expect(await failureOf(clients.leads.assignLead(AssignLeadRequest.fromPartial({ id: noRule.id }), as(`norule-${run}`)))).toMatchObject({
      code: status.ABORTED,
      field: "owner_id",
      details: expect.stringMatching(/no round-robin assignment rule/),
    });
    // A rule without reps assigns nobody either.
    await clients.leads.setAssignmentRule({ repIds: [] }, as(`norule-${run}`));
    expect(await failureOf(clients.leads.assignLead(AssignLeadRequest.fromPartial({ id: noRule.id }), as(`norule-${run}`)))).toMatchObject({
      code: status.ABORTED,
      field: "owner_id",
    });
    expect((await clients.leads.getLead({ id: noRule.id }, as(`norule-${run}`))).version).toBe(noRule.version);
  });
});

describe("accounts, contacts and activities", () => {
  it("creates an account hierarchy and refuses a cycle or a parent from another tenant", async () => {
    const parent = await clients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: `Parent ${run}`, industry: "aerospace" }), acme());
    const child = await clients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: `Child ${run}`, parentAccountId: parent.id }), acme());
    expect(child).toMatchObject({ parentAccountId: parent.id, ownerId: "it-user", version: "1" });
    expect(
      await failureOf(clients.accounts.updateAccount(UpdateAccountRequest.fromPartial({ id: parent.id, parentAccountId: child.id }), acme())),
    ).toMatchObject({ code: status.INVALID_ARGUMENT, field: "parent_account_id" });
    expect(
      await failureOf(clients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: "Theirs", parentAccountId: parent.id }), globex())),
    ).toMatchObject({ code: status.INVALID_ARGUMENT, field: "parent_account_id" });
    const children = await clients.accounts.listAccounts({ parentAccountId: parent.id, industry: "", territory: "", ownerId: "", externalId: "", country: "", region: "" }, acme());
    expect(children.accounts.map((a) => a.id)).toEqual([child.id]);
    const renamed = await clients.accounts.updateAccount(UpdateAccountRequest.fromPartial({ id: parent.id, expectedVersion: "1", name: `Parent ${run} Inc` }), acme());
    expect(renamed).toMatchObject({ name: `Parent ${run} Inc`, version: "2", industry: "aerospace" });
    expect(await failureOf(clients.accounts.getAccount({ id: parent.id }, globex()))).toMatchObject({ code: status.NOT_FOUND });
  });

  it("links contacts to accounts of the same tenant only", async () => {
    const account = await clients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: `Contacts ${run}` }), acme());
    const contact = await clients.contacts.createContact(
      CreateContactRequest.fromPartial({ accountId: account.id, firstName: "Katherine", lastName: "Johnson", email: "KJ@Example.com" }),
      acme(),
    );
    expect(contact).toMatchObject({ accountId: account.id, email: "kj@example.com" });
    expect(
      await failureOf(clients.contacts.createContact(CreateContactRequest.fromPartial({ accountId: account.id, lastName: "X" }), globex())),
    ).toMatchObject({ code: status.INVALID_ARGUMENT, field: "account_id" });
    const listed = await clients.contacts.listContacts({ accountId: account.id, ownerId: "", email: "", externalId: "" }, acme());
    expect(listed.contacts.map((c) => c.id)).toEqual([contact.id]);
  });

  it("logs an activity on a contact, on its account's timeline, and completes it", async () => {
    const account = await clients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: `Timeline ${run}` }), acme());
    const contact = await clients.contacts.createContact(CreateContactRequest.fromPartial({ accountId: account.id, lastName: "Vaughan" }), acme());
    const task = await clients.activities.createActivity(
      CreateActivityRequest.fromPartial({
        type: ActivityType.ACTIVITY_TYPE_TASK,
        subject: "Send the proposal",
        relatedTo: { type: "sales.contact", id: contact.id },
        dueAt: "2026-07-01T09:00:00.000Z",
      }),
      acme(),
    );
    expect(task).toMatchObject({ accountId: account.id, dueAt: "2026-07-01T09:00:00.000Z", ownerId: "it-user" });
    expect(task.completedAt).toBeUndefined();
    const open = async () =>
      (await clients.activities.listActivities({ relatedTo: { type: "sales.contact", id: contact.id }, ownerId: "", type: ActivityType.ACTIVITY_TYPE_UNSPECIFIED, openOnly: true }, acme()))
        .activities;
    expect((await open()).map((a) => a.id)).toEqual([task.id]);
    const done = await clients.activities.updateActivity(UpdateActivityRequest.fromPartial({ id: task.id, expectedVersion: "1", completed: true }), acme());
    expect(done.completedAt).toBeTruthy();
    expect(await open()).toEqual([]);
    expect(
      await failureOf(
        clients.activities.createActivity(
          CreateActivityRequest.fromPartial({ type: ActivityType.ACTIVITY_TYPE_CALL, subject: "x", relatedTo: { type: "sales.account", id: account.id } }),
          globex(),
        ),
      ),
    ).toMatchObject({ code: status.INVALID_ARGUMENT, field: "related_to.id" });

    const kinds = await eventually(
      async () => (await clients.timeline.listAccountTimeline({ accountId: account.id }, acme())).entries.map((e) => e.kind),
      (k) => k.length >= 4,
      "the account's timeline",
    );
    expect(kinds).toEqual(["sales.activity.completed", "sales.activity.logged", "sales.contact.created", "sales.account.created"]);
  });
});

describe("pipeline and opportunities", () => {
  const tenant = `pipe-${run}`;
  const custom = [
    { id: "discovery", name: "Discovery", probability: 20, kind: StageKind.STAGE_KIND_OPEN, forecastCategory: ForecastCategory.FORECAST_CATEGORY_UNSPECIFIED },
    { id: "demo", name: "Demo", probability: 60, kind: StageKind.STAGE_KIND_OPEN, forecastCategory: ForecastCategory.FORECAST_CATEGORY_UNSPECIFIED },
    { id: "signed", name: "Signed", probability: 100, kind: StageKind.STAGE_KIND_WON, forecastCategory: ForecastCategory.FORECAST_CATEGORY_UNSPECIFIED },
    { id: "gone", name: "Gone", probability: 0, kind: StageKind.STAGE_KIND_LOST, forecastCategory: ForecastCategory.FORECAST_CATEGORY_UNSPECIFIED },
  ];

  it("serves the default pipeline until the tenant configures a valid one", async () => {
    const initial = await clients.pipeline.getPipeline({}, as(tenant));
    expect(initial.version).toBe("0");
    expect(initial.stages.map((s) => s.id)).toEqual(["prospecting", "qualification", "proposal", "negotiation", "won", "lost"]);
    expect(
      await failureOf(clients.pipeline.updatePipeline({ expectedVersion: "0", stages: custom.filter((s) => s.kind !== StageKind.STAGE_KIND_LOST) }, as(tenant))),
    ).toMatchObject({ code: status.INVALID_ARGUMENT, field: "stages" });
    const saved = await clients.pipeline.updatePipeline({ expectedVersion: "0", stages: custom }, as(tenant));
    expect(saved.version).toBe("1");
    expect(await failureOf(clients.pipeline.updatePipeline({ expectedVersion: "5", stages: custom }, as(tenant)))).toMatchObject({
      code: status.FAILED_PRECONDITION,
    });
    // Another tenant still has the default.
    expect((await clients.pipeline.getPipeline({}, acme())).stages[0]?.id).toBe("prospecting");
  });

  it("replaces the default on expected version 0 only while nothing is stored, decided by the database", async () => {
    const racing = `pipe-race-${run}`;
    // Five managers replace the default they all read: one wins, the others are stale.
    const outcomes = await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        clients.pipeline
          .updatePipeline({ expectedVersion: "0", stages: custom.map((s) => ({ ...s, name: `${s.name} ${i}` })) }, as(racing))
          .then((p) => p.version, (err: unknown) => failureOf(Promise.reject(err))),
      ),
    );
    expect(outcomes.filter((o) => o === "1")).toHaveLength(1);
    expect(outcomes.filter((o) => typeof o !== "string")).toEqual(Array(4).fill(expect.objectContaining({ code: status.FAILED_PRECONDITION })));
    expect((await clients.pipeline.getPipeline({}, as(racing))).version).toBe("1");
    // Once configured, 0 stays stale; no expected version replaces whatever is stored; a stored one is checked.
    expect(await failureOf(clients.pipeline.updatePipeline({ expectedVersion: "0", stages: custom }, as(racing)))).toMatchObject({ code: status.FAILED_PRECONDITION });
    expect((await clients.pipeline.updatePipeline({ stages: custom }, as(racing))).version).toBe("2");
    expect((await clients.pipeline.updatePipeline({ expectedVersion: "2", stages: custom }, as(racing))).version).toBe("3");
    // Without an expected version, the default of a tenant that never configured one is replaced too.
    expect((await clients.pipeline.updatePipeline({ stages: custom }, as(`pipe-free-${run}`))).version).toBe("1");
    // A stored version named while only the default exists was never stored: stale.
    expect(await failureOf(clients.pipeline.updatePipeline({ expectedVersion: "1", stages: custom }, as(`pipe-none-${run}`)))).toMatchObject({
      code: status.FAILED_PRECONDITION,
    });
  });

  it("moves an opportunity through the stages and closes it as lost with a reason, once", async () => {
    const account = await clients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: `Deals ${run}` }), as(tenant));
    const opp = await clients.opportunities.createOpportunity(
      CreateOpportunityRequest.fromPartial({ accountId: account.id, name: "Fleet renewal", amount: { amount: "250000", currency: "USD" }, expectedCloseDate: "2026-12-31" }),
      as(tenant),
    );
    expect(opp).toMatchObject({ stageId: "discovery", probability: 20, status: OpportunityStatus.OPPORTUNITY_STATUS_OPEN });
    const from = await nextSequence(bus);
    const demo = await clients.opportunities.changeStage(ChangeStageRequest.fromPartial({ id: opp.id, expectedVersion: "1", stageId: "demo" }), as(tenant));
    expect(demo).toMatchObject({ stageId: "demo", probability: 60, version: "2" });
    expect(
      await failureOf(clients.opportunities.changeStage(ChangeStageRequest.fromPartial({ id: opp.id, stageId: "gone" }), as(tenant))),
    ).toMatchObject({ code: status.INVALID_ARGUMENT, field: "reason" });
    const lost = await clients.opportunities.changeStage(ChangeStageRequest.fromPartial({ id: opp.id, stageId: "gone", reason: "budget cut" }), as(tenant));
    expect(lost).toMatchObject({ status: OpportunityStatus.OPPORTUNITY_STATUS_LOST, probability: 0, closeReason: "budget cut" });
    expect(lost.stageHistory.map((h) => [h.fromStageId, h.toStageId])).toEqual([
      ["", "discovery"],
      ["discovery", "demo"],
      ["demo", "gone"],
    ]);
    expect(
      await failureOf(clients.opportunities.changeStage(ChangeStageRequest.fromPartial({ id: opp.id, stageId: "demo" }), as(tenant))),
    ).toMatchObject({ code: status.ABORTED });
    expect(
      await failureOf(clients.opportunities.changeStage(ChangeStageRequest.fromPartial({ id: opp.id, stageId: "nowhere" }), as(tenant))),
    ).toMatchObject({ code: status.ABORTED });

    const metaOf = (d: Uint8Array) => OpportunityStageChanged.decode(d).meta;
    const changed = await eventually(
      async () => [
        ...(await readStream(bus, from, "sales.opportunity.stage_changed", metaOf)),
        ...(await readStream(bus, from, "sales.opportunity.lost", metaOf)),
      ].filter((m) => m.meta.entityId === opp.id),
      (m) => m.length >= 2,
      "the stage events",
    );
    expect(changed.map((m) => m.subject)).toEqual(["sales.opportunity.stage_changed", "sales.opportunity.lost"]);
    const lostEvent = OpportunityStageChanged.decode(changed[1]!.data);
    expect(lostEvent).toMatchObject({ fromStageId: "demo", toStageId: "gone", meta: { tenantId: tenant } });
  });
});

describe("events", () => {
  it("publishes one event per change of a lead, each with the snapshot after it", async () => {
    const lead = await clients.leads.createLead(leadRequest({ lastName: `Events-${run}` }), acme());
    await clients.leads.updateLead(UpdateLeadRequest.fromPartial({ id: lead.id, title: "Director" }), acme());
    await clients.leads.qualifyLead(QualifyLeadRequest.fromPartial({ id: lead.id, qualified: true }), acme());
    await clients.leads.assignLead(AssignLeadRequest.fromPartial({ id: lead.id, ownerId: "rep-z" }), acme());
    const metaOf = (d: Uint8Array) => LeadChanged.decode(d).meta;
    const subjects = ["sales.lead.created", "sales.lead.updated", "sales.lead.qualified", "sales.lead.assigned"];
    const events = await eventually(
      async () => (await Promise.all(subjects.map((s) => readStream(bus, fromSeq, s, metaOf)))).flat().filter((m) => m.meta.entityId === lead.id),
      (m) => m.length >= 4,
      "the lead's events",
    );
    events.sort((a, b) => a.seq - b.seq);
    expect(events.map((e) => e.subject)).toEqual(subjects);
    expect(events.map((e) => LeadChanged.decode(e.data).lead?.version)).toEqual(["1", "2", "3", "4"]);
    expect(LeadChanged.decode(events[3]!.data).lead).toMatchObject({ ownerId: "rep-z", status: LeadStatus.LEAD_STATUS_QUALIFIED, title: "Director" });
    for (const e of events) expect(e.msgId).toBe(e.meta.id);
  });
});
