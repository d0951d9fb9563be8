import { status as GrpcStatus } from "@grpc/grpc-js";
import type { EventBus } from "@relata/platform";
import { WebhookChanged } from "@relata/proto/events/v1/integrations";
import { DeliveryStatus, WebhookStatus, type Webhook, type WebhookDelivery } from "@relata/proto/integrations/v1/webhook";
import { WebhookReceiver, type Received } from "../support/receiver";
import {
  accountEvent,
  as,
  asPartner,
  connectBus,
  deleteDurables,
  dropDatabase,
  eventually,
  failureOf,
  integrationsClientsAt,
  leadEvent,
  nextSequence,
  publishEvents,
  readStreamMessages,
  runId,
  startIntegrationsProcess,
  testServerPort,
  testTenant,
  type IntegrationsClients,
  type IntegrationsProcess,
} from "./support";

// Webhooks end to end inside the service: the built process (fan-out, delivery worker, gRPC) on
// the stack's NATS and FerretDB, events published on the streams as the services publish them,
// and a local receiver verifying every signature with the standardwebhooks library.

const durables = `wh-${runId()}`;
let integrations: IntegrationsProcess;
let clients: IntegrationsClients;
let bus: EventBus;
const receiver = new WebhookReceiver();

beforeAll(async () => {
  await receiver.start();
  bus = await connectBus("webhooks-test");
  await bus.ensureStream({ name: "SALES", subjects: ["sales.>"] });
  integrations = await startIntegrationsProcess({ port: testServerPort(600), durables, env: { WEBHOOK_RETRY_SCHEDULE: "1s,2s,4s" } });
  clients = integrationsClientsAt(integrations.address);
}, 90_000);

afterAll(async () => {
  clients?.close();
  await integrations?.stop();
  await deleteDurables(bus, durables);
  await bus?.close();
  await receiver.stop();
  if (integrations) await dropDatabase(integrations.database);
});

const admin = (tenant: string) => as(tenant, ["tenant-admin"]);

async function subscribe(tenant: string, path: string, eventTypes: string[]): Promise<Webhook> {
  const w = await clients.webhooks.createWebhook({ url: receiver.url(path), description: path, eventTypes: { values: eventTypes }, idempotencyKey: "" }, admin(tenant));
  const secret = await clients.webhooks.getWebhookSecret({ id: w.id }, admin(tenant));
  receiver.expectSecrets(path, [secret.secret]);
  return w;
}

const received = (path: string, n: number, timeoutMs = 30_000) =>
  eventually(async () => receiver.at(path), (r) => r.length >= n, `${n} requests at ${path}`, timeoutMs);

const delivery = (tenant: string, webhookId: string, ok: (d: WebhookDelivery[]) => boolean, what: string, timeoutMs = 30_000) =>
  eventually(async () => (await clients.webhooks.listWebhookDeliveries({ webhookId, status: DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED, eventType: "" }, admin(tenant))).deliveries, ok, what, timeoutMs);

const verifiedOnce = (r: Received) => expect(r.verifiedWith).toEqual([0]);

