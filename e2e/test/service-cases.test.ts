import { waitFor } from "@relata/testing";
import { as, call, expectProblem, partner, runId, type ApiResponse } from "./support/api";

/**
 * A case's lifecycle verbs, comments, feedback, history and the tenant's Service settings
 * through the real gateway → Service (and Sales) gRPC → FerretDB/NATS, with tokens from the
 * real Keycloak: statuses, ETags, problems naming the refused move or the field, tenant
 * isolation and who may call what.
 */

let agent: string;
let manager: string;
let admin: string;
let rep: string;
let marketer: string;
let globexAgent: string;
let acmePartner: string;

beforeAll(async () => {
  [agent, manager, admin, rep, marketer, globexAgent, acmePartner] = await Promise.all([
    as("acme-support-agent"),
    as("acme-support-manager"),
    as("acme-tenant-admin"),
    as("acme-sales-rep"),
    as("acme-marketer"),
    as("globex-support-agent"),
    partner("acme"),
  ]);
});

let counter = 0;
async function openCase(body: Record<string, unknown> = {}, token = agent): Promise<ApiResponse> {
  const res = await call("POST", "/v1/cases", { token, body: { subject: `Printer jam ${runId} ${++counter}`, ...body } });
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
  return res;
}

const post = (path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => call("POST", path, { token, body, headers });

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  let value!: T;
  await waitFor(async () => ok((value = await read())), { timeoutMs: 20_000, what });
  return value;
}

