import { crashAndRestartWorkload, waitFor } from "@relata/testing";
import { as, call, expectProblem, partner, runId, uniqueLead } from "./support/api";
import { WebhookReceiver, type ReceivedWebhook } from "./support/webhook-receiver";

// A partner's endpoint in this process; the stack's Integrations may call 127.0.0.0/8 over http
// (its manifest's WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOWED_NETWORKS) and retries after 2 s, 4 s...
let receiver: WebhookReceiver;
let admin: string;
let rep: string;
const created: { token: string; id: string }[] = [];

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  [admin, rep] = await Promise.all([as("acme-tenant-admin"), as("acme-sales-rep")]);
});

afterAll(async () => {
  // Leave no webhook of this run calling a receiver that is gone.
  for (const w of created) await call("DELETE", `/v1/webhooks/${w.id}`, { token: w.token });
  await receiver.close();
});

/** Subscribes `path` of the receiver and trusts its secret. */
async function subscribe(path: string, eventTypes: string[], token = admin): Promise<string> {
  const res = await call("POST", "/v1/webhooks", { token, body: { url: receiver.url(path), description: `e2e ${runId}`, eventTypes } });
  expect(res.status).toBe(201);
  created.push({ token, id: res.body.id });
  const secret = await call("GET", `/v1/webhooks/${res.body.id}/secret`, { token });
  expect(secret.status).toBe(200);
  expect(secret.body.secret).toMatch(/^whsec_/);
  receiver.trust(path, secret.body.secret);
  return res.body.id as string;
}

async function arrived(path: string, what: string, ok: (received: ReceivedWebhook[]) => boolean, timeoutMs = 60_000): Promise<ReceivedWebhook[]> {
  await waitFor(async () => ok(receiver.on(path)), { timeoutMs, intervalMs: 200, what });
  return receiver.on(path);
}