describe("subscriptions", () => {
  test("a webhook is created active with a whsec_ secret served only by its own verb; the partner scope works too", async () => {
    const tenant = testTenant("crud");
    const w = await subscribe(tenant, "/crud", ["sales.lead.*"]);
    expect(w.status).toBe(WebhookStatus.WEBHOOK_STATUS_ACTIVE);
    expect(w.eventTypes?.values).toEqual(["sales.lead.*"]);
    expect(JSON.stringify(w)).not.toContain("whsec_");
    const secret = await clients.webhooks.getWebhookSecret({ id: w.id }, admin(tenant));
    expect(secret.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(secret.previousSecret).toBe("");
    const listed = await clients.webhooks.listWebhooks({ page: undefined, status: WebhookStatus.WEBHOOK_STATUS_UNSPECIFIED }, asPartner(tenant, ["webhooks:manage"]));
    expect(listed.webhooks.map((x) => x.id)).toEqual([w.id]);
    expect(JSON.stringify(listed)).not.toContain("whsec_");

    const disabled = await clients.webhooks.updateWebhook({ id: w.id, expectedVersion: w.version, eventTypes: undefined, status: WebhookStatus.WEBHOOK_STATUS_DISABLED }, admin(tenant));
    expect([disabled.status, disabled.disabledReason]).toEqual([WebhookStatus.WEBHOOK_STATUS_DISABLED, "manual"]);
    const enabled = await clients.webhooks.updateWebhook({ id: w.id, expectedVersion: "0", eventTypes: undefined, status: WebhookStatus.WEBHOOK_STATUS_ACTIVE }, admin(tenant));
    expect([enabled.status, enabled.disabledReason]).toEqual([WebhookStatus.WEBHOOK_STATUS_ACTIVE, ""]);
    const deleted = await clients.webhooks.deleteWebhook({ id: w.id, expectedVersion: "0" }, admin(tenant));
    expect((await failureOf(clients.webhooks.getWebhook({ id: w.id }, admin(tenant)))).code).toBe(GrpcStatus.NOT_FOUND);
    await clients.webhooks.restoreWebhook({ id: w.id, expectedVersion: deleted.version }, admin(tenant));
  });

  test.each([
    ["a private address", "http://10.0.0.5/hook"],
    ["loopback IPv6", "http://[::1]:8080/hook"],
    ["the cloud metadata address", "http://169.254.169.254/latest/meta-data"],
    ["a metadata host name", "http://metadata.google.internal/computeMetadata/v1"],
    ["a mapped IPv6 form of a private address", "http://[::ffff:192.168.1.1]/hook"],
  ])("a subscription to %s is refused: 400 naming url", async (_what, url) => {
    const failure = await failureOf(clients.webhooks.createWebhook({ url, description: "", eventTypes: { values: ["sales.lead.created"] }, idempotencyKey: "" }, admin(testTenant("ssrf"))));
    expect([failure.code, failure.field]).toEqual([GrpcStatus.INVALID_ARGUMENT, "url"]);
  });

  test("an update to a private address is refused too, naming url", async () => {
    const tenant = testTenant("ssrf-up");
    const w = await subscribe(tenant, "/ssrf-up", ["sales.lead.created"]);
    const failure = await failureOf(clients.webhooks.updateWebhook({ id: w.id, expectedVersion: "0", url: "http://172.16.0.9/x", eventTypes: undefined, status: WebhookStatus.WEBHOOK_STATUS_UNSPECIFIED }, admin(tenant)));
    expect([failure.code, failure.field]).toEqual([GrpcStatus.INVALID_ARGUMENT, "url"]);
  });

  test("each event type must match a known type: 400 naming eventTypes.N; the catalogue lists them", async () => {
    const failure = await failureOf(
      clients.webhooks.createWebhook({ url: receiver.url("/x"), description: "", eventTypes: { values: ["sales.lead.created", "sales.deal.*"] }, idempotencyKey: "" }, admin(testTenant("types"))),
    );
    expect([failure.code, failure.field]).toEqual([GrpcStatus.INVALID_ARGUMENT, "eventTypes.1"]);
    const none = await failureOf(clients.webhooks.createWebhook({ url: receiver.url("/x"), description: "", eventTypes: { values: [] }, idempotencyKey: "" }, admin(testTenant("types"))));
    expect([none.code, none.field]).toEqual([GrpcStatus.INVALID_ARGUMENT, "eventTypes"]);
    const types = (await clients.webhooks.listWebhookEventTypes({}, admin(testTenant("types")))).eventTypes.map((t) => t.type);
    expect(types).toEqual(expect.arrayContaining(["sales.lead.created", "service.case.opened", "integrations.webhook.disabled", "webhook.ping"]));
    expect(types).not.toContain("marketing.campaign.start_due");
  });
});

describe("fan-out and delivery", () => {
  test("events reach exactly the webhooks that subscribed to them, only the subscribing tenant's, signed and shaped as documented", async () => {
    const [a, b] = [testTenant("fan-a"), testTenant("fan-b")];
    const leads = await subscribe(a, "/fan/a-leads", ["sales.lead.*"]);
    const accountsCreated = await subscribe(a, "/fan/a-accounts", ["sales.account.created"]);
    const everything = await subscribe(b, "/fan/b-all", ["sales.>"]);
    const events = [leadEvent(a), accountEvent(a), accountEvent(a, "updated"), leadEvent(b, "qualified"), leadEvent(testTenant("nobody"))];
    await publishEvents(bus, events);

    const [aLead, aAccount, , bLead] = events as [ReturnType<typeof leadEvent>, ReturnType<typeof accountEvent>, unknown, ReturnType<typeof leadEvent>];
    const atLeads = await received("/fan/a-leads", 1);
    const atAccounts = await received("/fan/a-accounts", 1);
    const atB = await received("/fan/b-all", 1);
    // A control: the later ones were fanned out too by the time these were checked.
    await delivery(b, everything.id, (d) => d.length === 1 && d[0]!.status === DeliveryStatus.DELIVERY_STATUS_SUCCEEDED, "b's delivery");
    await new Promise((r) => setTimeout(r, 1_000));
    expect(receiver.at("/fan/a-leads").map((r) => r.eventId)).toEqual([aLead.id]);
    expect(receiver.at("/fan/a-accounts").map((r) => r.eventId)).toEqual([aAccount.id]);
    expect(receiver.at("/fan/b-all").map((r) => r.eventId)).toEqual([bLead.id]);
    for (const r of [...atLeads, ...atAccounts, ...atB]) verifiedOnce(r);

    const payload = JSON.parse(atLeads[0]!.body) as Record<string, unknown> & { data: { record: unknown; lead: Record<string, unknown> } };
    expect(payload).toMatchObject({ type: "sales.lead.created", id: aLead.id, tenantId: a });
    expect(typeof payload.timestamp).toBe("string");
    expect(payload.data.record).toEqual({ type: "sales.lead", id: aLead.entityId });
    // The API's JSON of the lead: words for enums, numbers for versions.
    expect(payload.data.lead).toMatchObject({ id: aLead.entityId, tenantId: a, firstName: "Ada", status: "new", version: 1 });
    const headers = atLeads[0]!.headers;
    const [d] = await delivery(a, leads.id, (x) => x.length === 1 && x[0]!.status === DeliveryStatus.DELIVERY_STATUS_SUCCEEDED, "a's lead delivery");
    expect(headers["webhook-id"]).toBe(d!.id);
    expect(d!.eventType).toBe("sales.lead.created");
    expect(d!.attemptLog).toMatchObject([{ attempt: 1, responseStatus: 204 }]);
    void accountsCreated;

    // The same event again (a redelivery by the stream, another replica) makes no second delivery.
    await bus.publish(aLead.subject, aLead.data, { msgId: `${aLead.id}-again` });
    await publishEvents(bus, [leadEvent(a, "updated")]);
    await received("/fan/a-leads", 2);
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.at("/fan/a-leads").filter((r) => r.eventId === aLead.id)).toHaveLength(1);
  });

  test("a failing endpoint (500 twice) is retried with growing delays, then succeeds; the log shows the three attempts; redelivery sends it again", async () => {
    const tenant = testTenant("retry");
    receiver.script("/flaky", [{ status: 500, body: "boom" }, { status: 500, body: "x".repeat(3000) }, { status: 200, body: "ok" }]);
    const w = await subscribe(tenant, "/flaky", ["sales.lead.created"]);
    const e = leadEvent(tenant);
    await publishEvents(bus, [e]);
    const got = await received("/flaky", 3);
    expect(got.map((r) => r.eventId)).toEqual([e.id, e.id, e.id]);
    got.forEach(verifiedOnce);
    // The same webhook-id on every attempt, a fresh timestamp on each.
    expect(new Set(got.map((r) => r.headers["webhook-id"])).size).toBe(1);
    const [first, second] = [got[1]!.at - got[0]!.at, got[2]!.at - got[1]!.at];
    expect(second).toBeGreaterThan(first);
    expect(first).toBeGreaterThanOrEqual(700);

    const [d] = await delivery(tenant, w.id, (x) => x[0]?.status === DeliveryStatus.DELIVERY_STATUS_SUCCEEDED, "the delivery succeeded");
    expect(d!.attempts).toBe(3);
    expect(d!.attemptLog.map((a) => [a.attempt, a.responseStatus])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(d!.attemptLog[0]!.responseBody).toBe("boom");
    expect(d!.attemptLog[1]!.responseBody).toHaveLength(1024);
    expect(d!.attemptLog[2]!.latencyMs).toBeGreaterThanOrEqual(0);

    const again = await clients.webhooks.redeliverWebhookDelivery({ webhookId: w.id, id: d!.id }, admin(tenant));
    expect(again.status).toBe(DeliveryStatus.DELIVERY_STATUS_PENDING);
    await received("/flaky", 4);
    const after = await eventually(
      () => clients.webhooks.getWebhookDelivery({ webhookId: w.id, id: d!.id }, admin(tenant)),
      (x) => x.status === DeliveryStatus.DELIVERY_STATUS_SUCCEEDED && x.attempts === 4,
      "the redelivery",
    );
    expect(after.attemptLog.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    expect(receiver.at("/flaky")[3]!.headers["webhook-id"]).toBe(d!.id);
  });

  test("a 410 disables the webhook (reason gone, event integrations.webhook.disabled) and later events are not sent", async () => {
    const tenant = testTenant("gone");
    receiver.script("/gone", [{ status: 410 }]);
    const w = await subscribe(tenant, "/gone", ["sales.lead.created"]);
    const fromSeq = await nextSequence(bus, "INTEGRATIONS");
    const control = await subscribe(tenant, "/gone-control", ["sales.lead.created"]);
    await publishEvents(bus, [leadEvent(tenant)]);
    await received("/gone", 1);
    const disabled = await eventually(
      () => clients.webhooks.getWebhook({ id: w.id }, admin(tenant)),
      (x) => x.status === WebhookStatus.WEBHOOK_STATUS_DISABLED,
      "the webhook disabled",
    );
    expect(disabled.disabledReason).toBe("gone");
    const [d] = await delivery(tenant, w.id, (x) => x[0]?.status === DeliveryStatus.DELIVERY_STATUS_FAILED, "the delivery failed");
    expect(d!.attemptLog.map((a) => a.responseStatus)).toEqual([410]);
    const [event] = await eventually(
      () => readStreamMessages(bus, "INTEGRATIONS", fromSeq, ["integrations.webhook.disabled"]),
      (m) => m.some((x) => WebhookChanged.decode(x.data).webhook?.id === w.id),
      "integrations.webhook.disabled",
    );
    const changed = WebhookChanged.decode(event!.data);
    expect([changed.meta?.tenantId, changed.webhook?.disabledReason]).toEqual([tenant, "gone"]);
    expect(Buffer.from(event!.data).toString("latin1")).not.toContain("whsec_");

    await publishEvents(bus, [leadEvent(tenant)]);
    await received("/gone-control", 2);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(receiver.at("/gone")).toHaveLength(1);
    expect((await delivery(tenant, w.id, () => true, "")).length).toBe(1);
    void control;
  });

  test("429 with Retry-After: the next attempt waits as long as the endpoint asked", async () => {
    const tenant = testTenant("busy");
    receiver.script("/busy", [{ status: 429, headers: { "Retry-After": "3" } }, { status: 200 }]);
    await subscribe(tenant, "/busy", ["sales.lead.created"]);
    await publishEvents(bus, [leadEvent(tenant)]);
    const got = await received("/busy", 2);
    // The schedule alone would wait about 1 s (at most 1.2 s).
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(2_500);
  });

  test("rotation: during the overlap every attempt carries both signatures, each valid with its secret", async () => {
    const tenant = testTenant("rotate");
    const w = await subscribe(tenant, "/rotate", ["sales.lead.created"]);
    const before = await clients.webhooks.getWebhookSecret({ id: w.id }, admin(tenant));
    const rotated = await clients.webhooks.rotateWebhookSecret({ id: w.id, overlapSeconds: 3600 }, admin(tenant));
    expect(rotated.secret).not.toBe(before.secret);
    expect(rotated.previousSecret).toBe(before.secret);
    expect(Date.parse(rotated.previousExpiresAt!) - Date.now()).toBeGreaterThan(3_500_000);
    receiver.expectSecrets("/rotate", [rotated.secret, before.secret, "whsec_" + Buffer.alloc(24, 7).toString("base64")]);
    const ping = await clients.webhooks.pingWebhook({ id: w.id }, admin(tenant));
    expect(ping.eventType).toBe("webhook.ping");
    const [r] = await received("/rotate", 1);
    expect(r!.verifiedWith).toEqual([0, 1]);
    expect(String(r!.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(r!.type).toBe("webhook.ping");
    expect(r!.headers["webhook-id"]).toBe(ping.id);
  });
});

test("tenant isolation: another tenant's webhooks and deliveries are not found, nor listed", async () => {
  const [a, b] = [testTenant("iso-a"), testTenant("iso-b")];
  const w = await subscribe(a, "/iso", ["sales.lead.created"]);
  const ping = await clients.webhooks.pingWebhook({ id: w.id }, admin(a));
  await received("/iso", 1);
  for (const call of [
    clients.webhooks.getWebhook({ id: w.id }, admin(b)),
    clients.webhooks.getWebhookSecret({ id: w.id }, admin(b)),
    clients.webhooks.rotateWebhookSecret({ id: w.id, overlapSeconds: 0 }, admin(b)),
    clients.webhooks.listWebhookDeliveries({ webhookId: w.id, status: DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED, eventType: "" }, admin(b)),
    clients.webhooks.getWebhookDelivery({ webhookId: w.id, id: ping.id }, admin(b)),
    clients.webhooks.redeliverWebhookDelivery({ webhookId: w.id, id: ping.id }, admin(b)),
    clients.webhooks.pingWebhook({ id: w.id }, admin(b)),
    clients.webhooks.deleteWebhook({ id: w.id, expectedVersion: "0" }, admin(b)),
  ]) {
    expect((await failureOf(call)).code).toBe(GrpcStatus.NOT_FOUND);
  }
  const listed = await clients.webhooks.listWebhooks({ page: undefined, status: WebhookStatus.WEBHOOK_STATUS_UNSPECIFIED }, admin(b));
  expect(listed.webhooks).toEqual([]);
  // The delivery log's filters.
  const pings = await eventually(
    () => clients.webhooks.listWebhookDeliveries({ webhookId: w.id, status: DeliveryStatus.DELIVERY_STATUS_SUCCEEDED, eventType: "webhook.ping" }, admin(a)),
    (x) => x.deliveries.length === 1,
    "the ping in the log",
  );
  expect(pings.deliveries.map((d) => d.id)).toEqual([ping.id]);
  const failed = await clients.webhooks.listWebhookDeliveries({ webhookId: w.id, status: DeliveryStatus.DELIVERY_STATUS_FAILED, eventType: "" }, admin(a));
  expect(failed.deliveries).toEqual([]);
});
