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
  salesClientsAt,
  startSalesProcess,
  type SalesProcess,
} from "./support";
import { testServerPort } from "@relata/testing";

// A crash loses no event: the service publishes as it writes, and is killed with SIGKILL in
// the middle of a burst of writes, with events in flight and others still in their outboxes.
// A fresh process's start-up sweep publishes the rest: every acknowledged write then has its
// event on the stream, once, counted by event id.
jest.setTimeout(120_000);

const run = runId();
const database = `relata_sales_it_${run}`;
const port = testServerPort(2); // this file's own Sales process (docs/local-stack.md: test server ports)
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

/** A write the service acknowledged: the event it must have caused. */
interface Acknowledged {
  leadId: string;
  type: "sales.lead.created" | "sales.lead.updated";
  version: string;
  requestId: string;
}

const WORKERS = 8;
/** Acknowledged writes before the kill: enough that the relay is busy and behind. */
const KILL_AFTER = 60;

describe("outbox across a crash", () => {
  it("publishes every acknowledged write's event once when the process is killed mid-burst with its relay running", async () => {
    const from = await nextSequence(bus);
    service = await startSalesProcess({ grpcPort: port, database, env });
    const clients = salesClientsAt(service.address);
    const acknowledged: Acknowledged[] = [];
    let killed = false;

    // Each worker creates a lead and then changes it, again and again, until the process dies.
    const worker = async (w: number) => {
      for (let i = 0; ; i++) {
        try {
          const who = identity("acme");
          const lead = await clients.leads.createLead(CreateLeadRequest.fromPartial({ lastName: `Crash-${run}-${w}-${i}`, company: "Kill Nine Ltd" }), {
            identity: who,
          });
          acknowledged.push({ leadId: lead.id, type: "sales.lead.created", version: lead.version, requestId: who.requestId });
          const again = identity("acme");
          const updated = await clients.leads.updateLead(UpdateLeadRequest.fromPartial({ id: lead.id, expectedVersion: lead.version, title: "CFO" }), {
            identity: again,
          });
          acknowledged.push({ leadId: lead.id, type: "sales.lead.updated", version: updated.version, requestId: again.requestId });
        } catch (err) {
          if (killed) return; // the calls in flight when the process died
          throw err;
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
    await eventually(async () => acknowledged.length, (n) => n >= KILL_AFTER, "the burst to get going", 60_000);
    killed = true;
    await service.kill();
    await Promise.all(workers);
    clients.close();
    expect(service.exitStatus()).toEqual({ code: null, signal: "SIGKILL" });

    const leadIds = new Set(acknowledged.map((a) => a.leadId));
    const onStream = async () => {
      const messages = [...(await readStream(bus, from, "sales.lead.created", metaOf)), ...(await readStream(bus, from, "sales.lead.updated", metaOf))];
      return messages.filter((m) => leadIds.has(m.meta.entityId));
    };
    const waiting = async () => (await db.collection<LeadDoc>("leads").find({ "outbox.0": { $exists: true } }).toArray()).length;

    // The relay was running: some events were out before the kill, and others were not.
    const publishedBeforeKill = (await onStream()).length;
    expect(publishedBeforeKill).toBeGreaterThan(0);
    expect(await waiting()).toBeGreaterThan(0);

    // A fresh process: its start-up sweep publishes what the dead one left.
    service = await startSalesProcess({ grpcPort: port, database, env });
    await eventually(waiting, (n) => n === 0, "the start-up sweep to empty every outbox", 60_000);

    const messages = await onStream();
    const byEventId = new Map<string, typeof messages>();
    for (const m of messages) byEventId.set(m.meta.id, [...(byEventId.get(m.meta.id) ?? []), m]);
    // One message per event id (JetStream dropped what the new process published again), and
    // the event id is the message id.
    for (const [eventId, copies] of byEventId) {
      expect(copies).toHaveLength(1);
      expect(copies[0]!.msgId).toBe(eventId);
    }
    // Every acknowledged write has exactly one event: its type, its record, its version, its caller.
    for (const write of acknowledged) {
      const events = [...byEventId.values()]
        .map((copies) => copies[0]!)
        .filter((m) => m.subject === write.type && m.meta.entityId === write.leadId && LeadChanged.decode(m.data).lead?.version === write.version);
      expect(events.map((m) => ({ type: m.meta.type, requestId: m.meta.requestId }))).toEqual([{ type: write.type, requestId: write.requestId }]);
    }
    // A lead's created event comes before its update, and the payloads are the records' snapshots.
    for (const leadId of leadIds) {
      const mine = messages.filter((m) => m.meta.entityId === leadId);
      const created = mine.filter((m) => m.subject === "sales.lead.created");
      const changed = mine.filter((m) => m.subject === "sales.lead.updated");
      expect(created).toHaveLength(1);
      if (changed.length) expect(created[0]!.seq).toBeLessThan(changed[0]!.seq);
      const payload = LeadChanged.decode(created[0]!.data);
      expect(payload.meta).toMatchObject({ type: "sales.lead.created", tenantId: "acme", actorId: "it-user" });
      expect(payload.lead).toMatchObject({ id: leadId, status: LeadStatus.LEAD_STATUS_NEW, version: "1", company: "Kill Nine Ltd" });
      for (const c of changed) expect(LeadChanged.decode(c.data).lead).toMatchObject({ id: leadId, title: "CFO", version: "2" });
    }
    // Nothing on the stream that the database does not hold: each event's record is there, at least at its version.
    const stored = new Map((await db.collection<LeadDoc>("leads").find({ _id: { $in: [...leadIds] } }).toArray()).map((d) => [d._id, d]));
    expect(stored.size).toBe(leadIds.size);
    for (const m of messages) expect(Number(LeadChanged.decode(m.data).lead?.version)).toBeLessThanOrEqual(stored.get(m.meta.entityId)!.version);
    expect([...stored.values()].every((d) => d.outbox.length === 0)).toBe(true);
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

