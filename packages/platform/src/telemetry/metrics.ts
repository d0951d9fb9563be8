import { createServer, type Server } from "node:http";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The process's Prometheus registry and the metrics every Relata process shares. Names follow
 * Prometheus conventions; labels stay low-cardinality (no tenant, no ids).
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const metrics = {
  rpcRequests: new Counter({
    name: "relata_rpc_server_requests_total",
    help: "gRPC calls handled, by method and status code",
    labelNames: ["method", "code"] as const,
    registers: [registry],
  }),
  rpcDuration: new Histogram({
    name: "relata_rpc_server_duration_seconds",
    help: "gRPC handling time, by method",
    labelNames: ["method"] as const,
    buckets,
    registers: [registry],
  }),
  httpRequests: new Counter({
    name: "relata_http_requests_total",
    help: "HTTP requests answered, by method, route template and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  }),
  httpDuration: new Histogram({
    name: "relata_http_request_duration_seconds",
    help: "HTTP request time, by method and route template",
    labelNames: ["method", "route"] as const,
    buckets,
    registers: [registry],
  }),
  eventsPublished: new Counter({
    name: "relata_events_published_total",
    help: "Events published to JetStream, by subject (duplicates dropped by JetStream included)",
    labelNames: ["subject"] as const,
    registers: [registry],
  }),
  eventsConsumed: new Counter({
    name: "relata_events_consumed_total",
    help: "Events handled and acknowledged, by consumer and subject",
    labelNames: ["consumer", "subject"] as const,
    registers: [registry],
  }),
  eventsRedelivered: new Counter({
    name: "relata_events_redelivered_total",
    help: "Deliveries that were not the first for their message, by consumer",
    labelNames: ["consumer"] as const,
    registers: [registry],
  }),
  eventsFailed: new Counter({
    name: "relata_events_failed_total",
    help: "Handler failures that asked for a redelivery, by consumer",
    labelNames: ["consumer"] as const,
    registers: [registry],
  }),
  eventsPoisoned: new Counter({
    name: "relata_events_poisoned_total",
    help: "Poison messages set aside on the DEADLETTER stream, by consumer",
    labelNames: ["consumer"] as const,
    registers: [registry],
  }),
  dependencyUp: new Gauge({
    name: "relata_dependency_up",
    help: "1 while a dependency (mongo, nats, ...) is reachable",
    labelNames: ["dependency"] as const,
    registers: [registry],
  }),
  ready: new Gauge({ name: "relata_ready", help: "1 while the process reports ready", registers: [registry] }),
};

/** A gauge whose value is read when Prometheus scrapes (consumer lag, outbox backlog). */
export function scrapedGauge(
  name: string,
  help: string,
  labelNames: string[],
  read: (set: (labels: Record<string, string>, value: number) => void) => Promise<void>,
): Gauge {
  const existing = registry.getSingleMetric(name);
  if (existing) registry.removeSingleMetric(name);
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      await read((labels, value) => this.set(labels, value)).catch(() => undefined);
    },
  });
}

/** Serves /metrics on its own port (services have no HTTP API of their own). */
export function serveMetrics(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { "content-type": registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => server.once("error", reject).listen(port, () => resolve(server)));
}
