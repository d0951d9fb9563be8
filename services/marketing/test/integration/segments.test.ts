import { status as GrpcStatus } from "@grpc/grpc-js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventBus } from "@relata/platform";
import { SegmentChanged } from "@relata/proto/events/v1/marketing";
import { CreateSegmentRequest, SegmentMatch, type SegmentPreview } from "@relata/proto/marketing/v1/segment";
import { LeadStatus } from "@relata/proto/sales/v1/lead";
import { testServerPort } from "@relata/testing";
import { publishAccount, publishContact, publishLead } from "./audience-events";
import { as, connectBus, dropDatabase, eventually, failureOf, marketingClientsAt, nextSequence, readStream, runId, startMarketingProcess, type MarketingClients, type MarketingProcess } from "./support";

// Segments over the audience the service builds from Sales' events (published here straight onto
// the SALES stream), through the built service's gRPC API.
jest.setTimeout(600_000);

const run = runId();
const acme = `acme-${run}`;
const globex = `globex-${run}`;
const marketer = as(acme, "mia", ["marketer"]);
const globexMarketer = as(globex, "gus", ["marketer"]);

let marketing: MarketingProcess;
let clients: MarketingClients;
let bus: EventBus;

beforeAll(async () => {
  bus = await connectBus("marketing-segments-test");
  // Acme: a retail account in the north with two contacts (one without email), two leads; Globex: one lead.
  await publishAccount(bus, "created", { id: `a1-${run}`, tenantId: acme, version: 1, name: "Acme Stores", industry: "Retail", territory: "North" });
  await publishContact(bus, "created", { id: `c1-${run}`, tenantId: acme, version: 1, accountId: `a1-${run}`, firstName: "Ada", lastName: "Lovelace", email: "ada@acme.example", ownerId: "rep1" });
  await publishContact(bus, "created", { id: `c2-${run}`, tenantId: acme, version: 1, accountId: `a1-${run}`, firstName: "Alan", lastName: "Turing", phone: "+44 1234" });
  await publishLead(bus, "created", { id: `l1-${run}`, tenantId: acme, version: 1, firstName: "Lin", company: "Beta", industry: "Energy", email: "lin@beta.example" });
  await publishLead(bus, "created", { id: `l2-${run}`, tenantId: acme, version: 1, firstName: "Bo", company: "Gamma", industry: "Retail" });
  await publishLead(bus, "created", { id: `g1-${run}`, tenantId: globex, version: 1, firstName: "Gia", industry: "Retail" });
  marketing = await startMarketingProcess({ port: testServerPort(400) });
  clients = marketingClientsAt(marketing.address);
  await caughtUp(clients);
});

/**
 * Waits until a process's audience has replayed what the SALES stream held when it started (the
 * stream is the stack's, with every earlier run's events: this may take a while).
 */
async function caughtUp(c: MarketingClients): Promise<void> {
  const anyone = () => c.segments.previewSegment({ match: SegmentMatch.SEGMENT_MATCH_ALL, conditions: { values: [] }, sampleSize: 0 }, marketer);
  await eventually(anyone, (p) => p.audienceCaughtUp, "the audience caught up with the SALES stream", 240_000);
}

afterAll(async () => {
  clients?.close();
  await marketing?.stop();
  await bus?.close();
  if (marketing) await dropDatabase(marketing.database);
});

const ids = (p: SegmentPreview) => p.sample.map((m) => m.personId).sort();
const retail = { field: "industry", operator: "equals", value: "retail" };

test("a preview counts and samples the tenant's audience by the rules, all or any", async () => {
  const preview = (match: SegmentMatch, values: object[], identity = marketer) =>
    clients.segments.previewSegment({ match, conditions: { values: values as never }, sampleSize: 50 }, identity);
  const retailAll = await eventually(() => preview(SegmentMatch.SEGMENT_MATCH_ALL, [retail]), (p) => p.count === "3", "the audience built from the events");
  expect(ids(retailAll)).toEqual([`c1-${run}`, `c2-${run}`, `l2-${run}`]);
  expect(retailAll.audienceCaughtUp).toBe(true);
  const ada = retailAll.sample.find((m) => m.personId === `c1-${run}`);
  expect(ada).toMatchObject({ kind: "contact", email: "ada@acme.example", company: "Acme Stores", territory: "North", lifecycleStage: "customer", ownerId: "rep1", accountId: `a1-${run}` });

  const withEmail = await preview(SegmentMatch.SEGMENT_MATCH_ALL, [retail, { field: "email", operator: "exists" }]);
  expect(ids(withEmail)).toEqual([`c1-${run}`]);
  const anyOf = await preview(SegmentMatch.SEGMENT_MATCH_ANY, [{ field: "territory", operator: "equals", value: "North" }, { field: "company", operator: "contains", value: "bet" }]);
  expect(ids(anyOf)).toEqual([`c1-${run}`, `c2-${run}`, `l1-${run}`]);

  // Another tenant's preview sees only its own people.
  const theirs = await eventually(() => preview(SegmentMatch.SEGMENT_MATCH_ALL, [retail], globexMarketer), (p) => p.count === "1", "globex's audience");
  expect(ids(theirs)).toEqual([`g1-${run}`]);

  // A sample never holds more than asked.
  const small = await clients.segments.previewSegment({ match: SegmentMatch.SEGMENT_MATCH_ALL, conditions: { values: [] }, sampleSize: 2 }, marketer);
  expect(small.count).toBe("4");
  expect(small.sample).toHaveLength(2);
});

