import { randomUUID } from "node:crypto";
import mongoose, { type Connection } from "mongoose";
import type { EventBus } from "@relata/platform";
import { LeadChanged, LeadConverted } from "@relata/proto/events/v1/sales";
import { ConvertLeadRequest, CreateLeadRequest, LeadStatus, UpdateLeadRequest } from "@relata/proto/sales/v1/lead";
import {
  connectBus,
  createDurableFromNow,
  identity,
  mongoBase,
  nextSequence,
  readStream,
  runId,
  SALES,
  sleep,
  eventually,
} from "./support";
import { salesClientsAt, startSalesProcess, type SalesProcess } from "@relata/testing";

// A crash between the write and the publish loses no event: the service runs with its relay
// off (it writes events to the outbox but publishes nothing), is killed with SIGKILL, and a
// restarted process with the relay on publishes every pending event, exactly once.
jest.setTimeout(90_000);

const run = runId();
const database = `relata_sales_it_${run}`;
const port = 50153;
// Its own timeline durable, so that this service never takes events from another Sales process.
const timelineDurable = `sales-timeline-it-${run}`;
const env = { TIMELINE_DURABLE: timelineDurable };
const metaOf = (data: Uint8Array) => LeadChanged.decode(data).meta;

let bus: EventBus;
let db: Connection;
let service: SalesProcess | undefined;

interface LeadDoc {
  _id: string;
  version: number;
  outbox: { id: string; subject: string }[];
}

beforeAll(async () => {
  bus = await connectBus("sales-it-crash");
  await createDurableFromNow(bus, timelineDurable, ["sales.>"]);
  db = await mongoose.createConnection(`${mongoBase}/${database}`).asPromise();
});

afterAll(async () => {
  await service?.stop();
  await bus?.jsm.consumers.delete(SALES, timelineDurable).catch(() => undefined);
  await bus?.close();
  await db?.dropDatabase().catch(() => undefined);
  await db?.close();
});

const leadDoc = async (id: string) => (await db.collection<LeadDoc>("leads").findOne({ _id: id })) as LeadDoc;

