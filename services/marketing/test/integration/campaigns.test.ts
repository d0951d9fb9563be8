import { CampaignChanged } from "@relata/proto/events/v1/marketing";
import { CampaignStatus, CreateCampaignRequest } from "@relata/proto/marketing/v1/campaign";
import { Channel } from "@relata/proto/marketing/v1/channel";
import { testServerPort } from "@relata/testing";
import { as, connectBus, dropDatabase, eventually, failureOf, marketingClientsAt, nextSequence, readStream, runId, startMarketingProcess, type MarketingClients, type MarketingProcess } from "./support";
import { status as GrpcStatus } from "@grpc/grpc-js";
import type { EventBus } from "@relata/platform";

// Campaigns as records: CRUD on the kit, tenant-scoped, events from the outbox.
jest.setTimeout(60_000);

const run = runId();
const acme = `acme-${run}`;
const globex = `globex-${run}`;
const marketer = as(acme, "mia", ["marketer"]);

let marketing: MarketingProcess;
let clients: MarketingClients;
let bus: EventBus;

beforeAll(async () => {
  marketing = await startMarketingProcess({ port: testServerPort(420) });
  clients = marketingClientsAt(marketing.address);
  bus = await connectBus("marketing-campaigns-test");
});

afterAll(async () => {
  clients?.close();
  await marketing?.stop();
  await bus?.close();
  if (marketing) await dropDatabase(marketing.database);
});

test("a campaign is drafted, read back in its tenant only, edited and reported", async () => {
  const from = await nextSequence(bus);
  const created = await clients.campaigns.createCampaign(
    CreateCampaignRequest.fromPartial({
      name: "Spring webinar",
      objective: "100 registrations",
      budget: { amount: "5000.00", currency: "EUR" },
      startsAt: "2027-03-01T09:00:00Z",
      endsAt: "2027-03-31T18:00:00Z",
      channels: { values: [Channel.CHANNEL_EMAIL] },
    }),
    marketer,
  );
  expect(created.status).toBe(CampaignStatus.CAMPAIGN_STATUS_DRAFT);
  expect(created.ownerId).toBe("mia");
  expect(created.budget).toEqual({ amount: "5000.00", currency: "EUR" });

  expect((await failureOf(clients.campaigns.getCampaign({ id: created.id }, as(globex, "gus", ["marketer"])))).code).toBe(GrpcStatus.NOT_FOUND);

  const updated = await clients.campaigns.updateCampaign({ id: created.id, expectedVersion: created.version, actualCost: { amount: "1200.50", currency: "EUR" } }, marketer);
  expect(updated.actualCost).toEqual({ amount: "1200.50", currency: "EUR" });

  const reported = await eventually(
    async () => (await readStream(bus, from, "marketing.campaign.updated", (data) => CampaignChanged.decode(data).meta)).filter((e) => e.meta.entityId === created.id),
    (events) => events.length === 1,
    "the campaign's update on the stream",
  );
  expect(reported).toHaveLength(1);
});

test("a campaign that ends before it starts is refused, naming the field", async () => {
  const failure = await failureOf(
    clients.campaigns.createCampaign(CreateCampaignRequest.fromPartial({ name: "Backwards", startsAt: "2027-03-31T09:00:00Z", endsAt: "2027-03-01T09:00:00Z" }), marketer),
  );
  expect(failure.code).toBe(GrpcStatus.INVALID_ARGUMENT);
  expect(failure.field).toBe("ends_at");
});