describe("a case's lifecycle through the gateway", () => {
  test("start (If-Match), wait, resolve with a note, close: 200 with the new ETag; a stale If-Match is 412; a refused move is 409 naming it; reopen", async () => {
    const c = await openCase();
    const path = `/v1/cases/${c.body.id}`;
    expect(c.body).toMatchObject({ status: "new", version: 1, resolution: null });

    const started = await post(`${path}/start`, agent, undefined, { "if-match": c.headers.get("etag")! });
    expect({ status: started.status, etag: started.headers.get("etag"), status_: started.body.status }).toEqual({ status: 200, etag: '"2"', status_: "in_progress" });
    expectProblem(await post(`${path}/wait`, agent, undefined, { "if-match": '"1"' }), 412);
    expect((await post(`${path}/wait`, agent)).body.status).toBe("waiting_on_customer");

    expectProblem(await post(`${path}/resolve`, agent, {}), 400, "resolution");
    const resolved = await post(`${path}/resolve`, agent, { resolution: "Replaced the fuser" });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: "resolved", resolution: "Replaced the fuser", resolvedAt: expect.any(String) });

    const closed = await post(`${path}/close`, manager);
    expect(closed.body).toMatchObject({ status: "closed", closedAt: expect.any(String) });
    const refused = await post(`${path}/wait`, agent);
    expectProblem(refused, 409, "status");
    expect(refused.body.detail).toBe("cannot move a case from closed to waiting_on_customer");

    const reopened = await post(`${path}/reopen`, agent);
    expect(reopened.body).toMatchObject({ status: "in_progress", resolution: null, resolvedAt: null, closedAt: null, reopenedAt: expect.any(String) });
    expect((await call("GET", path, { token: agent })).body.version).toBe(reopened.body.version);
  });

  test("comments: an internal note, then the first public reply sets firstRespondedAt; both listed, filtered by visibility", async () => {
    const c = await openCase();
    const path = `/v1/cases/${c.body.id}`;
    const note = await post(`${path}/comments`, agent, { visibility: "internal", body: "VIP customer" });
    expect(note.status).toBe(201);
    expect((await call("GET", path, { token: agent })).body.firstRespondedAt).toBeNull();
    const reply = await post(`${path}/comments`, agent, { visibility: "public", body: "We are looking into it" }, { "idempotency-key": `reply-${runId}-${counter}` });
    expect(reply.body).toMatchObject({ caseId: c.body.id, visibility: "public", body: "We are looking into it", createdAt: expect.any(String) });
    expect((await call("GET", path, { token: agent })).body.firstRespondedAt).toBe(reply.body.createdAt);

    const listed = await call("GET", `${path}/comments`, { token: manager });
    expect(listed.body.data.map((m: { visibility: string }) => m.visibility)).toEqual(["internal", "public"]);
    expect((await call("GET", `${path}/comments?visibility=public`, { token: agent })).body.data).toHaveLength(1);
    expectProblem(await post(`${path}/comments`, agent, { visibility: "shouted", body: "x" }), 400, "visibility");
  });

  test("feedback: 409 while open; 201 once resolved; 409 the second time; served at /feedback", async () => {
    const c = await openCase();
    const path = `/v1/cases/${c.body.id}`;
    expectProblem(await post(`${path}/feedback`, agent, { score: 5 }), 409);
    expectProblem(await call("GET", `${path}/feedback`, { token: agent }), 404);
    await post(`${path}/resolve`, agent, { resolution: "Done" });
    expectProblem(await post(`${path}/feedback`, agent, { score: 7 }), 400, "score");
    const given = await post(`${path}/feedback`, acmePartner, { score: 4, comment: "Fast" });
    expect(given.status).toBe(201);
    expect(given.body).toMatchObject({ caseId: c.body.id, score: 4, comment: "Fast" });
    expectProblem(await post(`${path}/feedback`, agent, { score: 1 }), 409);
    expect((await call("GET", `${path}/feedback`, { token: rep })).body).toEqual(given.body);
  });

  test("history: opened, the status change, the reply and the resolution, oldest first", async () => {
    const c = await openCase();
    const path = `/v1/cases/${c.body.id}`;
    await post(`${path}/start`, agent);
    await post(`${path}/comments`, agent, { visibility: "public", body: "On it" });
    await post(`${path}/resolve`, agent, { resolution: "Reset the printer" });
    const history = await eventually(
      () => call("GET", `${path}/history`, { token: agent }),
      (res) => res.status === 200 && res.body.data.length >= 4,
      "the case's history",
    );
    expect(history.body.data.map((e: { kind: string }) => e.kind)).toEqual([
      "service.case.opened",
      "service.case.status_changed",
      "service.case.public_reply_added",
      "service.case.resolved",
    ]);
    expect(history.body.data[3]).toMatchObject({ summary: "Resolved: Reset the printer", status: "resolved" });
    const firstPage = await call("GET", `${path}/history?limit=2`, { token: agent });
    expect(firstPage.body.data).toHaveLength(2);
    expect(firstPage.headers.get("link")).toMatch(/rel="next"/);
  });

  test("the account and contact: a contact of another account is 400 naming contactId; the case's activity shows on the account's Sales timeline", async () => {
    const account = await post("/v1/accounts", rep, { name: `Initech ${runId}` });
    const other = await post("/v1/accounts", rep, { name: `Initrode ${runId}` });
    const contact = await post("/v1/contacts", rep, { accountId: account.body.id, lastName: `Gibbons ${runId}` });
    expectProblem(await post("/v1/cases", agent, { subject: "Stapler", accountId: other.body.id, contactId: contact.body.id }), 400, "contactId");
    expectProblem(await post("/v1/cases", agent, { subject: "Stapler", accountId: "00000000-0000-4000-8000-000000000000" }), 400, "accountId");

    const c = await openCase({ contactId: contact.body.id });
    expect(c.body.accountId).toBe(account.body.id);
    const path = `/v1/cases/${c.body.id}`;
    await post(`${path}/comments`, agent, { visibility: "public", body: "On it" });
    await post(`${path}/resolve`, agent, { resolution: "Found the stapler" });
    await post(`${path}/feedback`, agent, { score: 5 });
    await post(`${path}/close`, agent);

    const timeline = await eventually(
      () => call("GET", `/v1/accounts/${account.body.id}/timeline`, { token: rep }),
      (res) => res.status === 200 && res.body.data.filter((e: { record: { type: string } | null }) => e.record?.type === "service.case").length >= 5,
      "the case's entries on the account's timeline",
    );
    const caseEntries = timeline.body.data.filter((e: { record: { type: string } | null }) => e.record?.type === "service.case");
    expect(caseEntries.map((e: { kind: string }) => e.kind).sort()).toEqual(
      ["service.case.closed", "service.case.csat_given", "service.case.opened", "service.case.public_reply_added", "service.case.resolved"],
    );
    expect(caseEntries.find((e: { kind: string }) => e.kind === "service.case.opened")).toMatchObject({
      summary: `Case ${c.body.number} opened: "${c.body.subject}"`,
      record: { type: "service.case", id: c.body.id },
    });
  });
});

