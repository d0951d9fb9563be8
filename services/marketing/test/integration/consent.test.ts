import { status as GrpcStatus } from "@grpc/grpc-js";
import type { EventBus } from "@relata/platform";
import { ConsentChanged, ResponseRecorded } from "@relata/proto/events/v1/marketing";
import { CreateCampaignRequest } from "@relata/proto/marketing/v1/campaign";
import { Channel } from "@relata/proto/marketing/v1/channel";
import { ConsentStatus } from "@relata/proto/marketing/v1/consent";
import { testServerPort } from "@relata/testing";
import { randomUUID } from "node:crypto";
import { as, asPartner, connectBus, dropDatabase, eventually, failureOf, marketingClientsAt, nextSequence, readStream, runId, startMarketingProcess, type MarketingClients, type MarketingProcess } from "./support";

// Consent per person and channel, its history, the signed unsubscribe link and the unsubscribe
// responses, against the built service on real FerretDB and NATS.
jest.setTimeout(60_000);

const run = runId();
const acme = `acme-${run}`;
const globex = `globex-${run}`;
const marketer = as(acme, "mia", ["marketer"]);
const globexMarketer = as(globex, "gus", ["marketer"]);
const anonymous = (tenant: string) => as(tenant, "anonymous", []);
const EMAIL = Channel.CHANNEL_EMAIL;
const SMS = Channel.CHANNEL_SMS;
const GRANTED = ConsentStatus.CONSENT_STATUS_GRANTED;
const WITHDRAWN = ConsentStatus.CONSENT_STATUS_WITHDRAWN;

let marketing: MarketingProcess;
let clients: MarketingClients;
let bus: EventBus;

beforeAll(async () => {
  marketing = await startMarketingProcess({ port: testServerPort(440) });
  clients = marketingClientsAt(marketing.address);
  bus = await connectBus("marketing-consent-test");
});

afterAll(async () => {
  clients?.close();
  await marketing?.stop();
  await bus?.close();
  if (marketing) await dropDatabase(marketing.database);
});

const person = () => `person-${randomUUID().slice(0, 8)}`;
const history = async (personId: string, call = marketer) => (await clients.consents.listConsentHistory({ personId, channel: Channel.CHANNEL_UNSPECIFIED, cursor: "", limit: 0 }, call)).changes;
const current = async (personId: string, call = marketer) => (await clients.consents.listConsents({ personId }, call)).consents;

test("consent is recorded per channel, read back in its tenant only, kept in the history and reported", async () => {
  const from = await nextSequence(bus);
  const ada = person();
  const granted = await clients.consents.recordConsent({ personId: ada, channel: EMAIL, status: GRANTED, source: "web form", at: "2026-01-10T09:00:00Z" }, asPartner(acme));
  expect(granted).toMatchObject({ personId: ada, channel: EMAIL, status: GRANTED, source: "web form", at: "2026-01-10T09:00:00.000Z", recordedBy: `${acme}-partner`, campaignId: "" });
  await clients.consents.recordConsent({ personId: ada, channel: SMS, status: WITHDRAWN, source: "phone call" }, marketer);

  expect(await current(ada)).toEqual([
    expect.objectContaining({ channel: EMAIL, status: GRANTED, source: "web form" }),
    expect.objectContaining({ channel: SMS, status: WITHDRAWN, source: "phone call" }),
  ]);
  expect(await history(ada)).toHaveLength(2);
  // Another tenant sees nothing of it.
  expect(await current(ada, globexMarketer)).toEqual([]);
  expect(await history(ada, globexMarketer)).toEqual([]);

  const reported = await eventually(
    async () => (await readStream(bus, from, "marketing.consent.granted", (data) => ConsentChanged.decode(data).meta)).filter((e) => e.meta.entityId === granted.id),
    (events) => events.length === 1,
    "the grant on the stream",
  );
  expect(ConsentChanged.decode(reported[0]!.data).change).toMatchObject({ personId: ada, status: GRANTED, tenantId: acme });
});

test("an older change recorded later is kept in the history and changes nothing else", async () => {
  const bob = person();
  await clients.consents.recordConsent({ personId: bob, channel: EMAIL, status: WITHDRAWN, source: "email reply", at: "2026-03-01T10:00:00Z" }, marketer);
  await clients.consents.recordConsent({ personId: bob, channel: EMAIL, status: GRANTED, source: "trade fair form", at: "2026-02-01T10:00:00Z" }, marketer);
  expect(await current(bob)).toEqual([expect.objectContaining({ status: WITHDRAWN, source: "email reply", at: "2026-03-01T10:00:00.000Z" })]);
  expect((await history(bob)).map((c) => c.source)).toEqual(["trade fair form", "email reply"]);
});

