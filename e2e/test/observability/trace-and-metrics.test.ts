import { randomUUID } from "node:crypto";
import { testServerPort, userToken, waitFor } from "@relata/testing";
import { sample, SPAN_KIND, startGateway, startOtlpReceiver, startSales, type ReceivedSpan, type SalesUnderTest } from "./support";

// A gateway and a Sales service of this test's own, exporting OTLP to a receiver the test
// runs, against the real FerretDB, NATS and Keycloak.
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let sales: SalesUnderTest;
let gateway: Awaited<ReturnType<typeof startGateway>>;
let token: string;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // Ports in the stack's block (docs/local-stack.md: test server ports, 110-113 for this file).
  sales = await startSales({ grpcPort: testServerPort(110), metricsPort: testServerPort(111), otlpUrl: receiver.url });
  gateway = await startGateway({ port: testServerPort(112), metricsPort: testServerPort(113), salesGrpcAddr: sales.grpcAddr, otlpUrl: receiver.url });
  token = await userToken("acme-sales-rep");
}, 120_000);

afterAll(async () => {
  await gateway?.process.stop();
  await sales?.stop();
  await receiver?.close();
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": randomUUID() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const byId = (spans: ReceivedSpan[]) => new Map(spans.map((s) => [s.spanId, s]));

/** True when `ancestor` is `span` or one of its parents, following parentSpanId within the trace. */
function descendsFrom(span: ReceivedSpan, ancestor: ReceivedSpan, index: Map<string, ReceivedSpan>): boolean {
  for (let s: ReceivedSpan | undefined = span; s; s = index.get(s.parentSpanId)) if (s.spanId === ancestor.spanId) return true;
  return false;
}

describe("one trace per request across gateway, gRPC, database and NATS", () => {
  it("traces a lead conversion from the gateway to the event consumer, correctly parented", async () => {
    const created = await api("POST", "/v1/leads", { firstName: "Trace", lastName: "Lovelace", company: `Traced ${randomUUID().slice(0, 6)}` });
    expect(created.status).toBe(201);
    const converted = await api("POST", `/v1/leads/${created.json.id}/convert`, {});
    expect(converted.status).toBe(200);

    // The HTTP span of the conversion request is the root of its trace.
    let root: ReceivedSpan | undefined;
    const received = () => receiver.spans.map((s) => `${s.service} ${s.kind} ${s.name} ${s.traceId.slice(0, 8)} ${JSON.stringify(s.attributes).slice(0, 120)}`).join("\n");
    await waitFor(
      async () => {
        root = receiver.spans.find(
          (s) => s.service === "gateway" && s.kind === SPAN_KIND.SERVER && String(s.attributes["url.path"] ?? s.attributes["http.target"] ?? "").endsWith(`/v1/leads/${created.json.id}/convert`),
        );
        if (!root) return false;
        const trace = receiver.spans.filter((s) => s.traceId === root!.traceId);
        return trace.some((s) => s.kind === SPAN_KIND.CONSUMER && s.name === "process sales.lead.converted");
      },
      { timeoutMs: 30_000, what: "the conversion's trace to reach its consumer" },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; spans received:\n${received()}`);
    });
    const trace = receiver.spans.filter((s) => s.traceId === root!.traceId);
    const index = byId(trace);

    const grpcClient = trace.find((s) => s.service === "gateway" && s.kind === SPAN_KIND.CLIENT && s.name.includes("LeadService/ConvertLead"));
    const grpcServer = trace.find((s) => s.service === "sales" && s.kind === SPAN_KIND.SERVER && s.name.includes("LeadService/ConvertLead"));
    const dbSpans = trace.filter((s) => s.service === "sales" && s.attributes["db.system"] === "mongodb" || s.attributes["db.system.name"] === "mongodb");
    const publish = trace.find((s) => s.kind === SPAN_KIND.PRODUCER && s.name === "publish sales.lead.converted");
    const consume = trace.find((s) => s.kind === SPAN_KIND.CONSUMER && s.name === "process sales.lead.converted");

    expect(grpcClient).toBeDefined();
    expect(grpcServer).toBeDefined();
    expect(publish).toBeDefined();
    expect(consume).toBeDefined();
    expect(dbSpans.length).toBeGreaterThan(0);

    // Parenting: gateway HTTP → gRPC client → Sales gRPC server → database calls; the event's
    // publish descends from the request (through the outbox) and the consumer from the publish.
    expect(descendsFrom(grpcClient!, root!, index)).toBe(true);
    expect(grpcServer!.parentSpanId).toBe(grpcClient!.spanId);
    expect(dbSpans.some((s) => descendsFrom(s, grpcServer!, index))).toBe(true);
    expect(publish!.service).toBe("sales");
    expect(descendsFrom(publish!, grpcServer!, index)).toBe(true);
    expect(consume!.parentSpanId).toBe(publish!.spanId);

    // The response names its trace; the root span carries the request id the response echoes.
    expect(converted.headers.get("x-trace-id")).toBe(root!.traceId);
    expect(root!.attributes["relata.request_id"]).toBe(converted.headers.get("x-request-id"));

    // Spans carry tenant, request id and entity id, and no personal data.
    expect(grpcServer!.attributes["relata.tenant_id"]).toBe("acme");
    expect(grpcServer!.attributes["relata.entity_id"]).toBe(created.json.id);
    expect(String(grpcServer!.attributes["relata.request_id"] ?? "")).not.toBe("");
    const everything = JSON.stringify(trace);
    expect(everything).not.toContain("Lovelace");
  });

  it("keeps personal data in query filters out of spans", async () => {
    const email = `private-${randomUUID().slice(0, 8)}@example.test`;
    expect((await api("GET", `/v1/contacts?email=${encodeURIComponent(email)}`)).status).toBe(200);
    await waitFor(
      async () => receiver.spans.some((s) => s.service === "gateway" && s.kind === SPAN_KIND.SERVER && String(s.attributes["url.path"] ?? "") === "/v1/contacts"),
      { timeoutMs: 15_000, what: "the contacts request's span" },
    );
    expect(JSON.stringify(receiver.spans)).not.toContain(email);
    expect(JSON.stringify(receiver.spans)).not.toContain(encodeURIComponent(email));
  });

  it("counts requests, RPCs and events in /metrics after a known sequence of calls", async () => {
    const company = `Metered ${randomUUID().slice(0, 6)}`;
    const metricsBefore = await (await fetch(sales.metricsUrl)).text();
    const gatewayBefore = await (await fetch(gateway.metricsUrl)).text();
    const createsBefore = sample(metricsBefore, "relata_rpc_server_requests_total", { method: "/relata.sales.v1.LeadService/CreateLead", code: "OK" }) ?? 0;
    const notFoundBefore = sample(metricsBefore, "relata_rpc_server_requests_total", { method: "/relata.sales.v1.LeadService/GetLead", code: "NOT_FOUND" }) ?? 0;
    const publishedBefore = sample(metricsBefore, "relata_events_published_total", { subject: "sales.lead.created" }) ?? 0;
    const http201Before = sample(gatewayBefore, "relata_http_requests_total", { method: "POST", route: "/v1/leads", status: "201" }) ?? 0;
    const http404Before = sample(gatewayBefore, "relata_http_requests_total", { method: "GET", route: "/v1/leads/:id", status: "404" }) ?? 0;

    for (let i = 0; i < 3; i++) expect((await api("POST", "/v1/leads", { lastName: `Metric${i}`, company })).status).toBe(201);
    expect((await api("GET", `/v1/leads/${randomUUID()}`)).status).toBe(404);

    let salesText = "";
    await waitFor(
      async () => {
        salesText = await (await fetch(sales.metricsUrl)).text();
        return sample(salesText, "relata_events_published_total", { subject: "sales.lead.created" }) === publishedBefore + 3;
      },
      { timeoutMs: 15_000, what: "three lead.created events to be published" },
    );
    const gatewayText = await (await fetch(gateway.metricsUrl)).text();
    expect(sample(salesText, "relata_rpc_server_requests_total", { method: "/relata.sales.v1.LeadService/CreateLead", code: "OK" })).toBe(createsBefore + 3);
    expect(sample(salesText, "relata_rpc_server_requests_total", { method: "/relata.sales.v1.LeadService/GetLead", code: "NOT_FOUND" })).toBe(notFoundBefore + 1);
    expect(sample(salesText, "relata_outbox_pending_events")).toBe(0);
    expect(sample(salesText, "relata_dependency_up", { dependency: "nats" })).toBe(1);
    expect(sample(salesText, "relata_ready")).toBe(1);
    expect(sample(salesText, "relata_consumer_pending_messages", { stream: "SALES" })).toBeDefined();
    expect(sample(salesText, "nodejs_eventloop_lag_p99_seconds")).toBeDefined();
    expect(sample(gatewayText, "relata_http_requests_total", { method: "POST", route: "/v1/leads", status: "201" })).toBe(http201Before + 3);
    expect(sample(gatewayText, "relata_http_requests_total", { method: "GET", route: "/v1/leads/:id", status: "404" })).toBe(http404Before + 1);
  });
});
