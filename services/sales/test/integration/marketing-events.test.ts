import { randomUUID } from "node:crypto";
import type { EventBus } from "@relata/platform";
import { LeadScored, ResponseRecorded } from "@relata/proto/events/v1/marketing";
import { CreateLeadRequest, LeadSource, ListLeadsRequest } from "@relata/proto/sales/v1/lead";
import { createDurableFromNow, testServerPort } from "@relata/testing";
import { MARKETING_STREAM_NAME } from "../../src/events/marketing-leads";
import { LeadChanged } from "@relata/proto/events/v1/sales";
import { connectBus, eventually, identity, nextSequence, readStream, runId, salesClientsAt, startSalesProcess, type SalesClients, type SalesProcess } from "./support";

// Marketing's events as Sales consumes them: an interested response becomes exactly one lead
// however often it is delivered and by however many replicas; scores apply in scoredAt order.
jest.setTimeout(120_000);

const run = runId();
const tenant = `acme-mkt-${run}`;
const database = `relata_sales_it_marketing_${run}`;
const MARKETING = { name: MARKETING_STREAM_NAME, subjects: ["marketing.>"], allowMsgSchedules: true };
// This file's own durables, shared by its two Sales replicas (one database, as one deployment).
const env = { MARKETING_LEADS_DURABLE: `sales-marketing-leads-it-${run}`, LEAD_SCORES_DURABLE: `sales-lead-scores-it-${run}` };

let bus: EventBus;
const replicas: SalesProcess[] = [];
let clients: SalesClients;

beforeAll(async () => {
  bus = await connectBus("sales-it-marketing");
  await createDurableFromNow(bus, MARKETING, env.MARKETING_LEADS_DURABLE, ["marketing.response.recorded"]);
  await createDurableFromNow(bus, MARKETING, env.LEAD_SCORES_DURABLE, ["marketing.lead.scored"]);
  // Two replicas of one deployment: same database, same durables (testServerPort 5 and 6).
  for (const offset of [5, 6]) replicas.push(await startSalesProcess({ grpcPort: testServerPort(offset), database, env }));
  clients = salesClientsAt(replicas[0]!.address);
});

afterAll(async () => {
  clients?.close();
  await Promise.all(replicas.map((r) => r.stop()));
  for (const durable of Object.values(env)) await bus?.jsm.consumers.delete(MARKETING_STREAM_NAME, durable).catch(() => undefined);
  await bus?.close();
});

const actor = { identity: identity(tenant, "mia") };

/** Publishes an event with its own Nats-Msg-Id (so JetStream keeps a second copy of the same event id). */
async function publish(subject: string, data: Uint8Array) {
  await bus.publish(subject, data, { msgId: randomUUID(), headers: { "relata-tenant": tenant } });
}

const drained = (durable: string) => eventually(() => bus.pending(MARKETING_STREAM_NAME, durable), (n) => n === 0, `${durable} drained`);

/** The lead Marketing names in each interested response's event (its own choice of id). */
const leadIds = new Map<string, string>();
const leadIdOf = (responseId: string) => leadIds.get(responseId) ?? leadIds.set(responseId, randomUUID()).get(responseId)!;

function responseRecorded(eventId: string, responseId: string, campaignId: string, type = "interested") {
  return ResponseRecorded.encode({
    meta: { id: eventId, type: "marketing.response.recorded", tenantId: tenant, entityId: responseId, actorId: "web-form-partner", requestId: "", occurredAt: new Date().toISOString() },
    responseId,
    campaignId,
    personId: "",
    type,
    channel: "email",
    firstName: "Ada",
    lastName: "Lovelace",
    email: "ada@example.com",
    phone: "+44 20 7946 0000",
    company: "Analytical Engines",
    occurredAt: new Date().toISOString(),
    personKind: "",
    leadId: type === "interested" ? leadIdOf(responseId) : "",
  }).finish();
}