test("concurrent changes leave the current consent equal to the latest by time", async () => {
  const cy = person();
  const times = Array.from({ length: 8 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString());
  await Promise.all(
    [...times].reverse().map((at, i) => clients.consents.recordConsent({ personId: cy, channel: EMAIL, status: i % 2 ? GRANTED : WITHDRAWN, source: `change ${at}`, at }, marketer)),
  );
  const latest = times.at(-1)!;
  expect(await current(cy)).toEqual([expect.objectContaining({ source: `change ${latest}`, at: new Date(latest).toISOString() })]);
  expect(await history(cy)).toHaveLength(8);
});

test("a change in the future, or without a channel or status, is refused naming the field", async () => {
  const future = new Date(Date.now() + 3_600_000).toISOString();
  for (const [request, field] of [
    [{ personId: "p1", channel: EMAIL, status: GRANTED, source: "web form", at: future }, "at"],
    [{ personId: "p1", channel: Channel.CHANNEL_UNSPECIFIED, status: GRANTED, source: "web form" }, "channel"],
    [{ personId: "p1", channel: EMAIL, status: ConsentStatus.CONSENT_STATUS_UNSPECIFIED, source: "web form" }, "status"],
    [{ personId: "", channel: EMAIL, status: GRANTED, source: "web form" }, "person_id"],
    [{ personId: "p1", channel: EMAIL, status: GRANTED, source: " " }, "source"],
  ] as const) {
    const failure = await failureOf(clients.consents.recordConsent(request, marketer));
    expect(failure.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(failure.field).toBe(field);
  }
});

test("the unsubscribe link withdraws its person's channel, once, and a tampered or foreign one is refused", async () => {
  const dee = person();
  const other = person();
  await clients.consents.recordConsent({ personId: dee, channel: EMAIL, status: GRANTED, source: "web form", at: "2026-01-01T00:00:00Z" }, marketer);
  await clients.consents.recordConsent({ personId: other, channel: EMAIL, status: GRANTED, source: "web form", at: "2026-01-01T00:00:00Z" }, marketer);
  const link = await clients.consents.createUnsubscribeLink({ personId: dee, channel: EMAIL, campaignId: "spring-campaign" }, marketer);
  expect(link.path).toBe(`/v1/unsubscribe/${link.token}`);

  // Following it changes nothing.
  expect(await clients.consents.describeUnsubscribe({ token: link.token }, anonymous(acme))).toEqual({ channel: EMAIL, campaignId: "spring-campaign", status: GRANTED });
  expect(await current(dee)).toEqual([expect.objectContaining({ status: GRANTED })]);

  // Tampered: the person's id changed in the payload (the same length), the tenant, a byte of the signature.
  const [payload, signature] = link.token.split(".") as [string, string];
  const decoded = JSON.parse(Buffer.from(payload, "base64url").toString()) as { p: string; t: string };
  const forgedPerson = `${Buffer.from(JSON.stringify({ ...decoded, p: other })).toString("base64url")}.${signature}`;
  const forgedTenant = `${Buffer.from(JSON.stringify({ ...decoded, t: globex })).toString("base64url")}.${signature}`;
  const flipped = `${payload}.${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
  for (const [token, tenant] of [[forgedPerson, acme], [forgedTenant, globex], [flipped, acme], [link.token, globex]] as const) {
    const failure = await failureOf(clients.consents.unsubscribe({ token }, anonymous(tenant)));
    expect(failure.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(failure.field).toBe("token");
  }
  expect(await current(other)).toEqual([expect.objectContaining({ status: GRANTED })]);

  const used = await clients.consents.unsubscribe({ token: link.token }, anonymous(acme));
  expect(used).toEqual({ channel: EMAIL, campaignId: "spring-campaign", status: WITHDRAWN });
  const again = await clients.consents.unsubscribe({ token: link.token }, anonymous(acme));
  expect(again.status).toBe(WITHDRAWN);

  expect(await current(dee)).toEqual([expect.objectContaining({ status: WITHDRAWN, source: "unsubscribe link" })]);
  const changes = await history(dee);
  expect(changes).toHaveLength(2);
  expect(changes[1]).toMatchObject({ status: WITHDRAWN, source: "unsubscribe link", recordedBy: "anonymous", campaignId: "spring-campaign" });
});

test("an unsubscribe response withdraws the campaign's channels once, however often it is delivered", async () => {
  const eve = person();
  const campaign = await clients.campaigns.createCampaign(CreateCampaignRequest.fromPartial({ name: "Autumn", channels: { values: [EMAIL, SMS] } }), marketer);
  await clients.consents.recordConsent({ personId: eve, channel: EMAIL, status: GRANTED, source: "web form", at: "2026-01-01T00:00:00Z" }, marketer);

  const eventId = randomUUID();
  const event = ResponseRecorded.encode(ResponseRecorded.fromPartial({
    meta: { id: eventId, type: "marketing.response.recorded", tenantId: acme, entityId: "response-1", actorId: "web-form", requestId: "", occurredAt: new Date().toISOString() },
    responseId: "response-1",
    campaignId: campaign.id,
    personId: eve,
    type: "unsubscribed",
    channel: "",
  })).finish();
  // The same event twice (a redelivery under another message id).
  await bus.publish("marketing.response.recorded", event, { msgId: eventId, headers: { "relata-tenant": acme } });
  await bus.publish("marketing.response.recorded", event, { msgId: `again-${eventId}`, headers: { "relata-tenant": acme } });

  const consents = await eventually(() => current(eve), (c) => c.length === 2 && c.every((x) => x.status === WITHDRAWN), "both channels withdrawn");
  expect(consents.map((c) => [c.channel, c.source])).toEqual([
    [EMAIL, "campaign response"],
    [SMS, "campaign response"],
  ]);
  // Once the duplicate has certainly been consumed: a marker event after it.
  const marker = person();
  const markerId = randomUUID();
  await bus.publish(
    "marketing.response.recorded",
    ResponseRecorded.encode(ResponseRecorded.fromPartial({ meta: { id: markerId, type: "marketing.response.recorded", tenantId: acme, entityId: "r2", actorId: "web-form", requestId: "", occurredAt: new Date().toISOString() }, responseId: "r2", campaignId: campaign.id, personId: marker, type: "unsubscribed", channel: "sms" })).finish(),
    { msgId: markerId, headers: { "relata-tenant": acme } },
  );
  await eventually(() => current(marker), (c) => c.length === 1, "the marker's consent");
  const changes = await history(eve);
  expect(changes.filter((c) => c.source === "campaign response")).toHaveLength(2);
  expect(changes.filter((c) => c.source === "campaign response").every((c) => c.campaignId === campaign.id)).toBe(true);
  // Nothing of it in another tenant.
  expect(await current(eve, globexMarketer)).toEqual([]);
});