describe("the tenant's Service settings", () => {
  test("read by support, replaced by a tenant admin only, with If-Match; each tenant has its own", async () => {
    const globexBefore = await call("GET", "/v1/service-settings", { token: globexAgent });
    const current = await call("GET", "/v1/service-settings", { token: agent });
    expect(current.status).toBe(200);
    expect(current.body.reopenWindowDays).toEqual(expect.any(Number));
    const etag = current.headers.get("etag")!;
    expectProblem(await call("PUT", "/v1/service-settings", { token: agent, body: { reopenWindowDays: 14 } }), 403);
    expectProblem(await call("PUT", "/v1/service-settings", { token: manager, body: { reopenWindowDays: 14 } }), 403);
    expectProblem(await call("PUT", "/v1/service-settings", { token: admin, body: { reopenWindowDays: 400 } }), 400, "reopenWindowDays");

    const replaced = await call("PUT", "/v1/service-settings", { token: admin, body: { reopenWindowDays: 14 }, headers: { "if-match": etag } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ reopenWindowDays: 14, version: current.body.version + 1 });
    expectProblem(await call("PUT", "/v1/service-settings", { token: admin, body: { reopenWindowDays: 14 }, headers: { "if-match": etag } }), 412);
    // Another tenant's settings did not move.
    expect((await call("GET", "/v1/service-settings", { token: globexAgent })).body).toEqual(globexBefore.body);
    expectProblem(await call("GET", "/v1/service-settings", { token: marketer }), 403);
  });
});

describe("tenant isolation and roles on the case routes", () => {
  test("another tenant's case is 404 on every route, and stays as it was", async () => {
    const c = await openCase();
    const path = `/v1/cases/${c.body.id}`;
    for (const verb of ["start", "wait", "close", "reopen"]) expectProblem(await post(`${path}/${verb}`, globexAgent), 404);
    expectProblem(await post(`${path}/resolve`, globexAgent, { resolution: "x" }), 404);
    expectProblem(await post(`${path}/comments`, globexAgent, { visibility: "public", body: "Hello" }), 404);
    expectProblem(await call("GET", `${path}/comments`, { token: globexAgent }), 404);
    expectProblem(await post(`${path}/feedback`, globexAgent, { score: 3 }), 404);
    expectProblem(await call("GET", `${path}/feedback`, { token: globexAgent }), 404);
    expectProblem(await call("GET", `${path}/history`, { token: globexAgent }), 404);
    const after = await call("GET", path, { token: agent });
    expect(after.body).toMatchObject({ status: "new", version: 1, firstRespondedAt: null });
    expect((await call("GET", `${path}/comments`, { token: agent })).body.data).toEqual([]);
  });

  test("a sales rep reads history, comments and feedback but may not move or comment; a marketer may do none; a partner reads and gives feedback only", async () => {
    const c = await openCase();
    const path = `/v1/cases/${c.body.id}`;
    expectProblem(await post(`${path}/start`, rep), 403);
    expectProblem(await post(`${path}/comments`, rep, { visibility: "internal", body: "Hi" }), 403);
    expect((await call("GET", `${path}/comments`, { token: rep })).status).toBe(200);
    expect((await call("GET", `${path}/history`, { token: rep })).status).toBe(200);

    for (const [method, suffix, body] of [
      ["POST", "start", undefined],
      ["POST", "resolve", { resolution: "x" }],
      ["POST", "comments", { visibility: "public", body: "Hi" }],
      ["GET", "comments", undefined],
      ["GET", "history", undefined],
      ["GET", "feedback", undefined],
      ["POST", "feedback", { score: 3 }],
    ] as const) {
      expectProblem(await call(method, `${path}/${suffix}`, { token: marketer, body }), 403);
    }

    expectProblem(await post(`${path}/start`, acmePartner), 403);
    expectProblem(await post(`${path}/comments`, acmePartner, { visibility: "public", body: "Hi" }), 403);
    expectProblem(await call("GET", `${path}/comments`, { token: acmePartner }), 403);
    expect((await call("GET", `${path}/history`, { token: acmePartner })).status).toBe(200);
    expect((await call("GET", "/v1/service-settings", { token: acmePartner })).status).toBe(403);
    expect((await call("GET", path, { token: agent })).body.version).toBe(1);
  });
});
