import { randomUUID } from "node:crypto";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import mongoose from "mongoose";
import { dropDatabase, freePort, localStack, startWorkloadProcess, waitFor, type WorkloadProcess } from "../../src";

// Any workload, started by name from its manifest, against the stack's FerretDB, NATS and
// Keycloak (which `make test` starts): here a Sales service of the test's own, and a gateway
// that reaches that Sales rather than the stack's.

jest.setTimeout(120_000);

const timelineDurable = `sales-timeline-kit-${randomUUID().slice(0, 8)}`;
// The Knowledge-Base's consumers and search index of this test's own, apart from the stack's.
const kit = randomUUID().slice(0, 8);
const knowledgeEnv = { CASE_COPY_DURABLE: `knowledge-cases-kit-${kit}`, SEARCH_INDEX_DURABLE: `knowledge-search-kit-${kit}`, SEARCH_INDEX_ALIAS: `relata-knowledge-kit-${kit}` };
let sales: WorkloadProcess | undefined;
let service: WorkloadProcess | undefined;
let knowledge: WorkloadProcess | undefined;
// Marketing's durables of this test's own (those with a setting), apart from the stack's.
const marketingEnv = { CAMPAIGN_CLOCK_DURABLE: `marketing-clock-kit-${kit}`, LEAD_SCORING_DURABLE: `marketing-scoring-kit-${kit}` };
let marketing: WorkloadProcess | undefined;
let reporting: WorkloadProcess | undefined;
// Integrations' durables of this test's own: the webhooks' fan-out reads every service's stream.
const integrationsEnv = { WEBHOOK_FANOUT_DURABLE: `integrations-fanout-kit-${kit}` };
let integrations: WorkloadProcess | undefined;
let gateway: WorkloadProcess | undefined;

afterAll(async () => {
  await gateway?.stop();
  await sales?.stop();
  await service?.stop();
  await knowledge?.stop();
  await marketing?.stop();
  await reporting?.stop();
  await integrations?.stop();
  if (reporting?.database) await dropDatabase(reporting.database);
  if (integrations?.database) await dropDatabase(integrations.database);
  if (marketing?.database) await dropDatabase(marketing.database);
  if (service?.database) await dropDatabase(service.database);
  if (knowledge?.database) await dropDatabase(knowledge.database);
  const nc = await connect({ servers: localStack.natsUrl });
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.delete("SALES", timelineDurable).catch(() => undefined);
  await jsm.consumers.delete("SERVICE", knowledgeEnv.CASE_COPY_DURABLE).catch(() => undefined);
  await jsm.consumers.delete("KNOWLEDGE", knowledgeEnv.SEARCH_INDEX_DURABLE).catch(() => undefined);
  await jsm.consumers.delete("MARKETING", marketingEnv.CAMPAIGN_CLOCK_DURABLE).catch(() => undefined);
  await jsm.consumers.delete("SALES", marketingEnv.LEAD_SCORING_DURABLE).catch(() => undefined);
  await jsm.consumers.delete("MARKETING", `${marketingEnv.LEAD_SCORING_DURABLE}-responses`).catch(() => undefined);
  for (const stream of ["SALES", "SERVICE", "KNOWLEDGE", "MARKETING", "REPORTING", "INTEGRATIONS"]) {
    await jsm.consumers.delete(stream, `${integrationsEnv.WEBHOOK_FANOUT_DURABLE}-${stream.toLowerCase()}`).catch(() => undefined);
  }
  await fetch(`${localStack.opensearchUrl}/${knowledgeEnv.SEARCH_INDEX_ALIAS}-*`, { method: "DELETE" }).catch(() => undefined);
  await nc.close();
  if (sales?.database) {
    const db = await mongoose.createConnection(`${localStack.ferretdbUri}/${sales.database}`).asPromise();
    await db.dropDatabase().catch(() => undefined);
    await db.close();
  }
});

test("a service starts on the test's port with a fresh database, and the gateway reaches it there", async () => {
  sales = await startWorkloadProcess("sales", { port: await freePort(), env: { TIMELINE_DURABLE: timelineDurable } });
  expect(sales.database).toMatch(/^relata_sales_test_[0-9a-f]{10}$/);
  expect(sales.logs()).toContain(`"port":${sales.address.split(":")[1]}`);

  // The gateway hosts every backend and is ready only when it reaches each: the Service, the Knowledge-Base, Marketing, Reporting and Integrations too.
  service = await startWorkloadProcess("service", { port: await freePort() });
  knowledge = await startWorkloadProcess("knowledge", { port: await freePort(), env: knowledgeEnv });
  marketing = await startWorkloadProcess("marketing", { port: await freePort(), env: marketingEnv });
  reporting = await startWorkloadProcess("reporting", { port: await freePort() });
  integrations = await startWorkloadProcess("integrations", { port: await freePort(), env: { ...integrationsEnv, SALES_GRPC_ADDR: sales.address } });
  gateway = await startWorkloadProcess("gateway", {
    port: await freePort(),
    addresses: { sales: sales.address, service: service.address, knowledge: knowledge.address, marketing: marketing.address, reporting: reporting.address, integrations: integrations.address },
  });
  expect(gateway.database).toBeUndefined();
  const ready = await fetch(`${gateway.url}/readyz`);
  expect({ status: ready.status, body: await ready.json() }).toEqual({
    status: 200,
    body: { status: "ready", checks: { "keycloak-jwks": "up", sales: "up", service: "up", knowledge: "up", marketing: "up", reporting: "up", integrations: "up" } },
  });

  // Stopping the test's Sales is what the gateway's readiness follows: it was reaching that one.
  await sales.stop();
  const url = gateway.url;
  await waitFor(async () => (await fetch(`${url}/readyz`)).status === 503, { timeoutMs: 30_000, what: "the gateway not ready once its Sales is gone" });
  const after = await fetch(`${url}/readyz`);
  expect({ status: after.status, sales: ((await after.json()) as { checks: Record<string, string> }).checks.sales }).toEqual({ status: 503, sales: "down" });
});
