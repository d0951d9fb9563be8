import { status as GrpcStatus } from "@grpc/grpc-js";
import type { EventBus } from "@relata/platform";
import { CampaignChanged } from "@relata/proto/events/v1/marketing";
import { CampaignAction, CampaignStatus, CreateCampaignRequest, type Campaign } from "@relata/proto/marketing/v1/campaign";
import { Channel } from "@relata/proto/marketing/v1/channel";
import { testServerPort } from "@relata/testing";
import { campaignDueEvent } from "../../src/events/campaign-events";
import { as, connectBus, dropDatabase, eventually, failureOf, marketingClientsAt, nextSequence, readStream, runId, startMarketingProcess, type MarketingClients, type MarketingProcess } from "./support";

// The lifecycle's verbs through gRPC against the built process, real FerretDB and JetStream.
// The campaigns here have no targets (no members), so no audience is needed.
jest.setTimeout(90_000);

const run = runId();
const acme = `acme-${run}`;
const globex = `globex-${run}`;
const marketer = as(acme, "mia", ["marketer"]);
const stranger = as(globex, "gus", ["marketer"]);

let marketing: MarketingProcess;
let clients: MarketingClients;
let bus: EventBus;

beforeAll(async () => {
  marketing = await startMarketingProcess({ port: testServerPort(423) });
  clients = marketingClientsAt(marketing.address);
  bus = await connectBus("marketing-campaign-lifecycle-test");
});

afterAll(async () => {
  clients?.close();
  await marketing?.stop();
  await bus?.jsm.consumers.delete("MARKETING", `marketing-campaign-clock-${marketing.database}`.slice(0, 64)).catch(() => undefined);
  await bus?.close();
  if (marketing) await dropDatabase(marketing.database);
});

const inSeconds = (s: number) => new Date(Date.now() + s * 1_000).toISOString();
const draft = (over: Partial<CreateCampaignRequest> = {}) =>
  clients.campaigns.createCampaign(
    CreateCampaignRequest.fromPartial({ name: "Webinar", startsAt: inSeconds(3_600), endsAt: inSeconds(7_200), channels: { values: [Channel.CHANNEL_EMAIL] }, ...over }),
    marketer,
  );
const move = (c: Pick<Campaign, "id" | "version">, action: CampaignAction, who = marketer) => clients.campaigns.transitionCampaign({ id: c.id, expectedVersion: c.version, action }, who);
const { CAMPAIGN_ACTION_SCHEDULE: SCHEDULE, CAMPAIGN_ACTION_LAUNCH: LAUNCH, CAMPAIGN_ACTION_COMPLETE: COMPLETE, CAMPAIGN_ACTION_CANCEL: CANCEL } = CampaignAction;
const eventsOf = async (from: number, subject: string, id: string) => (await readStream(bus, from, subject, (d) => CampaignChanged.decode(d).meta)).filter((e) => e.meta.entityId === id);

test("draft → scheduled → running → completed, each move reported, a wrong move a conflict naming the state", async () => {
  const from = await nextSequence(bus);
  const c = await draft();
  const scheduled = await move(c, SCHEDULE);
  expect(scheduled.status).toBe(CampaignStatus.CAMPAIGN_STATUS_SCHEDULED);

  const twice = await failureOf(move(scheduled, SCHEDULE));
  expect(twice.code).toBe(GrpcStatus.ABORTED);
  expect(twice.details).toContain("cannot schedule a campaign that is scheduled");
  expect((await failureOf(move(c, LAUNCH))).code).toBe(GrpcStatus.FAILED_PRECONDITION); // a stale version

  const running = await move(scheduled, LAUNCH);
  expect(running.status).toBe(CampaignStatus.CAMPAIGN_STATUS_RUNNING);
  expect(running.launchedAt).toBeDefined();
  expect(running.launchReport?.members).toBe("0");
  const completed = await move(running, COMPLETE);
  expect(completed.status).toBe(CampaignStatus.CAMPAIGN_STATUS_COMPLETED);
  expect((await failureOf(move(completed, CANCEL))).details).toContain("cannot cancel a campaign that is completed");

  for (const kind of ["scheduled", "launched", "completed"]) {
    const events = await eventually(() => eventsOf(from, `marketing.campaign.${kind}`, c.id), (e) => e.length === 1, `the ${kind} event`);
    expect(events[0]!.meta.actorId).toBe("mia");
  }
  // The launch report travels in the launched event's snapshot.
  const [launched] = await eventsOf(from, "marketing.campaign.launched", c.id);
  const snapshot = CampaignChanged.decode((await bus.jsm.streams.getMessage("MARKETING", { seq: launched!.seq }))!.data).campaign!;
  expect(snapshot.status).toBe(CampaignStatus.CAMPAIGN_STATUS_RUNNING);
  expect(snapshot.launchReport).toMatchObject({ members: "0", excluded: "0", noEmail: "0" });
});

test("scheduling needs both instants and a channel (a conflict naming what to set first); a start already past launches at once; an end past refuses a launch", async () => {
  const undated = await draft({ startsAt: undefined, endsAt: undefined });
  const missing = await failureOf(move(undated, SCHEDULE));
  expect(missing.code).toBe(GrpcStatus.ABORTED);
  expect(missing.field).toBe("starts_at");
  const noChannel = await draft({ channels: { values: [] } });
  expect((await failureOf(move(noChannel, SCHEDULE))).field).toBe("channels");

  const ended = await draft({ startsAt: inSeconds(-7_200), endsAt: inSeconds(-3_600) });
  const pastEnd = await failureOf(move(ended, LAUNCH));
  expect([pastEnd.code, pastEnd.field]).toEqual([GrpcStatus.ABORTED, "ends_at"]);

  const late = await draft({ startsAt: inSeconds(-60), endsAt: inSeconds(3_600) });
  const launched = await move(late, SCHEDULE);
  expect(launched.status).toBe(CampaignStatus.CAMPAIGN_STATUS_RUNNING);
});

