import { randomUUID } from "node:crypto";
import mongoose, { type Connection } from "mongoose";
import { status } from "@grpc/grpc-js";
import type { EventBus } from "@relata/platform";
import { LeadConverted } from "@relata/proto/events/v1/sales";
import { CreateLeadRequest, ConvertLeadRequest, LeadStatus, QualifyLeadRequest, type ConvertLeadResponse } from "@relata/proto/sales/v1/lead";
import { CreateAccountRequest } from "@relata/proto/sales/v1/account";
import { ActivityType, CreateActivityRequest } from "@relata/proto/sales/v1/activity";
import { OpportunityStatus } from "@relata/proto/sales/v1/opportunity";
import {
  connectBus,
  consumerFailures,
  createDurableFromNow,
  deadLettered,
  failureOf,
  freePort,
  identity,
  mongoBase,
  nextSequence,
  purgeDeadLetters,
  readStream,
  runId,
  SALES,
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
const port = testServerPort(1); // this file's own Sales process (docs/local-stack.md: test server ports)
const timelineDurable = `sales-timeline-it-${run}`;
const listenerDurable = `it-converted-${run}`;

let service: SalesProcess;
let clients: SalesClients;
let bus: EventBus;
let db: Connection;
let metricsUrl: string;
/** Where the stream stood before this file: what it reads back is what it caused. */
let fromSeq: number;
const acme = () => ({ identity: identity("acme") });

beforeAll(async () => {
  bus = await connectBus("sales-it-conversion");
  // Both durables start at the end of the stream: they see what this file causes, not history.
  await createDurableFromNow(bus, timelineDurable, ["sales.>"]);
  await createDurableFromNow(bus, listenerDurable, ["sales.lead.converted"]);
  fromSeq = await nextSequence(bus);
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  service = await startSalesProcess({ grpcPort: port, database, env: { TIMELINE_DURABLE: timelineDurable, METRICS_PORT: String(metricsPort) } });
  clients = salesClientsAt(service.address);
  db = await mongoose.createConnection(`${mongoBase}/${database}`).asPromise();
});

afterAll(async () => {
  clients?.close();
  await service?.stop();
  for (const durable of [timelineDurable, listenerDurable]) {
    await bus?.jsm.consumers.delete(SALES, durable).catch(() => undefined);
    await purgeDeadLetters(bus, durable).catch(() => undefined);
  }
  await bus?.close();
  await db?.dropDatabase().catch(() => undefined);
  await db?.close();
});

async function newLead(lastName: string, company = `Convert ${run}`) {
  return clients.leads.createLead(
    CreateLeadRequest.fromPartial({ firstName: "Lin", lastName, company, email: `${lastName.toLowerCase()}@example.com` }),
    acme(),
  );
}

const countIn = (collection: string, filter: Record<string, unknown>) => db.collection(collection).countDocuments(filter);

/** Messages the test's own durable consumer receives, acknowledged as they come. */
async function receiveConverted(max: number): Promise<{ leadId: string; eventId: string; msgId: string; data: Uint8Array; event: LeadConverted }[]> {
  const consumer = await bus.js.consumers.get(SALES, listenerDurable);
  const out = [];
  const batch = await consumer.fetch({ max_messages: max, expires: 2_000 });
  for await (const m of batch) {
    const event = LeadConverted.decode(m.data);
    out.push({ leadId: event.lead?.id ?? "", eventId: event.meta?.id ?? "", msgId: m.headers?.get("Nats-Msg-Id") ?? "", data: m.data, event });
    m.ack();
  }
  return out;
}

describe("lead conversion", () => {
  let once: ConvertLeadResponse;
  let concurrentLeadId: string;
  let concurrent: ConvertLeadResponse[];
  let attachedLeadId: string;

  it("converts a lead into an account, a contact and an opportunity in the first open stage", async () => {
    const lead = await newLead(`Twice${run}`);
    once = await clients.leads.convertLead(
      ConvertLeadRequest.fromPartial({ id: lead.id, amount: { amount: "12500.00", currency: "EUR" }, expectedCloseDate: "2026-09-30" }),
      acme(),
    );
    expect(once.lead?.status).toBe(LeadStatus.LEAD_STATUS_CONVERTED);
    expect(once.lead?.conversion).toMatchObject({ accountId: once.accountId, contactId: once.contactId, opportunityId: once.opportunityId });
    expect(once.lead?.conversion?.convertedAt).toBeTruthy();

    const account = await clients.accounts.getAccount({ id: once.accountId }, acme());
    expect(account).toMatchObject({ name: `Convert ${run}`, tenantId: "acme", version: "1" });
    const contact = await clients.contacts.getContact({ id: once.contactId }, acme());
    expect(contact).toMatchObject({ accountId: once.accountId, lastName: `Twice${run}`, email: `twice${run}@example.com` });
    const opportunity = await clients.opportunities.getOpportunity({ id: once.opportunityId }, acme());
    expect(opportunity).toMatchObject({
      accountId: once.accountId,
      contactId: once.contactId,
      leadId: lead.id,
      name: `Convert ${run} deal`,
      stageId: "prospecting",
      probability: 10,
      status: OpportunityStatus.OPPORTUNITY_STATUS_OPEN,
      amount: { amount: "12500.00", currency: "EUR" },
      expectedCloseDate: "2026-09-30",
    });
  });

  it("returns the same result when converted again, and creates nothing twice", async () => {
    const again = await clients.leads.convertLead(ConvertLeadRequest.fromPartial({ id: once.lead!.id, opportunityName: "Other terms" }), acme());
    expect(again).toEqual(once);
    expect(await countIn("accounts", { name: `Convert ${run}` })).toBe(1);
    expect(await countIn("contacts", { lastName: `Twice${run}` })).toBe(1);
    expect(await countIn("opportunities", { leadId: once.lead!.id })).toBe(1);
  });

  it("gives 5 concurrent conversions one account, one contact, one opportunity and the same ids", async () => {
    const lead = await newLead(`Race${run}`, `Race Co ${run}`);
    concurrentLeadId = lead.id;
    concurrent = await Promise.all(
      Array.from({ length: 5 }, () => clients.leads.convertLead(ConvertLeadRequest.fromPartial({ id: lead.id }), acme())),
    );
    for (const r of concurrent) expect(r).toEqual(concurrent[0]);
    expect(new Set(concurrent.map((r) => r.accountId)).size).toBe(1);
    expect(await countIn("accounts", { name: `Race Co ${run}` })).toBe(1);
    expect(await countIn("contacts", { lastName: `Race${run}` })).toBe(1);
    expect(await countIn("opportunities", { leadId: lead.id })).toBe(1);
    // Created (1), then converted (2): the claim and the creations are not changes of the lead.
    expect(concurrent[0]!.lead?.version).toBe("2");
  });

  it("attaches the contact and the opportunity to an existing account when asked, and creates no account", async () => {
    const existing = await clients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: `Existing ${run}` }), acme());
    const lead = await newLead(`Attach${run}`, `Attach Co ${run}`);
    attachedLeadId = lead.id;
    const result = await clients.leads.convertLead(ConvertLeadRequest.fromPartial({ id: lead.id, existingAccountId: existing.id }), acme());
    expect(result.accountId).toBe(existing.id);
    expect(await countIn("accounts", { name: `Attach Co ${run}` })).toBe(0);
    expect((await clients.contacts.getContact({ id: result.contactId }, acme())).accountId).toBe(existing.id);
    expect((await clients.opportunities.getOpportunity({ id: result.opportunityId }, acme())).accountId).toBe(existing.id);
    const other = await newLead(`Attach2${run}`);
    const missing = await failureOf(clients.leads.convertLead(ConvertLeadRequest.fromPartial({ id: other.id, existingAccountId: "no-such-account" }), acme()));
    expect(missing).toMatchObject({ code: status.INVALID_ARGUMENT, field: "existing_account_id" });
    expect((await clients.leads.getLead({ id: other.id }, acme())).status).toBe(LeadStatus.LEAD_STATUS_NEW);
  });

  it("refuses to convert a disqualified lead (ABORTED) and creates nothing", async () => {
    const lead = await newLead(`Dq${run}`, `Dq Co ${run}`);
    await clients.leads.qualifyLead(QualifyLeadRequest.fromPartial({ id: lead.id, qualified: false, reason: "no budget" }), acme());
    const failure = await failureOf(clients.leads.convertLead(ConvertLeadRequest.fromPartial({ id: lead.id }), acme()));
    expect(failure.code).toBe(status.ABORTED);
    expect(failure.details).toMatch(/disqualified/);
    expect(await countIn("accounts", { name: `Dq Co ${run}` })).toBe(0);
  });

  it("does not let another tenant convert or see the lead", async () => {
    const lead = await newLead(`Foreign${run}`, `Foreign Co ${run}`);
    const failure = await failureOf(clients.leads.convertLead(ConvertLeadRequest.fromPartial({ id: lead.id }), { identity: identity("globex") }));
    expect(failure.code).toBe(status.NOT_FOUND);
    expect((await clients.leads.getLead({ id: lead.id }, acme())).status).toBe(LeadStatus.LEAD_STATUS_NEW);
  });

  it("publishes sales.lead.converted once per lead, with the conversion's ids", async () => {
    const received = await receiveConverted(10);
    const byLead = (id: string) => received.filter((r) => r.leadId === id);
    expect(byLead(once.lead!.id)).toHaveLength(1);
    expect(byLead(concurrentLeadId)).toHaveLength(1);
    const event = byLead(concurrentLeadId)[0]!;
    expect(event.msgId).toBe(event.eventId);
    expect(event.event).toMatchObject({
      accountId: concurrent[0]!.accountId,
      contactId: concurrent[0]!.contactId,
      opportunityId: concurrent[0]!.opportunityId,
      meta: { type: "sales.lead.converted", tenantId: "acme", entityId: concurrentLeadId },
    });
    expect(byLead(attachedLeadId)).toHaveLength(1);
    // Nothing else: the refused conversions published nothing.
    expect(received).toHaveLength(3);
  });

  it("writes one timeline entry per event, even when sales.lead.converted arrives again", async () => {
    const accountId = once.accountId;
    const entries = async () => (await clients.timeline.listAccountTimeline({ accountId, page: { pageSize: 50, cursor: "", sort: "" } }, acme())).entries;
    const first = await eventually(entries, (e) => e.length >= 4, "the conversion's timeline entries");
    expect(first.map((e) => e.kind).sort()).toEqual(
      ["sales.account.created", "sales.contact.created", "sales.lead.converted", "sales.opportunity.created"].sort(),
    );
    // Newest first: the lead is marked converted after its records are created.
    expect(first[0]!.kind).toBe("sales.lead.converted");
    const converted = first.find((e) => e.kind === "sales.lead.converted")!;
    expect(converted).toMatchObject({ tenantId: "acme", accountId, record: { type: "sales.lead", id: once.lead!.id } });

    // A redelivery after the de-duplication window: the same event, under a new message id.
    const stored = await readStream(bus, fromSeq, "sales.lead.converted", (d) => LeadConverted.decode(d).meta);
    const event = stored.find((m) => m.meta.entityId === once.lead!.id)!.data;
    expect(LeadConverted.decode(event).meta?.id).toBe(converted.id);
    const failuresBefore = await consumerFailures(metricsUrl, timelineDurable);
    const republished = await bus.publish("sales.lead.converted", event, { msgId: randomUUID(), headers: { "relata-tenant": "acme" } });
    expect(republished.duplicate).toBe(false);
    await eventually(
      async () => (await bus.jsm.consumers.info(SALES, timelineDurable)).ack_floor.stream_seq,
      (seq) => seq >= republished.seq,
      "the timeline consumer to be done with the redelivery",
    );
    // Done with it by handling it, not by failing: a handler that threw on the duplicate would
    // be counted, and after its last attempt the message would sit on the dead-letter stream.
    expect(await consumerFailures(metricsUrl, timelineDurable)).toEqual(failuresBefore);
    expect(failuresBefore).toEqual({ failed: 0, poisoned: 0 });
    expect(await deadLettered(bus, timelineDurable)).toBe(0);
    const after = await entries();
    expect(after.filter((e) => e.kind === "sales.lead.converted")).toHaveLength(1);
    expect(after).toHaveLength(first.length);
    expect(await countIn("timeline_entries", { _id: converted.id })).toBe(1);
  });

  it("puts an activity on a converted lead's account timeline", async () => {
    const activity = await clients.activities.createActivity(
      CreateActivityRequest.fromPartial({
        type: ActivityType.ACTIVITY_TYPE_CALL,
        subject: "Kick-off call",
        relatedTo: { type: "sales.lead", id: once.lead!.id },
      }),
      acme(),
    );
    expect(activity.accountId).toBe(once.accountId);
    const entries = await eventually(
      async () => (await clients.timeline.listAccountTimeline({ accountId: once.accountId }, acme())).entries,
      (e) => e.some((x) => x.kind === "sales.activity.logged"),
      "the activity on the timeline",
    );
    expect(entries[0]).toMatchObject({ kind: "sales.activity.logged", summary: "Call logged: Kick-off call" });
    const foreign = await failureOf(clients.timeline.listAccountTimeline({ accountId: once.accountId }, { identity: identity("globex") }));
    expect(foreign.code).toBe(status.NOT_FOUND);
  });
});
