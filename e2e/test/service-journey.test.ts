import { CaseChanged } from "@relata/proto/events/v1/service";
import { connectBus, nextSequence, readStreamMessages, tokenClaims, waitFor } from "@relata/testing";
import type { EventBus } from "@relata/platform";
import { as, call, runId, type ApiResponse } from "./support/api";

/**
 * A customer's case from end to end, through the real gateway, Service and Sales over the real
 * FerretDB, NATS JetStream and Keycloak: opened into a queue and assigned by its rule, answered
 * in public, waiting on the customer, resolved, rated and closed; the events it published (each
 * once) and the entries it left on the account's Sales timeline.
 */

jest.setTimeout(120_000);

let agent: string;
let manager: string;
let rep: string;
let agentId: string;
let bus: EventBus;
let fromSeq: number;

beforeAll(async () => {
  [agent, manager, rep] = await Promise.all([as("acme-support-agent"), as("acme-support-manager"), as("acme-sales-rep")]);
  agentId = String(tokenClaims(agent).sub);
  bus = await connectBus("e2e-service-journey");
  fromSeq = await nextSequence(bus, "SERVICE");
});

afterAll(async () => {
  await bus?.close();
});

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  let value!: T;
  await waitFor(async () => ok((value = await read())), { timeoutMs: 30_000, what });
  return value;
}

function created(res: ApiResponse): ApiResponse {
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
  return res;
}

const post = (path: string, token: string, body?: unknown) => call("POST", path, { token, body });

test("a case from its queue to its closing: assigned by the queue's rule, answered, waiting, resolved, rated, closed; its events once each and its entries on the account's timeline", async () => {
  // Sales knows the customer; support has a queue the agent works.
  const account = created(await post("/v1/accounts", rep, { name: `Vandelay Industries ${runId}` }));
  const contact = created(await post("/v1/contacts", rep, { accountId: account.body.id, lastName: `Costanza ${runId}` }));
  const queue = created(await post("/v1/queues", manager, { name: `Latex support ${runId}`, memberIds: [agentId], assignmentRule: "round_robin" }));

  // Opened into the queue with no owner: the queue's rule assigns its one member.
  const opened = created(
    await post("/v1/cases", agent, {
      subject: `Latex order lost ${runId}`,
      description: "The shipment never arrived.",
      channel: "email",
      priority: "high",
      accountId: account.body.id,
      contactId: contact.body.id,
      queueId: queue.body.id,
    }),
  );
  const path = `/v1/cases/${opened.body.id}`;
  expect(opened.body).toMatchObject({ status: "new", queueId: queue.body.id, ownerId: null, number: expect.stringMatching(/^CS-\d{6,}$/) });
  const assigned = await eventually(() => call("GET", path, { token: agent }), (res) => res.body.ownerId === agentId, "the queue's rule to assign the case");
  expect(assigned.body).toMatchObject({ ownerId: agentId, queueId: queue.body.id, status: "new" });

  // The first public reply is the first response.
  expect((await post(`${path}/comments`, agent, { visibility: "internal", body: "Checking with the carrier" })).status).toBe(201);
  expect((await call("GET", path, { token: agent })).body.firstRespondedAt).toBeNull();
  expect((await post(`${path}/comments`, agent, { visibility: "public", body: "We are tracing your parcel." })).status).toBe(201);
  const answered = (await call("GET", path, { token: agent })).body;
  expect(answered.firstRespondedAt).toEqual(expect.any(String));

  expect((await post(`${path}/start`, agent)).body.status).toBe("in_progress");
  expect((await post(`${path}/wait`, agent)).body.status).toBe("waiting_on_customer");
  const resolved = await post(`${path}/resolve`, agent, { resolution: "Re-shipped by express" });
  expect(resolved.body).toMatchObject({ status: "resolved", resolvedAt: expect.any(String) });
  expect(created(await post(`${path}/feedback`, agent, { score: 5, comment: "Quick and kind" })).body).toMatchObject({ score: 5 });
  const closed = await post(`${path}/close`, agent);
  expect(closed.body).toMatchObject({ status: "closed", closedAt: expect.any(String), firstRespondedAt: answered.firstRespondedAt });

  // Each fact about the case was published once, in the order it happened.
  const subjects = [
    "service.case.opened",
    "service.case.assigned",
    "service.case.public_reply_added",
    "service.case.status_changed",
    "service.case.resolved",
    "service.case.csat_given",
    "service.case.closed",
  ];
  const aboutTheCase = async () =>
    (await readStreamMessages(bus, "SERVICE", fromSeq, subjects)).filter((m) => CaseChanged.decode(m.data).meta?.entityId === opened.body.id);
  const events = await eventually(aboutTheCase, (ms) => subjects.every((s) => ms.some((m) => m.subject === s)), "the case's events on the SERVICE stream");
  const count = (subject: string) => events.filter((m) => m.subject === subject).length;
  expect(Object.fromEntries(subjects.map((s) => [s, count(s)]))).toEqual({
    "service.case.opened": 1,
    "service.case.assigned": 1,
    "service.case.public_reply_added": 1,
    // in progress, then waiting on the customer
    "service.case.status_changed": 2,
    "service.case.resolved": 1,
    "service.case.csat_given": 1,
    "service.case.closed": 1,
  });
  expect(new Set(events.map((m) => m.msgId)).size).toBe(events.length);
  const order = events.map((m) => m.subject).filter((s, i, all) => all.indexOf(s) === i);
  expect(order).toEqual(subjects);
  const assignedEvent = CaseChanged.decode(events.find((m) => m.subject === "service.case.assigned")!.data);
  expect(assignedEvent.case).toMatchObject({ ownerId: agentId, queueId: queue.body.id });

  // Sales shows the case's activity on the account's timeline.
  const timeline = await eventually(
    () => call("GET", `/v1/accounts/${account.body.id}/timeline`, { token: rep }),
    (res) => res.status === 200 && res.body.data.filter((e: { record: { id: string } | null }) => e.record?.id === opened.body.id).length >= 5,
    "the case's entries on the account's timeline",
  );
  type Entry = { kind: string; record: { type: string; id: string } | null };
  const entries = (timeline.body.data as Entry[]).filter((e) => e.record?.id === opened.body.id);
  expect(entries.map((e) => e.kind).sort()).toEqual([
    "service.case.closed",
    "service.case.csat_given",
    "service.case.opened",
    "service.case.public_reply_added",
    "service.case.resolved",
  ]);
  expect(entries.every((e) => e.record?.type === "service.case")).toBe(true);

  // And the case's own history keeps the assignment among the rest.
  const history = await eventually(
    () => call("GET", `${path}/history`, { token: agent }),
    (res) => res.status === 200 && res.body.data.some((e: { kind: string }) => e.kind === "service.case.closed"),
    "the case's history to reach its closing",
  );
  expect(history.body.data.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(["service.case.opened", "service.case.assigned", "service.case.closed"]));
});