test("new dates replace the schedules and a cancel removes them: neither campaign starts at the old instant", async () => {
  const from = await nextSequence(bus);
  const moved = await move(await draft({ startsAt: inSeconds(2), endsAt: inSeconds(3_600) }), SCHEDULE);
  const later = await clients.campaigns.updateCampaign({ id: moved.id, expectedVersion: moved.version, startsAt: inSeconds(1_800) }, marketer);
  const cancelled = await move(await draft({ startsAt: inSeconds(2), endsAt: inSeconds(3_600) }).then((c) => move(c, SCHEDULE)), CANCEL);
  expect(cancelled.status).toBe(CampaignStatus.CAMPAIGN_STATUS_CANCELLED);

  // The moved campaign's first start was set for 2 s from then: it must not start.
  await new Promise((r) => setTimeout(r, 5_000));
  expect((await clients.campaigns.getCampaign({ id: later.id }, marketer)).status).toBe(CampaignStatus.CAMPAIGN_STATUS_SCHEDULED);
  expect((await clients.campaigns.getCampaign({ id: cancelled.id }, marketer)).status).toBe(CampaignStatus.CAMPAIGN_STATUS_CANCELLED);
  expect(await eventsOf(from, "marketing.campaign.launched", later.id)).toHaveLength(0);
  expect(await eventsOf(from, "marketing.campaign.launched", cancelled.id)).toHaveLength(0);
});

test("moved to a nearer start, a scheduled campaign starts then", async () => {
  const c = await move(await draft(), SCHEDULE);
  await clients.campaigns.updateCampaign({ id: c.id, expectedVersion: c.version, startsAt: inSeconds(2) }, marketer);
  const running = await eventually(
    () => clients.campaigns.getCampaign({ id: c.id }, marketer),
    (x) => x.status === CampaignStatus.CAMPAIGN_STATUS_RUNNING,
    "the start at its new instant",
  );
  expect(running.launchReport?.excluded).toBe("0");
});

test("a running campaign's targets and channels no longer change, its cost and end still do", async () => {
  const running = await move(await draft(), LAUNCH);
  const channels = await failureOf(clients.campaigns.updateCampaign({ id: running.id, expectedVersion: running.version, channels: { values: [Channel.CHANNEL_PHONE] } }, marketer));
  expect(channels.code).toBe(GrpcStatus.ABORTED);
  expect(channels.field).toBe("channels");
  const lists = await failureOf(clients.campaigns.updateCampaign({ id: running.id, expectedVersion: running.version, listIds: { values: ["l1"] } }, marketer));
  expect(lists.field).toBe("list_ids");
  const pastEnd = await failureOf(clients.campaigns.updateCampaign({ id: running.id, expectedVersion: running.version, endsAt: inSeconds(-10) }, marketer));
  expect(pastEnd.field).toBe("ends_at");
  const costed = await clients.campaigns.updateCampaign(
    { id: running.id, expectedVersion: running.version, actualCost: { amount: "250.00", currency: "EUR" }, endsAt: inSeconds(10_000) },
    marketer,
  );
  expect(costed.actualCost).toEqual({ amount: "250.00", currency: "EUR" });
  expect(costed.status).toBe(CampaignStatus.CAMPAIGN_STATUS_RUNNING);
});

test("another tenant can neither move a campaign nor read its members", async () => {
  const c = await draft();
  expect((await failureOf(move(c, SCHEDULE, stranger))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await failureOf(move(c, CANCEL, stranger))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await failureOf(clients.campaigns.listCampaignMembers({ campaignId: c.id }, stranger))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await clients.campaigns.getCampaign({ id: c.id }, marketer)).status).toBe(CampaignStatus.CAMPAIGN_STATUS_DRAFT);
  const members = await clients.campaigns.listCampaignMembers({ campaignId: c.id }, marketer);
  expect(members.members).toEqual([]);
  expect((await failureOf(clients.campaigns.transitionCampaign({ id: c.id, expectedVersion: "0", action: CampaignAction.CAMPAIGN_ACTION_UNSPECIFIED }, marketer))).field).toBe("action");
});

test("a start that fired for instants the campaign no longer has is ignored", async () => {
  const scheduled = await move(await draft(), SCHEDULE);
  const moved = await clients.campaigns.updateCampaign({ id: scheduled.id, expectedVersion: scheduled.version, startsAt: inSeconds(1_800) }, marketer);
  // As if the first start had fired just before the move and reached the clock after it.
  const stale = campaignDueEvent("start", { _id: scheduled.id, tenantId: acme, version: Number(scheduled.version), startsAt: new Date(scheduled.startsAt!), endsAt: new Date(scheduled.endsAt!) });
  await bus.publish(stale.subject, stale.data, { msgId: stale.id, headers: stale.headers });
  // A current start of another campaign behind it: once that one runs, the stale one was handled.
  const marker = await draft();
  const due = campaignDueEvent("start", { _id: marker.id, tenantId: acme, version: Number(marker.version), startsAt: new Date(marker.startsAt!), endsAt: new Date(marker.endsAt!) });
  await move(marker, SCHEDULE);
  await bus.publish(due.subject, due.data, { msgId: due.id, headers: due.headers });
  await eventually(() => clients.campaigns.getCampaign({ id: marker.id }, marketer), (c) => c.status === CampaignStatus.CAMPAIGN_STATUS_RUNNING, "the marker's start");
  expect((await clients.campaigns.getCampaign({ id: moved.id }, marketer)).status).toBe(CampaignStatus.CAMPAIGN_STATUS_SCHEDULED);
});