test("the audience follows Sales: a newer version applies, a deleted person leaves, an account's change reaches its contacts", async () => {
  await publishLead(bus, "qualified", { id: `l1-${run}`, tenantId: acme, version: 2, firstName: "Lin", company: "Beta", industry: "Energy", status: LeadStatus.LEAD_STATUS_QUALIFIED });
  await publishLead(bus, "deleted", { id: `l2-${run}`, tenantId: acme, version: 2, firstName: "Bo", company: "Gamma", industry: "Retail" });
  await publishAccount(bus, "updated", { id: `a1-${run}`, tenantId: acme, version: 2, name: "Acme Stores", industry: "Banking", territory: "North" });
  const qualified = { field: "lifecycleStage", operator: "in", value: ["qualified"] };
  const after = await eventually(
    () => clients.segments.previewSegment({ match: SegmentMatch.SEGMENT_MATCH_ANY, conditions: { values: [retail, qualified] as never }, sampleSize: 10 }, marketer),
    (p) => p.count === "1",
    "the changes applied",
  );
  expect(ids(after)).toEqual([`l1-${run}`]);
});

test("a saved segment is a record of the tenant with its events, its conditions checked field by field, and a preview of its own", async () => {
  const from = await nextSequence(bus);
  const created = await clients.segments.createSegment(
    CreateSegmentRequest.fromPartial({ name: "Northern customers", conditions: { values: [{ field: "territory", operator: "equals", value: "North" }, { field: "kind", operator: "equals", value: "contact" }] } }),
    marketer,
  );
  expect(created.match).toBe(SegmentMatch.SEGMENT_MATCH_ALL);
  expect(created.ownerId).toBe("mia");
  expect(created.conditions?.values).toEqual([
    { field: "territory", operator: "equals", value: "North" },
    { field: "kind", operator: "equals", value: "contact" },
  ]);
  const preview = await eventually(() => clients.segments.previewSavedSegment({ id: created.id, sampleSize: 0 }, marketer), (p) => p.count === "2", "the saved segment's members");
  expect(ids(preview)).toEqual([`c1-${run}`, `c2-${run}`]);

  expect((await failureOf(clients.segments.previewSavedSegment({ id: created.id, sampleSize: 0 }, globexMarketer))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await failureOf(clients.segments.getSegment({ id: created.id }, globexMarketer))).code).toBe(GrpcStatus.NOT_FOUND);

  const bad = await failureOf(
    clients.segments.createSegment(CreateSegmentRequest.fromPartial({ name: "bad", conditions: { values: [retail, { field: "createdAt", operator: "greater", value: "last week" }] } }), marketer),
  );
  expect(bad.code).toBe(GrpcStatus.INVALID_ARGUMENT);
  expect(bad.field).toBe("conditions.1.value");
  const badPreview = await failureOf(clients.segments.previewSegment({ match: SegmentMatch.SEGMENT_MATCH_ALL, conditions: { values: [{ field: "salary", operator: "equals", value: "1" }] }, sampleSize: 0 }, marketer));
  expect(badPreview.field).toBe("conditions.0.field");

  const deleted = await clients.segments.deleteSegment({ id: created.id, expectedVersion: created.version }, marketer);
  expect((await failureOf(clients.segments.previewSavedSegment({ id: created.id, sampleSize: 0 }, marketer))).code).toBe(GrpcStatus.NOT_FOUND);
  await clients.segments.restoreSegment({ id: created.id, expectedVersion: deleted.version }, marketer);

  const kinds = ["created", "deleted", "restored"];
  const subjects = await eventually(
    async () => {
      const found = await Promise.all(
        kinds.map(async (kind) => (await readStream(bus, from, `marketing.segment.${kind}`, (data) => SegmentChanged.decode(data).meta)).filter((e) => e.meta.entityId === created.id)),
      );
      return found.flat().map((e) => e.meta.type);
    },
    (found) => found.length === 3,
    "the segment's events",
  );
  expect(subjects).toEqual(["marketing.segment.created", "marketing.segment.deleted", "marketing.segment.restored"]);
});

test("the audience kept in a file survives a restart: what was applied stays, what came meanwhile is added once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "marketing-audience-"));
  const env = { AUDIENCE_DB_PATH: join(dir, "audience.duckdb") };
  const port = testServerPort(401);
  const tenant = `restart-${run}`;
  const mine = as(tenant, "mia", ["marketer"]);
  const everyone = (c: MarketingClients) => c.segments.previewSegment({ match: SegmentMatch.SEGMENT_MATCH_ALL, conditions: { values: [] }, sampleSize: 50 }, mine);
  try {
    await publishLead(bus, "created", { id: `x1-${run}`, tenantId: tenant, version: 1, industry: "Retail" });
    let replica = await startMarketingProcess({ port, database: marketing.database, env });
    let c = marketingClientsAt(replica.address);
    await caughtUp(c);
    await eventually(() => everyone(c), (p) => p.count === "1" && p.audienceCaughtUp, "the first person");
    c.close();
    await replica.stop();

    await publishLead(bus, "created", { id: `x2-${run}`, tenantId: tenant, version: 1, industry: "Retail" });
    await publishLead(bus, "updated", { id: `x1-${run}`, tenantId: tenant, version: 2, industry: "Energy" });
    replica = await startMarketingProcess({ port, database: marketing.database, env });
    c = marketingClientsAt(replica.address);
    const after = await eventually(() => everyone(c), (p) => p.count === "2" && p.sample.some((m) => m.industry === "Energy"), "the events published while it was down");
    expect(after.sample.map((m) => [m.personId, m.industry]).sort()).toEqual([[`x1-${run}`, "Energy"], [`x2-${run}`, "Retail"]]);
    c.close();
    await replica.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
