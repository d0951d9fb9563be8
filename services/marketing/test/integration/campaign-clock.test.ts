import { CampaignChanged } from "@relata/proto/events/v1/marketing";
import { CampaignAction, CampaignStatus, CreateCampaignRequest } from "@relata/proto/marketing/v1/campaign";
import { Channel } from "@relata/proto/marketing/v1/channel";
import { testServerPort } from "@relata/testing";
import type { EventBus } from "@relata/platform";
import { as, connectBus, dropDatabase, eventually, marketingClientsAt, nextSequence, readStream, runId, startMarketingProcess, type MarketingClients, type MarketingProcess } from "./support";

// The campaign clock against the real servers: the built Marketing process, FerretDB and NATS
// JetStream. A campaign's start and end are JetStream message schedules: the server fires them
// whether or not Marketing is up, and the clock's durable consumer keeps their events until it is.
jest.setTimeout(90_000);

const run = runId();
const acme = `acme-${run}`;
const marketer = as(acme, "mia", ["marketer"]);
const database = `relata_marketing_test_clock_${run}`;
const port = testServerPort(421);

let marketing: MarketingProcess | undefined;
let clients: MarketingClients | undefined;
let bus: EventBus;

const start = async () => {
  marketing = await startMarketingProcess({ port, database });
  clients = marketingClientsAt(marketing.address);
  return clients;
};
const sleepUntil = async (at: number) => {
  while (Date.now() < at) await new Promise((r) => setTimeout(r, Math.min(500, Math.max(1, at - Date.now()))));
};

beforeAll(async () => {
  bus = await connectBus("marketing-campaign-clock-test");
});

afterAll(async () => {
  clients?.close();
  await marketing?.stop();
  await bus?.jsm.consumers.delete("MARKETING", `marketing-campaign-clock-${database}`.slice(0, 64)).catch(() => undefined);
  await bus?.close();
  await dropDatabase(database);
});

const lifecycleOf = async (from: number, subject: string, campaignId: string) =>
  (await readStream(bus, from, subject, (data) => CampaignChanged.decode(data).meta)).filter((e) => e.meta.entityId === campaignId);

test("a campaign scheduled to start and end while Marketing is stopped starts and ends when it comes back, once", async () => {
  const from = await nextSequence(bus);
  let campaigns = (await start()).campaigns;
  const startsAt = new Date(Date.now() + 4_000);
  const endsAt = new Date(startsAt.getTime() + 3_000);
  // No targets: its member list is empty, so the launch needs no audience.
  const draft = await campaigns.createCampaign(
    CreateCampaignRequest.fromPartial({ name: "Flash sale", startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), channels: { values: [Channel.CHANNEL_EMAIL] } }),
    marketer,
  );
  const scheduled = await campaigns.transitionCampaign({ id: draft.id, expectedVersion: draft.version, action: CampaignAction.CAMPAIGN_ACTION_SCHEDULE }, marketer);
  expect(scheduled.status).toBe(CampaignStatus.CAMPAIGN_STATUS_SCHEDULED);

  // Down hard (no graceful stop), and kept down past both instants.
  clients!.close();
  await marketing!.kill();
  marketing = undefined;
  await sleepUntil(endsAt.getTime() + 2_000);

  campaigns = (await start()).campaigns;
  const ended = await eventually(
    () => campaigns.getCampaign({ id: draft.id }, marketer),
    (c) => c.status === CampaignStatus.CAMPAIGN_STATUS_COMPLETED,
    "the campaign completed after the restart",
    30_000,
  );
  expect(ended.launchedAt).toBeDefined();
  expect(ended.completedAt).toBeDefined();
  expect(new Date(ended.launchedAt!).getTime()).toBeGreaterThanOrEqual(endsAt.getTime());
  expect(ended.launchReport).toEqual({ members: "0", excluded: "0", consentWithdrawnEmail: "0", consentWithdrawnPhone: "0", consentWithdrawnSms: "0", consentWithdrawnPost: "0", noEmail: "0", noPhone: "0" });

  const launched = await eventually(() => lifecycleOf(from, "marketing.campaign.launched", draft.id), (e) => e.length >= 1, "the launch on the stream");
  const completed = await eventually(() => lifecycleOf(from, "marketing.campaign.completed", draft.id), (e) => e.length >= 1, "the completion on the stream");
  // A second process on the same database (a replica) handles nothing again.
  const replica = await startMarketingProcess({ port: testServerPort(422), database });
  try {
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await lifecycleOf(from, "marketing.campaign.launched", draft.id)).toHaveLength(1);
    expect(await lifecycleOf(from, "marketing.campaign.completed", draft.id)).toHaveLength(1);
  } finally {
    await replica.stop();
  }
  expect(launched).toHaveLength(1);
  expect(completed).toHaveLength(1);
  expect(launched[0]!.meta.actorId).toBe("system:campaign-clock");
});
