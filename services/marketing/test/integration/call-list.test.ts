import { status as GrpcStatus } from "@grpc/grpc-js";
import { connectMongo, createLogger, type EventBus } from "@relata/platform";
import { CallLogged } from "@relata/proto/events/v1/marketing";
import { CampaignAction, CreateCampaignRequest, type Campaign } from "@relata/proto/marketing/v1/campaign";
import { Channel } from "@relata/proto/marketing/v1/channel";
import type { Call } from "@relata/proto/marketing/v1/call_list";
import { localStack, testServerPort } from "@relata/testing";
import type { CampaignMemberRecord, MarketingChannel } from "../../src/domain/types";
import { memberId } from "../../src/store/campaign-members";
import { as, connectBus, dropDatabase, eventually, failureOf, marketingClientsAt, nextSequence, readStream, runId, startMarketingProcess, type MarketingClients, type MarketingProcess } from "./support";

// A phone campaign's call list against two processes on one database (two replicas): the
// distribution is safe under concurrency, reps see their own calls, outcomes are kept.
jest.setTimeout(120_000);

const run = runId();
const acme = `acme-${run}`;
const globex = `globex-${run}`;
const database = `relata_marketing_test_calls_${run}`;
const marketer = as(acme, "mia", ["marketer"]);
const rep = (subject: string) => as(acme, subject, ["sales-rep"]);
const stranger = as(globex, "gus", ["marketer"]);

let replicas: MarketingProcess[] = [];
let clients: MarketingClients[] = [];
let bus: EventBus;

beforeAll(async () => {
  replicas = [await startMarketingProcess({ port: testServerPort(424), database }), await startMarketingProcess({ port: testServerPort(425), database })];
  clients = replicas.map((r) => marketingClientsAt(r.address));
  bus = await connectBus("marketing-call-list-test");
});

afterAll(async () => {
  for (const c of clients) c.close();
  for (const r of replicas) await r.stop();
  await bus?.jsm.consumers.delete("MARKETING", `marketing-campaign-clock-${database}`.slice(0, 64)).catch(() => undefined);
  await bus?.close();
  await dropDatabase(database);
});

/** A running campaign on `channels` (no targets), then its members written as a launch fixes them. */
async function runningWithMembers(channels: Channel[], members: { personId: string; channels: MarketingChannel[] }[]): Promise<Campaign> {
  const [a] = clients;
  const draft = await a!.campaigns.createCampaign(CreateCampaignRequest.fromPartial({ name: "Call round", channels: { values: channels } }), marketer);
  const running = await a!.campaigns.transitionCampaign({ id: draft.id, expectedVersion: draft.version, action: CampaignAction.CAMPAIGN_ACTION_LAUNCH }, marketer);
  const db = await connectMongo(`${localStack.ferretdbUri}/${database}`, createLogger("call-list-test", "silent"));
  try {
    const docs: CampaignMemberRecord[] = members.map((m, i) => ({
      _id: memberId(acme, running.id, m.personId),
      tenantId: acme,
      campaignId: running.id,
      personId: m.personId,
      kind: "contact",
      firstName: `First${i}`,
      lastName: `Last${i}`,
      email: `m${i}@example.com`,
      phone: `+44 20 7946 ${String(i).padStart(4, "0")}`,
      channels: m.channels,
      addedAt: new Date(),
    }));
    if (docs.length) await db.collection("campaign_members").insertMany(docs as never[]);
  } finally {
    await db.close();
  }
  return running;
}

async function everyCall(campaignId: string, who = marketer, assigneeId = ""): Promise<Call[]> {
  const out: Call[] = [];
  let cursor = "";
  do {
    const page = await clients[0]!.callLists.listCalls({ campaignId, assigneeId, page: { pageSize: 200, cursor, sort: "" } }, who);
    out.push(...page.calls);
    cursor = page.page?.nextCursor ?? "";
  } while (cursor);
  return out;
}

