import { startComponent, stopComponent, waitFor } from "@relata/testing";
import { as, call, expectProblem, runId, type ApiResponse } from "./support/api";

/**
 * OpenSearch stops while articles are written: search and suggestions answer 503 problem details
 * with Retry-After, everything else answers as before, and once the engine is back the index
 * catches up from the events, every article in it.
 */

jest.setTimeout(300_000);

let editor: string;
let admin: string;
let agent: string;

beforeAll(async () => {
  [editor, admin, agent] = await Promise.all([as("acme-kb-editor"), as("acme-tenant-admin"), as("acme-support-agent")]);
});

afterAll(async () => {
  // Whatever happened, the stack gets its engine back.
  await startComponent("opensearch");
});

function ok(res: ApiResponse, status = 200): Record<string, any> {
  expect({ status: res.status, body: res.body }).toMatchObject({ status });
  return res.body;
}

const product = `Outage-${runId}`;

async function publish(i: number): Promise<string> {
  const a = ok(await call("POST", "/v1/articles", { token: editor, body: { title: `Outage article ${i} ${runId}`, body: "Written while the engine was down.", product } }), 201);
  ok(await call("POST", `/v1/articles/${a.id}/submit`, { token: editor, body: {} }));
  ok(await call("POST", `/v1/articles/${a.id}/approve`, { token: admin, body: {} }));
  return a.id as string;
}

test("search answers 503 while OpenSearch is down, the rest 2xx, and every article is in the index after", async () => {
  const before = await publish(0);
  const opened = ok(await call("POST", "/v1/cases", { token: agent, body: { subject: `Outage case ${runId}`, product } }), 201);
  await stopComponent("opensearch");

  const down = await call("GET", `/v1/articles/search?q=outage&product=${product}`, { token: agent });
  expectProblem(down, 503);
  expect(Number(down.headers.get("retry-after"))).toBeGreaterThan(0);
  const suggestions = await waitForStatus(() => call("GET", `/v1/cases/${opened.id}/suggested-articles`, { token: agent }), [503]);
  expectProblem(suggestions, 503);

  // Writes, reads, versions, feedback and links go on.
  const during: string[] = [];
  for (let i = 1; i <= 5; i++) during.push(await publish(i));
  const edited = ok(await call("GET", `/v1/articles/${before}`, { token: editor }));
  ok(await call("PATCH", `/v1/articles/${before}`, { token: editor, body: { summary: "edited while down" }, headers: { "if-match": `"${edited.version}"` } }));
  ok(await call("GET", `/v1/articles/${before}/versions`, { token: editor }));
  ok(await call("GET", `/v1/articles?product=${product}`, { token: agent }));
  ok(await call("POST", `/v1/articles/${during[0]}/feedback`, { token: agent, body: { helpful: true } }), 201);
  await waitForStatus(() => call("POST", `/v1/cases/${opened.id}/linked-articles`, { token: agent, body: { articleId: during[0] } }), [200]);

  await startComponent("opensearch");
  const all = [before, ...during];
  await waitFor(
    async () => {
      const res = await call("GET", `/v1/articles/search?q=outage&product=${product}&limit=50`, { token: agent });
      return res.status === 200 && all.every((id) => (res.body.data as { articleId: string }[]).some((h) => h.articleId === id));
    },
    { timeoutMs: 120_000, what: "every article in the index once OpenSearch is back" },
  );
});

/** Calls until the status is one of `statuses` (an engine just stopped or a case just heard of). */
async function waitForStatus(read: () => Promise<ApiResponse>, statuses: number[]): Promise<ApiResponse> {
  let last!: ApiResponse;
  await waitFor(async () => statuses.includes((last = await read()).status), { timeoutMs: 30_000, what: `a status in ${statuses.join(", ")}` });
  return last;
}