async function createLead(token = rep): Promise<string> {
  const res = await call("POST", "/v1/leads", { token, body: uniqueLead() });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe("webhooks through the gateway", () => {
  it("a partner subscribes; each event is POSTed once with a Standard Webhooks signature, only the tenant's", async () => {
    const path = `/leads-${runId}`;
    await subscribe(path, ["sales.lead.*"], await partner("acme"));
    const leadId = await createLead();
    const globexLead = await createLead(await as("globex-sales-rep"));

    const received = await arrived(path, "the lead's created event", (r) => r.some((x) => x.payload.data?.record?.id === leadId));
    const delivery = received.find((x) => x.payload.data.record.id === leadId)!;
    expect(delivery.verified).toBe(true);
    expect(delivery.payload).toMatchObject({
      type: "sales.lead.created",
      tenantId: "acme",
      data: { record: { type: "sales.lead", id: leadId }, lead: { id: leadId, tenantId: "acme", status: "new" } },
    });
    expect(delivery.id).not.toBe("");
    // Only acme's events reach acme's webhook.
    expect(received.filter((x) => x.payload.tenantId !== "acme" || x.payload.data?.record?.id === globexLead)).toEqual([]);
  });

  it("a failing endpoint gets retries with growing delays, the same webhook-id each time, then succeeds; the log shows every attempt", async () => {
    const path = `/flaky-${runId}`;
    receiver.answer(path, (n) => ({ status: n <= 2 ? 500 : 204 }));
    const webhookId = await subscribe(path, ["sales.account.created"]);
    const account = await call("POST", "/v1/accounts", { token: rep, body: { name: `Flaky ${runId}` } });
    expect(account.status).toBe(201);
    const mine = (r: ReceivedWebhook[]) => r.filter((x) => x.payload.data?.record?.id === account.body.id);

    const attempts = mine(await arrived(path, "three attempts", (r) => mine(r).length >= 3));
    expect(attempts.map((a) => [a.status, a.verified])).toEqual([[500, true], [500, true], [204, true]]);
    expect(new Set(attempts.map((a) => a.id)).size).toBe(1);
    const [first, second, third] = attempts.map((a) => a.at) as [number, number, number];
    expect(third - second).toBeGreaterThan(second - first);

    await waitFor(
      async () => {
        const log = await call("GET", `/v1/webhooks/${webhookId}/deliveries?eventType=sales.account.created`, { token: admin });
        return log.body.data?.some((d: any) => d.id === attempts[0]!.id && d.status === "succeeded");
      },
      { timeoutMs: 15_000, what: "the delivery logged as succeeded" },
    );
    const delivery = await call("GET", `/v1/webhooks/${webhookId}/deliveries/${attempts[0]!.id}`, { token: admin });
    expect(delivery.body).toMatchObject({ status: "succeeded", attempts: 3, eventType: "sales.account.created" });
    expect(delivery.body.attemptLog.map((a: any) => [a.attempt, a.responseStatus])).toEqual([[1, 500], [2, 500], [3, 204]]);
  });

  it("410 Gone disables the webhook: nothing more is sent to it", async () => {
    const gone = `/gone-${runId}`;
    const control = `/control-${runId}`;
    receiver.answer(gone, () => ({ status: 410 }));
    const webhookId = await subscribe(gone, ["sales.contact.created"]);
    await subscribe(control, ["sales.contact.created"]);
    const contact = () => call("POST", "/v1/contacts", { token: rep, body: { lastName: `Gone ${runId}`, email: `gone.${Math.random().toString(36).slice(2)}@example.test` } });

    const first = await contact();
    await arrived(gone, "the first contact at the gone endpoint", (r) => r.some((x) => x.payload.data?.record?.id === first.body.id));
    await waitFor(async () => (await call("GET", `/v1/webhooks/${webhookId}`, { token: admin })).body.status === "disabled", { timeoutMs: 15_000, what: "the webhook disabled" });
    expect((await call("GET", `/v1/webhooks/${webhookId}`, { token: admin })).body).toMatchObject({ status: "disabled", disabledReason: "gone" });

    const second = await contact();
    // The control webhook hears the second contact; the disabled one does not.
    await arrived(control, "the second contact at the control endpoint", (r) => r.some((x) => x.payload.data?.record?.id === second.body.id));
    expect(receiver.on(gone).map((x) => x.payload.data.record.id)).toEqual([first.body.id]);
  });

  it("Integrations killed with SIGKILL during a burst of deliveries loses none of them", async () => {
    const path = `/burst-${runId}`;
    // A slow endpoint: many deliveries are in flight when the process dies.
    receiver.answer(path, () => ({ status: 200, delayMs: 2_000 }));
    await subscribe(path, ["sales.lead.created"]);
    const ids = await Promise.all(Array.from({ length: 15 }, () => createLead()));
    await arrived(path, "the burst's first deliveries in flight", (r) => r.length >= 3);
    await crashAndRestartWorkload("integrations");
    ids.push(...(await Promise.all(Array.from({ length: 5 }, () => createLead()))));

    // A task in flight when the process died comes back after its ack wait (30 s).
    const received = await arrived(path, "every lead of the burst", (r) => ids.every((id) => r.some((x) => x.payload.data?.record?.id === id)), 120_000);
    expect(received.every((x) => x.verified)).toBe(true);
    expect(new Set(received.map((x) => x.payload.data.record.id))).toEqual(new Set(ids));
  }, 180_000);

  it("a ping is delivered at once and logged", async () => {
    const path = `/ping-${runId}`;
    const webhookId = await subscribe(path, ["sales.opportunity.won"]);
    const ping = await call("POST", `/v1/webhooks/${webhookId}/ping`, { token: admin });
    expect(ping.status).toBe(202);
    const [received] = await arrived(path, "the ping", (r) => r.length === 1);
    expect({ type: received!.payload.type, id: received!.id, verified: received!.verified }).toEqual({ type: "webhook.ping", id: ping.body.id, verified: true });
  });

  it("refuses an endpoint on a private, loopback-v6 or metadata address, naming url", async () => {
    for (const url of ["https://169.254.169.254/latest/meta-data/", "http://10.0.0.5/hook", "https://[::1]/hook", "https://metadata.google.internal/"]) {
      const res = await call("POST", "/v1/webhooks", { token: admin, body: { url, eventTypes: ["sales.lead.created"] } });
      expectProblem(res, 400, "url");
    }
  });

  it("another tenant sees none of the webhooks nor their deliveries; a sales rep may not manage them", async () => {
    const webhookId = await subscribe(`/private-${runId}`, ["sales.lead.created"]);
    const globex = await as("globex-tenant-admin");
    expectProblem(await call("GET", `/v1/webhooks/${webhookId}`, { token: globex }), 404);
    expectProblem(await call("GET", `/v1/webhooks/${webhookId}/deliveries`, { token: globex }), 404);
    expectProblem(await call("GET", `/v1/webhooks/${webhookId}/secret`, { token: globex }), 404);
    const listed = await call("GET", "/v1/webhooks?limit=200", { token: globex });
    expect(listed.body.data.map((w: any) => w.id)).not.toContain(webhookId);
    expectProblem(await call("POST", "/v1/webhooks", { token: rep, body: { url: receiver.url("/x"), eventTypes: ["sales.lead.created"] } }), 403);
  });
});