const people = (n: number, channels: MarketingChannel[], prefix = "p") => Array.from({ length: n }, (_, i) => ({ personId: `${prefix}${String(i).padStart(4, "0")}`, channels }));

test("20 concurrent distributions over two replicas give each phone member exactly one rep, evenly", async () => {
  const c = await runningWithMembers([Channel.CHANNEL_PHONE, Channel.CHANNEL_EMAIL], [...people(250, ["phone", "email"]), ...people(30, ["email"], "e")]);
  const reps = ["rep-a", "rep-b", "rep-c"];
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => clients[i % 2]!.callLists.distributeCallList({ campaignId: c.id, reps }, marketer)));
  expect(results.reduce((sum, r) => sum + Number(r.assigned), 0)).toBe(250);
  expect(results.every((r) => r.total === "250")).toBe(true);

  const calls = await everyCall(c.id);
  expect(calls).toHaveLength(250);
  expect(new Set(calls.map((x) => x.personId)).size).toBe(250);
  expect(calls.every((x) => x.personId.startsWith("p"))).toBe(true);
  const perRep = reps.map((r) => calls.filter((x) => x.assigneeId === r).length);
  expect(perRep).toEqual([84, 83, 83]);

  // The members the launch fixed, paged in person order, each with its channels.
  const firstPage = await clients[1]!.campaigns.listCampaignMembers({ campaignId: c.id, page: { pageSize: 200, cursor: "", sort: "" } }, marketer);
  expect(firstPage.members).toHaveLength(200);
  expect(firstPage.members[0]).toMatchObject({ personId: "e0000", channels: { values: [Channel.CHANNEL_EMAIL] } });
  const secondPage = await clients[1]!.campaigns.listCampaignMembers({ campaignId: c.id, page: { pageSize: 200, cursor: firstPage.page!.nextCursor, sort: "" } }, marketer);
  expect(secondPage.members).toHaveLength(80);
  expect(secondPage.page?.nextCursor).toBe("");
  expect(secondPage.members.at(-1)).toMatchObject({ personId: "p0249", channels: { values: [Channel.CHANNEL_PHONE, Channel.CHANNEL_EMAIL] } });

  // Later reps take only members left: none here, so nothing moves.
  const later = await clients[1]!.callLists.distributeCallList({ campaignId: c.id, reps: ["rep-d"] }, marketer);
  expect(later.assigned).toBe("0");
  expect((await everyCall(c.id)).filter((x) => x.assigneeId === "rep-d")).toHaveLength(0);
});

