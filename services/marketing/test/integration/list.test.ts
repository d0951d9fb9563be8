import { status as GrpcStatus } from "@grpc/grpc-js";
import type { EventBus } from "@relata/platform";
import { MarketingListChanged } from "@relata/proto/events/v1/marketing";
import { localStack, testServerPort } from "@relata/testing";
import mongoose, { type Connection } from "mongoose";
import type { AudiencePerson, AudienceReader } from "../../src/domain/types";
import { createModels, type MarketingModels } from "../../src/store/models";
import { addListMembers, addSegmentToList, listMemberStore } from "../../src/workflows/list-members";
import { as, asPartner, connectBus, dropDatabase, eventually, failureOf, marketingClientsAt, nextSequence, readStream, runId, startMarketingProcess, type MarketingClients, type MarketingProcess } from "./support";

// Marketing lists: CRUD on the kit, tenant-scoped, events; members written by unique inserts in
// batches on the real database (the audience, another area's port, is given here in memory).
jest.setTimeout(60_000);

const run = runId();
const acme = `acme-${run}`;
const globex = `globex-${run}`;
const marketer = as(acme, "mia", ["marketer"]);
const globexMarketer = as(globex, "gus", ["marketer"]);

let marketing: MarketingProcess;
let clients: MarketingClients;
let bus: EventBus;
let db: Connection;
let models: MarketingModels;

const person = (personId: string): AudiencePerson => ({ personId, kind: "lead", firstName: "", lastName: personId, email: "", phone: "", ownerId: "", accountId: "" });
const SEGMENT_SIZE = 2_500;
const audience: AudienceReader = {
  async people(_tenantId, ids) {
    return ids.filter((id) => id.startsWith("p")).map(person);
  },
  async *targets() {
    for (let i = 0; i < SEGMENT_SIZE; i += 1_000) yield Array.from({ length: Math.min(1_000, SEGMENT_SIZE - i) }, (_, j) => person(`p${i + j}`));
  },
};

beforeAll(async () => {
  marketing = await startMarketingProcess({ port: testServerPort(441) });
  clients = marketingClientsAt(marketing.address);
  bus = await connectBus("marketing-list-test");
  db = await mongoose.createConnection(`${localStack.ferretdbUri}/${marketing.database}`).asPromise();
  models = createModels(db);
});

afterAll(async () => {
  clients?.close();
  await db?.close();
  await marketing?.stop();
  await bus?.close();
  if (marketing) await dropDatabase(marketing.database);
});

test("a list is created, read in its tenant only, renamed, deleted and restored, each reported", async () => {
  const from = await nextSequence(bus);
  const list = await clients.lists.createMarketingList({ name: "Trade fair 2026", description: "Visitors of our booth", ownerId: "", idempotencyKey: "" }, marketer);
  expect(list).toMatchObject({ name: "Trade fair 2026", ownerId: "mia", tenantId: acme });
  expect((await clients.lists.getMarketingList({ id: list.id }, asPartner(acme, ["marketing:read"]))).name).toBe("Trade fair 2026");
  expect((await failureOf(clients.lists.getMarketingList({ id: list.id }, globexMarketer))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await clients.lists.listMarketingLists({ ownerId: "" }, globexMarketer)).lists).toEqual([]);

  // Another tenant can neither change, delete nor restore it.
  expect((await failureOf(clients.lists.updateMarketingList({ id: list.id, expectedVersion: list.version, name: "Taken over" }, globexMarketer))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await failureOf(clients.lists.deleteMarketingList({ id: list.id, expectedVersion: list.version }, globexMarketer))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await failureOf(clients.lists.restoreMarketingList({ id: list.id, expectedVersion: list.version }, globexMarketer))).code).toBe(GrpcStatus.NOT_FOUND);

  const renamed = await clients.lists.updateMarketingList({ id: list.id, expectedVersion: list.version, name: "Trade fair visitors" }, marketer);
  const deleted = await clients.lists.deleteMarketingList({ id: list.id, expectedVersion: renamed.version }, marketer);
  expect((await failureOf(clients.lists.getMarketingList({ id: list.id }, marketer))).code).toBe(GrpcStatus.NOT_FOUND);
  await clients.lists.restoreMarketingList({ id: list.id, expectedVersion: deleted.version }, marketer);

  for (const kind of ["created", "updated", "deleted", "restored"]) {
    const events = await eventually(
      async () => (await readStream(bus, from, `marketing.list.${kind}`, (data) => MarketingListChanged.decode(data).meta)).filter((e) => e.meta.entityId === list.id),
      (found) => found.length === 1,
      `the list's ${kind} event`,
    );
    expect(MarketingListChanged.decode(events[0]!.data).list?.id).toBe(list.id);
  }
});

