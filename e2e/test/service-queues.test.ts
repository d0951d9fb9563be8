import { tokenClaims, waitFor } from "@relata/testing";
import { as, call, expectProblem, partner, runId } from "./support/api";

/**
 * Queues, assignment and escalation rules through the real gateway → Service gRPC →
 * FerretDB/NATS, with tokens from the real Keycloak: who may do what on each route, and that no
 * tenant reaches another's queues, rules or cases.
 */

let manager: string;
let agent: string;
let admin: string;
let rep: string;
let globexManager: string;
let globexAgent: string;
let agentId: string;

beforeAll(async () => {
  [manager, agent, admin, rep, globexManager, globexAgent] = await Promise.all([
    as("acme-support-manager"),
    as("acme-support-agent"),
    as("acme-tenant-admin"),
    as("acme-sales-rep"),
    as("globex-support-manager"),
    as("globex-support-agent"),
  ]);
  agentId = String(tokenClaims(agent).sub);
});

async function created(path: string, body: Record<string, unknown>, token = manager) {
  const res = await call("POST", path, { token, body });
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
  return res.body;
}

const queueBody = (name: string, extra: Record<string, unknown> = {}) => ({ name: `${name} ${runId}`, memberIds: [agentId], ...extra });

describe("queues through the gateway", () => {
  test("support managers and tenant admins configure queues; agents read them; others may not", async () => {
    const q = await created("/v1/queues", queueBody("Tier 1", { managerId: "boss" }));
    expect(q).toMatchObject({ active: true, assignmentRule: "round_robin", memberIds: [agentId], managerId: "boss", version: 1 });
    await created("/v1/queues", queueBody("Admin's"), admin);
    expectProblem(await call("POST", "/v1/queues", { token: agent, body: queueBody("Agent's") }), 403);
    expectProblem(await call("POST", "/v1/queues", { token: rep, body: queueBody("Rep's") }), 403);
    expect((await call("GET", `/v1/queues/${q.id}`, { token: agent })).status).toBe(200);
    expectProblem(await call("GET", `/v1/queues/${q.id}`, { token: rep }), 403);
    // A partner client reads them with service:read, and may not write them.
    const reader = await partner("acme");
    expect((await call("GET", "/v1/queues", { token: reader })).status).toBe(200);
    expectProblem(await call("POST", "/v1/queues", { token: reader, body: queueBody("Partner's") }), 403);
    const patched = await call("PATCH", `/v1/queues/${q.id}`, { token: manager, body: { assignmentRule: "fewest_open", memberIds: [] }, headers: { "if-match": '"1"' } });
    expect(patched.body).toMatchObject({ assignmentRule: "fewest_open", memberIds: [], version: 2 });
    expectProblem(await call("POST", "/v1/queues", { token: manager, body: queueBody("Twice", { memberIds: ["a", "a"] }) }), 400, "memberIds.1");
  });

  test("a queue is its tenant's only", async () => {
    const q = await created("/v1/queues", queueBody("Private"));
    expectProblem(await call("GET", `/v1/queues/${q.id}`, { token: globexManager }), 404);
    expectProblem(await call("PATCH", `/v1/queues/${q.id}`, { token: globexManager, body: { name: "Mine now" }, headers: { "if-match": '"1"' } }), 404);
    const listed = await call("GET", "/v1/queues?limit=200", { token: globexManager });
    expect(listed.body.data.map((x: { id: string }) => x.id)).not.toContain(q.id);
  });
});

describe("assignment through the gateway", () => {
  test("a case opened into a queue is assigned by its rule", async () => {
    const q = await created("/v1/queues", queueBody("Round robin"));
    const c = await created("/v1/cases", { subject: `Cannot log in ${runId}`, queueId: q.id }, agent);
    expect(c).toMatchObject({ queueId: q.id, ownerId: null });
    await waitFor(async () => (await call("GET", `/v1/cases/${c.id}`, { token: agent })).body.ownerId === agentId, { what: "the case assigned" });
  });

  test("a member takes a case (others get 403 or 404), a manager assigns it (agents may not)", async () => {
    const q = await created("/v1/queues", queueBody("Paused", { active: false }));
    const c = await created("/v1/cases", { subject: `Refund ${runId}`, queueId: q.id });
    const path = `/v1/cases/${c.id}`;
    expectProblem(await call("POST", `${path}/take`, { token: rep }), 403);
    expectProblem(await call("POST", `${path}/take`, { token: globexAgent }), 404);
    expectProblem(await call("POST", `${path}/take`, { token: manager }), 403, "queueId");
    expectProblem(await call("POST", `${path}/take`, { token: agent, headers: { "if-match": '"7"' } }), 412);
    const taken = await call("POST", `${path}/take`, { token: agent, headers: { "if-match": '"1"' } });
    expect({ status: taken.status, body: taken.body }).toMatchObject({ status: 200, body: { ownerId: agentId, version: 2 } });
    expect(taken.headers.get("etag")).toBe('"2"');

    expectProblem(await call("POST", `${path}/assign`, { token: agent, body: { ownerId: "someone" } }), 403);
    expectProblem(await call("POST", `${path}/assign`, { token: globexManager, body: { ownerId: "someone" } }), 404);
    expectProblem(await call("POST", `${path}/assign`, { token: manager, body: {} }), 400);
    const assigned = await call("POST", `${path}/assign`, { token: manager, body: { ownerId: "someone" } });
    expect({ status: assigned.status, body: assigned.body }).toMatchObject({ status: 200, body: { ownerId: "someone", queueId: q.id } });
    expectProblem(await call("POST", `${path}/take`, { token: agent }), 409, "ownerId");
  });
});

describe("escalation rules through the gateway", () => {
  test("managers and tenant admins write them, support reads them, each tenant its own", async () => {
    const target = await created("/v1/queues", queueBody("Experts"));
    const rule = await created("/v1/escalation-rules", {
      name: `Breach ${runId}`,
      alert: "breach",
      target: "resolution",
      priorities: ["high", "urgent"],
      raisePriority: "to_level",
      priorityLevel: "urgent",
      moveToQueueId: target.id,
      notifyManager: true,
    });
    expect(rule).toMatchObject({ active: true, alert: "breach", priorities: ["high", "urgent"], categories: [], moveToQueueId: target.id });
    await created("/v1/escalation-rules", { name: `Warn ${runId}`, alert: "warning", notifyManager: true }, admin);
    expectProblem(await call("POST", "/v1/escalation-rules", { token: agent, body: { name: "x", alert: "warning", notifyManager: true } }), 403);
    expectProblem(await call("POST", "/v1/escalation-rules", { token: manager, body: { name: "x", alert: "warning", raisePriority: "to_level" } }), 400, "priorityLevel");
    expect((await call("GET", `/v1/escalation-rules/${rule.id}`, { token: agent })).status).toBe(200);
    expectProblem(await call("GET", `/v1/escalation-rules/${rule.id}`, { token: rep }), 403);
    expectProblem(await call("GET", `/v1/escalation-rules/${rule.id}`, { token: globexManager }), 404);
    // The queue a rule moves cases to stays while the rule does.
    const refused = await call("DELETE", `/v1/queues/${target.id}`, { token: manager, headers: { "if-match": '"1"' } });
    expectProblem(refused, 409);
  });
});