test("a rep sees their own calls and logs outcomes on them, each attempt kept with the latest outcome", async () => {
  const c = await runningWithMembers([Channel.CHANNEL_PHONE], people(6, ["phone"]));
  await clients[0]!.callLists.distributeCallList({ campaignId: c.id, reps: ["rep-a", "rep-b"] }, marketer);
  const own = await everyCall(c.id, rep("rep-a"));
  expect(own.map((x) => x.personId)).toEqual(["p0000", "p0002", "p0004"]);
  expect(own.every((x) => x.assigneeId === "rep-a" && x.outcome === "")).toBe(true);
  expect((await failureOf(clients[0]!.callLists.listCalls({ campaignId: c.id, assigneeId: "rep-b" }, rep("rep-a")))).code).toBe(GrpcStatus.PERMISSION_DENIED);
  expect(await everyCall(c.id, marketer, "rep-b")).toHaveLength(3);

  const from = await nextSequence(bus);
  const callbackAt = new Date(Date.now() + 86_400_000).toISOString();
  await clients[0]!.callLists.logCallOutcome({ campaignId: c.id, personId: "p0002", outcome: "callback", note: "after lunch", callbackAt }, rep("rep-a"));
  const logged = await clients[1]!.callLists.logCallOutcome({ campaignId: c.id, personId: "p0002", outcome: "interested", note: "wants a demo" }, rep("rep-a"));
  expect(logged.outcome).toBe("interested");
  expect(logged.callbackAt).toBeUndefined();
  expect(logged.attempts.map((a) => [a.outcome, a.note, a.loggedBy])).toEqual([
    ["callback", "after lunch", "rep-a"],
    ["interested", "wants a demo", "rep-a"],
  ]);
  expect(logged.attempts[0]!.callbackAt).toBe(callbackAt);

  const events = await eventually(
    async () => (await readStream(bus, from, "marketing.call.logged", (d) => CallLogged.decode(d).meta)).filter((e) => e.meta.tenantId === acme),
    (e) => e.length === 2,
    "both attempts on the stream",
  );
  const last = CallLogged.decode((await bus.jsm.streams.getMessage("MARKETING", { seq: events[1]!.seq }))!.data);
  expect(last).toMatchObject({ campaignId: c.id, personId: "p0002", assigneeId: "rep-a", outcome: "interested", attempt: 2 });

  expect((await failureOf(clients[0]!.callLists.logCallOutcome({ campaignId: c.id, personId: "p0002", outcome: "busy", note: "" }, rep("rep-b")))).code).toBe(GrpcStatus.PERMISSION_DENIED);
  const noInstant = await failureOf(clients[0]!.callLists.logCallOutcome({ campaignId: c.id, personId: "p0000", outcome: "callback", note: "" }, rep("rep-a")));
  expect(noInstant.field).toBe("callback_at");
  const badOutcome = await failureOf(clients[0]!.callLists.logCallOutcome({ campaignId: c.id, personId: "p0000", outcome: "maybe", note: "" }, rep("rep-a")));
  expect(badOutcome.field).toBe("outcome");
  expect((await failureOf(clients[0]!.callLists.logCallOutcome({ campaignId: c.id, personId: "nobody", outcome: "busy", note: "" }, marketer))).code).toBe(GrpcStatus.NOT_FOUND);
});

test("a call list needs a running phone campaign and named, distinct reps", async () => {
  const emailOnly = await runningWithMembers([Channel.CHANNEL_EMAIL], []);
  const noPhone = await failureOf(clients[0]!.callLists.distributeCallList({ campaignId: emailOnly.id, reps: ["rep-a"] }, marketer));
  expect([noPhone.code, noPhone.field]).toEqual([GrpcStatus.ABORTED, "channels"]);
  const draft = await clients[0]!.campaigns.createCampaign(CreateCampaignRequest.fromPartial({ name: "Not yet", channels: { values: [Channel.CHANNEL_PHONE] } }), marketer);
  const notRunning = await failureOf(clients[0]!.callLists.distributeCallList({ campaignId: draft.id, reps: ["rep-a"] }, marketer));
  expect([notRunning.code, notRunning.field]).toEqual([GrpcStatus.ABORTED, "status"]);
  expect((await failureOf(clients[0]!.callLists.distributeCallList({ campaignId: draft.id, reps: [] }, marketer))).field).toBe("reps");
  expect((await failureOf(clients[0]!.callLists.distributeCallList({ campaignId: draft.id, reps: ["a", "a"] }, marketer))).field).toBe("reps.1");
});

test("another tenant can neither distribute, read nor log a campaign's calls", async () => {
  const c = await runningWithMembers([Channel.CHANNEL_PHONE], people(2, ["phone"]));
  await clients[0]!.callLists.distributeCallList({ campaignId: c.id, reps: ["rep-a"] }, marketer);
  expect((await failureOf(clients[0]!.callLists.distributeCallList({ campaignId: c.id, reps: ["x"] }, stranger))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await failureOf(clients[0]!.callLists.listCalls({ campaignId: c.id, assigneeId: "" }, stranger))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await failureOf(clients[0]!.callLists.logCallOutcome({ campaignId: c.id, personId: "p0000", outcome: "busy", note: "" }, stranger))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await everyCall(c.id)).map((x) => [x.assigneeId, x.outcome])).toEqual([
    ["rep-a", ""],
    ["rep-a", ""],
  ]);
});
