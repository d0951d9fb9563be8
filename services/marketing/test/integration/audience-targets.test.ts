import { connectMongo, createLogger, type EventBus } from "@relata/platform";
import { localStack } from "@relata/testing";
import type { Connection } from "mongoose";
import { Audience, TARGET_BATCH } from "../../src/audience";
import type { AudiencePerson } from "../../src/domain/types";
import { createModels, type MarketingModels } from "../../src/store/models";
import { publishContact, publishLead } from "./audience-events";
import { connectBus, dropDatabase, runId } from "./support";

// The AudienceReader campaigns launch from: an Audience in this process, on the stack's NATS
// (Sales' events published here) and FerretDB (segments and list memberships written here).
jest.setTimeout(300_000);

const run = runId();
const acme = `acme-${run}`;
const globex = `globex-${run}`;
const database = `relata_marketing_audience_test_${run}`;
const logger = createLogger("audience-targets-test", "silent");

let bus: EventBus;
let db: Connection;
let models: MarketingModels;
let audience: Audience;

/** Leads of Retail (in the segment) beyond one batch, two Energy leads and a contact (on lists only), and Globex's Retail lead. */
const RETAIL_LEADS = TARGET_BATCH + 50;
const retailId = (i: number) => `r${String(i).padStart(5, "0")}-${run}`;

beforeAll(async () => {
  bus = await connectBus("audience-targets-test");
  db = await connectMongo(`${localStack.ferretdbUri}/${database}`, logger);
  models = createModels(db);
  for (let i = 0; i < RETAIL_LEADS; i++) await publishLead(bus, "created", { id: retailId(i), tenantId: acme, version: 1, industry: "Retail", email: `r${i}@example.com` });
  await publishLead(bus, "created", { id: `e1-${run}`, tenantId: acme, version: 1, industry: "Energy", email: "e1@example.com" });
  await publishLead(bus, "created", { id: `e2-${run}`, tenantId: acme, version: 1, industry: "Energy" });
  await publishContact(bus, "created", { id: `c1-${run}`, tenantId: acme, version: 1, firstName: "Ada", email: "ada@example.com", phone: "+1 555" });
  await publishLead(bus, "created", { id: `g1-${run}`, tenantId: globex, version: 1, industry: "Retail" });
  audience = await Audience.open({ path: ":memory:", bus, logger, models });
  await audience.caughtUp();
});

afterAll(async () => {
  await audience?.close();
  await bus?.close();
  await db?.close();
  await dropDatabase(database);
});

const now = new Date();
const segment = (tenantId: string, id: string, conditions: object[]) =>
  models.segments.create({ _id: id, tenantId, name: id, match: "all", conditions, ownerId: "mia", version: 1, createdAt: now, updatedAt: now, idempotencyKey: id });
const member = (tenantId: string, listId: string, personId: string) =>
  models.listMembers.create({ _id: `${tenantId}/${listId}:${personId}`, tenantId, listId, personId, addedAt: now });

async function collect(batches: AsyncIterable<AudiencePerson[]>): Promise<AudiencePerson[][]> {
  const out: AudiencePerson[][] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

test("targets yield segments' and lists' members once each, in batches, leaving out people the audience does not know", async () => {
  await segment(acme, `retail-${run}`, [{ field: "industry", operator: "equals", value: "Retail" }]);
  await segment(acme, `retail-mail-${run}`, [{ field: "industry", operator: "equals", value: "retail" }, { field: "email", operator: "exists" }]);
  // List one: a person already in the segments, an Energy lead, the contact and someone unknown;
  // list two: the Energy lead again and the other Energy lead.
  for (const personId of [retailId(0), `e1-${run}`, `c1-${run}`, `unknown-${run}`]) await member(acme, `list1-${run}`, personId);
  for (const personId of [`e1-${run}`, `e2-${run}`]) await member(acme, `list2-${run}`, personId);

  const batches = await collect(audience.targets(acme, { segmentIds: [`retail-${run}`, `retail-mail-${run}`], listIds: [`list1-${run}`, `list2-${run}`] }));
  expect(batches.every((b) => b.length > 0 && b.length <= TARGET_BATCH)).toBe(true);
  const people = batches.flat();
  const ids = people.map((p) => p.personId);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.sort()).toEqual([...Array.from({ length: RETAIL_LEADS }, (_, i) => retailId(i)), `c1-${run}`, `e1-${run}`, `e2-${run}`].sort());
  expect(people.find((p) => p.personId === `c1-${run}`)).toEqual({
    personId: `c1-${run}`, kind: "contact", firstName: "Ada", lastName: "", email: "ada@example.com", phone: "+1 555", ownerId: "", accountId: "",
  });
});

test("targets and people stay in the caller's tenant; a segment gone from the tenant is refused", async () => {
  await segment(globex, `g-retail-${run}`, [{ field: "industry", operator: "equals", value: "Retail" }]);
  const theirs = (await collect(audience.targets(globex, { segmentIds: [`g-retail-${run}`], listIds: [`list1-${run}`] }))).flat();
  expect(theirs.map((p) => p.personId)).toEqual([`g1-${run}`]);
  await expect(collect(audience.targets(globex, { segmentIds: [`retail-${run}`], listIds: [] }))).rejects.toThrow(/no longer exists/);

  expect((await audience.people(acme, [`e1-${run}`, `g1-${run}`, `unknown-${run}`])).map((p) => p.personId)).toEqual([`e1-${run}`]);
  expect((await audience.people(globex, [`g1-${run}`, `e1-${run}`])).map((p) => p.personId)).toEqual([`g1-${run}`]);
});