test("an interested response delivered several times, to two replicas, makes exactly one lead: source marketing, the campaign's id", async () => {
  const campaignId = `camp-${run}`;
  // Several responses at once, so that both replicas take deliveries of the same response together.
  const responseIds = Array.from({ length: 6 }, () => randomUUID());
  const from = await nextSequence(bus);
  await Promise.all(
    responseIds.flatMap((responseId) => {
      const eventId = randomUUID();
      return [
        // The same event twice (a redelivery), and the same response under another event id (a republish).
        publish("marketing.response.recorded", responseRecorded(eventId, responseId, campaignId)),
        publish("marketing.response.recorded", responseRecorded(eventId, responseId, campaignId)),
        publish("marketing.response.recorded", responseRecorded(randomUUID(), responseId, campaignId)),
      ];
    }),
  );
  // Another type makes no lead.
  await publish("marketing.response.recorded", responseRecorded(randomUUID(), randomUUID(), campaignId, "clicked"));
  await eventually(() => clients.leads.listLeads(ListLeadsRequest.fromPartial({ campaignId }), actor), (r) => r.leads.length >= responseIds.length, "the responses' leads");
  await drained(env.MARKETING_LEADS_DURABLE);

  const { leads } = await clients.leads.listLeads(ListLeadsRequest.fromPartial({ campaignId, page: { pageSize: 100, cursor: "", sort: "" } }), actor);
  expect(leads.map((l) => l.id).sort()).toEqual(responseIds.map(leadIdOf).sort());
  const lead = leads.find((l) => l.id === leadIdOf(responseIds[0]!))!;
  expect(lead.source).toBe(LeadSource.LEAD_SOURCE_MARKETING);
  expect(lead.campaignId).toBe(campaignId);
  expect(lead).toMatchObject({ firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", company: "Analytical Engines", version: "1" });
  // No round robin set: the partner client who recorded the response owns it, as for a create.
  expect(lead.ownerId).toBe("web-form-partner");

  // One sales.lead.created per lead, carrying the campaign (on a stack where no other Sales
  // deployment consumes the MARKETING stream: one would make its own leads of these responses).
  const created = await eventually(
    async () => (await readStream(bus, from, "sales.lead.created", (d) => LeadChanged.decode(d).meta)).filter((e) => e.meta.tenantId === tenant),
    (e) => e.length >= responseIds.length,
    "the leads' created events",
  );
  expect(created).toHaveLength(responseIds.length);
  expect(created.map((e) => LeadChanged.decode(e.data).lead?.campaignId)).toEqual(responseIds.map(() => campaignId));
});

test("a late, older score never overwrites a newer one; a redelivery changes nothing", async () => {
  const lead = await clients.leads.createLead(CreateLeadRequest.fromPartial({ lastName: "Hopper", company: "Navy" }), actor);
  const scored = (score: number, at: Date, eventId = randomUUID()) =>
    LeadScored.encode({
      meta: { id: eventId, type: "marketing.lead.scored", tenantId: tenant, entityId: lead.id, actorId: "marketing-lead-scoring", requestId: "", occurredAt: at.toISOString() },
      leadId: lead.id,
      score,
      scoredAt: at.toISOString(),
    }).finish();
  const newer = new Date("2026-06-02T10:00:00Z");
  const older = new Date("2026-06-01T10:00:00Z");

  await publish("marketing.lead.scored", scored(40, newer));
  const applied = await eventually(() => clients.leads.getLead({ id: lead.id }, actor), (l) => l.score === 40, "the score of 40 on the lead");
  expect(applied.scoredAt).toBe(newer.toISOString());

  await publish("marketing.lead.scored", scored(25, older));
  await publish("marketing.lead.scored", scored(40, newer));
  await drained(env.LEAD_SCORES_DURABLE);
  const after = await clients.leads.getLead({ id: lead.id }, actor);
  expect(after.score).toBe(40);
  expect(after.version).toBe(applied.version);

  // Another tenant's score event cannot reach this tenant's lead.
  const other = LeadScored.encode({ meta: { id: randomUUID(), type: "marketing.lead.scored", tenantId: `globex-${run}`, entityId: lead.id, actorId: "", requestId: "", occurredAt: new Date().toISOString() }, leadId: lead.id, score: 99, scoredAt: new Date().toISOString() }).finish();
  await publish("marketing.lead.scored", other);
  await drained(env.LEAD_SCORES_DURABLE);
  expect((await clients.leads.getLead({ id: lead.id }, actor)).score).toBe(40);
});
