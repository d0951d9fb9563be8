import type { EventBus } from "@relata/platform";
import { DeliveryStatus, type WebhookDelivery } from "@relata/proto/integrations/v1/webhook";
import { WebhookReceiver } from "../support/receiver";
import {
  as,
  connectBus,
  deleteDurables,
  dropDatabase,
  eventually,
  integrationsClientsAt,
  leadEvent,
  publishEvents,
  runId,
  startIntegrationsProcess,
  testServerPort,
  testTenant,
  type IntegrationsProcess,
} from "./support";

// At least once across a crash: the integrations process killed with SIGKILL in the middle of a
// burst of deliveries, started again on the same database and durables, loses none.

const durables = `whcrash-${runId()}`;
const receiver = new WebhookReceiver();
let bus: EventBus;
let database = "";
const processes: IntegrationsProcess[] = [];

beforeAll(async () => {
  await receiver.start();
  bus = await connectBus("webhooks-crash-test");
  await bus.ensureStream({ name: "SALES", subjects: ["sales.>"] });
});

afterAll(async () => {
  for (const p of processes) await p.stop();
  await deleteDurables(bus, durables);
  await bus.close();
  await receiver.stop();
  if (database) await dropDatabase(database);
});

test("killed with SIGKILL during a burst of deliveries and started again, every event reaches the endpoint at least once", async () => {
  const port = testServerPort(610);
  const first = await startIntegrationsProcess({ port, durables, env: { WEBHOOK_RETRY_SCHEDULE: "1s,1s,2s,2s" } });
  processes.push(first);
  database = first.database;
  const tenant = testTenant("crash");
  const admin = as(tenant, ["tenant-admin"]);
  let clients = integrationsClientsAt(first.address);
  // A slow endpoint: deliveries are in flight when the process dies.
  receiver.script("/burst", [{ status: 200, delayMs: 200 }]);
  const w = await clients.webhooks.createWebhook({ url: receiver.url("/burst"), description: "", eventTypes: { values: ["sales.lead.*"] }, idempotencyKey: "" }, admin);
  const secret = await clients.webhooks.getWebhookSecret({ id: w.id }, admin);
  receiver.expectSecrets("/burst", [secret.secret]);
  clients.close();

  const events = Array.from({ length: 80 }, () => leadEvent(tenant));
  await publishEvents(bus, events);
  await eventually(async () => receiver.at("/burst").length, (n) => n >= 5, "the first deliveries");
  await first.kill();
  const seenAtKill = new Set(receiver.at("/burst").map((r) => r.eventId)).size;

  const second = await startIntegrationsProcess({ port, durables, database, env: { WEBHOOK_RETRY_SCHEDULE: "1s,1s,2s,2s" } });
  processes.push(second);
  const ids = new Set(events.map((e) => e.id));
  await eventually(
    async () => new Set(receiver.at("/burst").map((r) => r.eventId)),
    (seen) => [...ids].every((id) => seen.has(id)),
    "every event at the endpoint",
    90_000,
  );
  expect(receiver.at("/burst").every((r) => r.verifiedWith.length === 1)).toBe(true);
  // The kill left some to the second process (else the test proved nothing).
  expect(seenAtKill).toBeLessThan(events.length);

  clients = integrationsClientsAt(second.address);
  const all: WebhookDelivery[] = [];
  let cursor = "";
  do {
    const page = await clients.webhooks.listWebhookDeliveries({ webhookId: w.id, status: DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED, eventType: "", page: { pageSize: 50, cursor, sort: "" } }, admin);
    all.push(...page.deliveries);
    cursor = page.page?.nextCursor ?? "";
  } while (cursor);
  // One delivery per event, however often the fan-out saw it.
  expect(all).toHaveLength(events.length);
  expect(new Set(all.map((d) => d.eventId))).toEqual(ids);
  await eventually(
    async () => (await clients.webhooks.listWebhookDeliveries({ webhookId: w.id, status: DeliveryStatus.DELIVERY_STATUS_PENDING, eventType: "", page: { pageSize: 200, cursor: "", sort: "" } }, admin)).deliveries,
    (pending) => pending.length === 0,
    "no delivery left pending",
  );
  clients.close();
}, 180_000);