test("members: a segment's 2,500 added in batches, ids added once, paged, removed; another tenant's list is 404 for every member operation", async () => {
  const list = await clients.lists.createMarketingList({ name: "Webinar invitees", description: "", ownerId: "", idempotencyKey: "" }, marketer);
  const store = listMemberStore(models);
  expect(await addSegmentToList(audience, store, acme, list.id, "segment-1")).toEqual({ added: SEGMENT_SIZE, alreadyMembers: 0 });
  // Added again, with two new people among them: only those are written.
  expect(await addListMembers(audience, store, acme, list.id, ["p1", "p2", "p-new-1", "p-new-2"])).toEqual({ added: 2, alreadyMembers: 2 });
  // Concurrent adds of the same people add each once.
  const concurrent = await Promise.all([addListMembers(audience, store, acme, list.id, ["p-c1", "p-c2"]), addListMembers(audience, store, acme, list.id, ["p-c1", "p-c2"])]);
  expect(concurrent.reduce((n, r) => n + r.added, 0)).toBe(2);

  const seen = new Set<string>();
  let cursor = "";
  let pages = 0;
  do {
    const page = await clients.lists.listListMembers({ listId: list.id, page: { pageSize: 200, cursor, sort: "" } }, marketer);
    for (const m of page.members) seen.add(m.personId);
    cursor = page.page?.nextCursor ?? "";
    pages++;
  } while (cursor);
  expect(seen.size).toBe(SEGMENT_SIZE + 4);
  expect(pages).toBe(Math.ceil((SEGMENT_SIZE + 4) / 200));

  expect(await clients.lists.removeListMembers({ listId: list.id, personIds: ["p1", "p2", "not-on-it"] }, marketer)).toEqual({ removed: 2, notMembers: 1 });
  const firstPage = await clients.lists.listListMembers({ listId: list.id, page: { pageSize: 200, cursor: "", sort: "" } }, marketer);
  expect(firstPage.members.map((m) => m.personId)).not.toContain("p1");

  for (const call of [
    () => clients.lists.listListMembers({ listId: list.id }, globexMarketer),
    () => clients.lists.removeListMembers({ listId: list.id, personIds: ["p3"] }, globexMarketer),
    () => clients.lists.addListMembers({ listId: list.id, personIds: ["p3"] }, globexMarketer),
    () => clients.lists.addSegmentToList({ listId: list.id, segmentId: "segment-1" }, globexMarketer),
  ]) {
    expect((await failureOf(call())).code).toBe(GrpcStatus.NOT_FOUND);
  }
  // Nothing was removed by the other tenant.
  expect(await models.listMembers.countDocuments({ tenantId: acme, listId: list.id, personId: "p3" })).toBe(1);
});

test("member requests are checked at the boundary, naming the field", async () => {
  const list = await clients.lists.createMarketingList({ name: "Checked", description: "", ownerId: "", idempotencyKey: "" }, marketer);
  for (const [request, field] of [
    [{ listId: list.id, personIds: [] }, "person_ids"],
    [{ listId: list.id, personIds: ["ok", " "] }, "person_ids.1"],
    [{ listId: list.id, personIds: Array.from({ length: 1_001 }, (_, i) => `p${i}`) }, "person_ids"],
    [{ listId: "", personIds: ["p1"] }, "list_id"],
  ] as const) {
    const failure = await failureOf(clients.lists.removeListMembers({ ...request, personIds: [...request.personIds] }, marketer));
    expect(failure.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(failure.field).toBe(field);
  }
});