describe("outbox across a crash", () => {
  it("publishes the events of writes made before a SIGKILL once the service is back, each exactly once", async () => {
    const from = await nextSequence(bus);
    service = await startSalesProcess({ grpcPort: port, database, env: { ...env, OUTBOX_RELAY_ENABLED: "false" } });
    const clients = salesClientsAt(service.address);
    const who = identity("acme");
    const lead = await clients.leads.createLead(CreateLeadRequest.fromPartial({ lastName: `Crash-${run}`, company: "Kill Nine Ltd" }), {
      identity: who,
    });
    const updated = await clients.leads.updateLead(UpdateLeadRequest.fromPartial({ id: lead.id, expectedVersion: lead.version, title: "CFO" }), {
      identity: who,
    });
    expect(updated.version).toBe("2");
    clients.close();

    // Both events wait in the lead's own document, written by the same operations as the changes.
    const pending = await leadDoc(lead.id);
    expect(pending.outbox.map((e) => e.subject)).toEqual(["sales.lead.created", "sales.lead.updated"]);
    const [createdId, updatedId] = pending.outbox.map((e) => e.id);

    await service.kill();
    await sleep(500);
    const forLead = async (subject: string) => (await readStream(bus, from, subject, metaOf)).filter((m) => m.meta.entityId === lead.id);
    expect(await forLead("sales.lead.created")).toEqual([]);
    expect(await forLead("sales.lead.updated")).toEqual([]);

    service = await startSalesProcess({ grpcPort: port, database, env });
    await eventually(() => forLead("sales.lead.updated"), (m) => m.length > 0, "the pending events to be published");
    await eventually(async () => (await leadDoc(lead.id)).outbox.length, (n) => n === 0, "the outbox to be emptied");
    // Time for a second relay pass to publish anything twice, if it were going to.
    await sleep(1_500);

    const created = await forLead("sales.lead.created");
    const changed = await forLead("sales.lead.updated");
    expect(created.map((m) => m.meta.id)).toEqual([createdId]);
    expect(changed.map((m) => m.meta.id)).toEqual([updatedId]);
    // The event id is the JetStream message id, and the created event came first.
    expect(created[0]!.msgId).toBe(createdId);
    expect(created[0]!.seq).toBeLessThan(changed[0]!.seq);

    const payload = LeadChanged.decode(created[0]!.data);
    expect(payload.meta).toMatchObject({ type: "sales.lead.created", tenantId: "acme", actorId: "it-user", requestId: who.requestId });
    expect(payload.lead).toMatchObject({ id: lead.id, lastName: `Crash-${run}`, status: LeadStatus.LEAD_STATUS_NEW, version: "1" });
    expect(LeadChanged.decode(changed[0]!.data).lead).toMatchObject({ title: "CFO", version: "2" });
    expect((await leadDoc(lead.id)).outbox).toEqual([]);
  });

  it("completes a conversion whose process died right after claiming it, and reports it once", async () => {
    const clients = salesClientsAt(service!.address);
    const lead = await clients.leads.createLead(CreateLeadRequest.fromPartial({ lastName: `Halfway-${run}`, company: `Halfway ${run}` }), {
      identity: identity("acme"),
    });
    clients.close();
    await service!.kill();

    // What a process that died after step 1 of a conversion leaves behind: the claimed plan.
    const plan = {
      accountId: randomUUID(),
      contactId: randomUUID(),
      opportunityId: randomUUID(),
      createsAccount: true,
      opportunityName: `Halfway ${run} deal`,
      expectedCloseDate: "",
      stageId: "prospecting",
      probability: 10,
      actorId: "it-user",
      requestId: "req-halfway",
      claimedAt: new Date(Date.now() - 60_000),
    };
    await db.collection<LeadDoc>("leads").updateOne({ _id: lead.id }, { $set: { conversion: plan } });
    const from = await nextSequence(bus);

    // The sweep at start-up finishes it.
    service = await startSalesProcess({ grpcPort: port, database, env: { ...env, CONVERSION_SWEEP_AFTER_MS: "1" } });
    const clientsAgain = salesClientsAt(service.address);
    const converted = await eventually(
      () => clientsAgain.leads.getLead({ id: lead.id }, { identity: identity("acme") }),
      (l) => l.status === LeadStatus.LEAD_STATUS_CONVERTED,
      "the sweep to complete the conversion",
    );
    expect(converted.conversion).toMatchObject({ accountId: plan.accountId, contactId: plan.contactId, opportunityId: plan.opportunityId });
    expect(await clientsAgain.accounts.getAccount({ id: plan.accountId }, { identity: identity("acme") })).toMatchObject({ name: `Halfway ${run}` });
    expect(await clientsAgain.opportunities.getOpportunity({ id: plan.opportunityId }, { identity: identity("acme") })).toMatchObject({
      leadId: lead.id,
      contactId: plan.contactId,
    });
    // Asking again returns what the sweep made.
    const again = await clientsAgain.leads.convertLead(ConvertLeadRequest.fromPartial({ id: lead.id }), { identity: identity("acme") });
    expect(again.accountId).toBe(plan.accountId);
    clientsAgain.close();

    const convertedMeta = (d: Uint8Array) => LeadConverted.decode(d).meta;
    const events = await eventually(
      async () => (await readStream(bus, from, "sales.lead.converted", convertedMeta)).filter((m) => m.meta.entityId === lead.id),
      (m) => m.length > 0,
      "sales.lead.converted",
    );
    await sleep(1_000);
    expect((await readStream(bus, from, "sales.lead.converted", convertedMeta)).filter((m) => m.meta.entityId === lead.id)).toHaveLength(1);
    expect(LeadConverted.decode(events[0]!.data)).toMatchObject({ accountId: plan.accountId, meta: { actorId: "it-user", requestId: "req-halfway" } });
  });
});

