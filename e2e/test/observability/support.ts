import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { AckPolicy, DeliverPolicy, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { checkHealth, connectMongo, createLogger, openChannel } from "@relata/platform";
import { clientsAt, localStack, readWorkloads, spawnProcess, startWorkloadProcess, type ClosableClients, type SpawnedProcess, type WorkloadProcess } from "@relata/testing";
import { salesServices } from "@relata/sales/client";

/** One span as an OTLP/HTTP JSON export carries it, with the exporting service's name. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
}

export const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: OtlpAttribute[] }[] }[];
  }[];
}

const valueOf = (v: OtlpValue): string | number | boolean =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue ?? ""));

function attributes(list: OtlpAttribute[] | undefined): Record<string, string | number | boolean> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, valueOf(a.value)]));
}

/** A real OTLP/HTTP (JSON) trace receiver that keeps every span it is sent. */
export async function startOtlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close: () => Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      if (req.url === "/v1/traces") {
        const payload = JSON.parse(body) as OtlpExport;
        for (const rs of payload.resourceSpans ?? []) {
          const service = String(attributes(rs.resource?.attributes)["service.name"] ?? "");
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              spans.push({
                service,
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId ?? "",
                name: s.name,
                kind: s.kind,
                attributes: attributes(s.attributes),
              });
            }
          }
        }
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((r) => server.close(() => r())) };
}

// No OTEL_SERVICE_NAME: each process names itself after its package (@relata/sales → sales).
function otelEnv(otlpUrl: string | undefined): Record<string, string | undefined> {
  if (!otlpUrl) return { OTEL_SERVICE_NAME: undefined };
  return {
    OTEL_SERVICE_NAME: undefined,
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_TRACES_SAMPLER: "always_on",
    OTEL_BSP_SCHEDULE_DELAY: "100",
  };
}

const repoRoot = `${__dirname}/../../..`;

/** Checks grpc.health.v1 for the whole process (service ""). */
export function healthClient(addr: string): { status: () => Promise<string>; close: () => void } {
  const channel = openChannel(addr);
  return { status: () => checkHealth(channel), close: () => channel.close() };
}

export interface SalesUnderTest {
  process: WorkloadProcess;
  grpcAddr: string;
  metricsUrl: string;
  /** Stops the process, then removes its timeline durable and drops its database. */
  stop: () => Promise<void>;
}

/** Runs `use` with a JetStream manager on `natsUrl`. */
async function withJetStream<T>(natsUrl: string, use: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<T>): Promise<T> {
  const nc = await connect({ servers: natsUrl });
  try {
    return await use(await jetstreamManager(nc));
  } finally {
    await nc.close();
  }
}

/**
 * The timeline durable of a test's Sales process, made before the process starts and starting
 * at the end of the SALES stream, so that it never replays the history earlier runs left.
 */
async function createTimelineDurable(natsUrl: string, durable: string): Promise<void> {
  await withJetStream(natsUrl, async (jsm) => {
    await jsm.streams.info("SALES").catch(async (err: unknown) => {
      if (!String(err).includes("not found")) throw err;
      await jsm.streams.add({ name: "SALES", subjects: ["sales.>"] });
    });
    await jsm.consumers.add("SALES", { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, filter_subjects: ["sales.>"] });
  });
}

/**
 * A Sales service process of the test's own, traced: its own database, and its own timeline
 * durable that starts at the end of the stream. `stop()` removes both after the process.
 */
export async function startSales(options: {
  grpcPort: number;
  metricsPort: number;
  natsUrl?: string;
  /** A MongoDB server of the test's own (`mongodb://host:port`); the stack's FerretDB otherwise. */
  mongoBaseUri?: string;
  otlpUrl?: string;
}): Promise<SalesUnderTest> {
  const run = randomUUID().replace(/-/g, "").slice(0, 10);
  const database = `relata_sales_e2e_${run}`;
  const durable = `sales-timeline-e2e-${run}`;
  const natsUrl = options.natsUrl ?? localStack.natsUrl;
  await createTimelineDurable(natsUrl, durable);
  const child = await startWorkloadProcess("sales", {
    port: options.grpcPort,
    metricsPort: options.metricsPort,
    database,
    infra: { mongoBaseUri: options.mongoBaseUri ?? localStack.ferretdbUri, natsUrl },
    env: { LOG_LEVEL: "info", TIMELINE_DURABLE: durable, SHUTDOWN_GRACE_MS: "3000", ...otelEnv(options.otlpUrl) },
  });
  const stop = async () => {
    await child.stop();
    await withJetStream(natsUrl, (jsm) => jsm.consumers.delete("SALES", durable)).catch(() => undefined);
    const db = await connectMongo(`${options.mongoBaseUri ?? localStack.ferretdbUri}/${database}`, createLogger("e2e-cleanup", "silent"));
    await db.dropDatabase().finally(() => db.close());
  };
  return { process: child, grpcAddr: child.address, metricsUrl: `http://127.0.0.1:${options.metricsPort}/metrics`, stop };
}

/** Promise clients of every Sales service at `address`, on one channel that `close()` ends. */
export function salesClientsAt(address: string, defaultTimeoutMs = 15_000): ClosableClients<typeof salesServices> {
  return clientsAt(salesServices, address, defaultTimeoutMs);
}

export async function startGateway(options: {
  port: number;
  metricsPort: number;
  salesGrpcAddr: string;
  otlpUrl?: string;
  /** The gateway's per-request deadline (REQUEST_TIMEOUT_MS); its default otherwise. */
  requestTimeoutMs?: number;
}): Promise<{ process: SpawnedProcess; url: string; metricsUrl: string }> {
  const url = `http://127.0.0.1:${options.port}`;
  const child = await spawnProcess({
    name: "gateway",
    command: process.execPath,
    args: ["--enable-source-maps", "gateway/dist/main.js"],
    cwd: repoRoot,
    env: {
      PORT: String(options.port),
      METRICS_PORT: String(options.metricsPort),
      OIDC_ISSUER: localStack.keycloakIssuer,
      SALES_GRPC_ADDR: options.salesGrpcAddr,
      // The other backends are the stack's: these tests look at Sales' path only.
      ...Object.fromEntries(
        readWorkloads()
          .filter((w) => w.kind === "grpc-service" && w.name !== "sales")
          .map((w) => [`${w.prefix}_GRPC_ADDR`, localStack.workloads[w.name]!.address]),
      ),
      PUBLIC_URL: url,
      LOG_LEVEL: "info",
      ...(options.requestTimeoutMs ? { REQUEST_TIMEOUT_MS: String(options.requestTimeoutMs) } : {}),
      ...otelEnv(options.otlpUrl),
    },
    ready: async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200,
    readyTimeoutMs: 60_000,
  });
  return { process: child, url, metricsUrl: `http://127.0.0.1:${options.metricsPort}/metrics` };
}

/** The value of one Prometheus sample, e.g. metric('relata_http_requests_total', {status: '201'}). */
export function sample(metricsText: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of metricsText.split("\n")) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (.+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[3] ?? "").matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[4]);
  }
  return undefined;
}
