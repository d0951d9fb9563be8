import { randomUUID } from "node:crypto";
import { connect } from "@nats-io/transport-node";
import { localStack, startComponent, stopComponent, withComponentStopped, type StackComponent } from "../../src";

// Stopping and starting a server of the stack the tests run on (`make test` starts OpenSearch and
// NATS with the rest of the infrastructure): what a test of an outage does.

jest.setTimeout(300_000);

const index = `kit-test-${randomUUID().slice(0, 8)}`;
const opensearch = (path: string, init?: RequestInit) => fetch(`${localStack.opensearchUrl}${path}`, { ...init, headers: { "content-type": "application/json" } });

afterAll(async () => {
  await opensearch(`/${index}`, { method: "DELETE" }).catch(() => undefined);
});

test("OpenSearch stops and starts again with what it had indexed", async () => {
  const health = (await (await opensearch("/_cluster/health")).json()) as { status: string };
  expect(["yellow", "green"]).toContain(health.status);
  await opensearch(`/${index}`, { method: "PUT", body: JSON.stringify({ settings: { number_of_replicas: 0 } }) });
  const put = await opensearch(`/${index}/_doc/a1?refresh=true`, { method: "PUT", body: JSON.stringify({ title: "Resetting a password" }) });
  expect(put.status).toBe(201);

  await stopComponent("opensearch");
  await expect(opensearch("/_cluster/health")).rejects.toThrow();

  await startComponent("opensearch");
  const search = await opensearch(`/${index}/_search`, { method: "POST", body: JSON.stringify({ query: { match: { title: { query: "pasword", fuzziness: "AUTO" } } } }) });
  const found = (await search.json()) as { hits: { hits: { _id: string }[] } };
  expect(found.hits.hits.map((hit) => hit._id)).toEqual(["a1"]);
});

test("withComponentStopped starts the component again when the test's code throws", async () => {
  const outcome = withComponentStopped("nats", async () => {
    await expect(connect({ servers: localStack.natsUrl, reconnect: false, timeout: 1000 })).rejects.toThrow();
    throw new Error("the test's own failure");
  });
  await expect(outcome).rejects.toThrow("the test's own failure");
  const nc = await connect({ servers: localStack.natsUrl });
  await nc.close();
});

test("refuses a name that is not a component of the stack", async () => {
  await expect(stopComponent("gateway" as StackComponent)).rejects.toThrow('"gateway" is not a stack component');
});
