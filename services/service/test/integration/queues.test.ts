import { status } from "@grpc/grpc-js";
import { buildEvent, connectMongo, createLogger, type EventBus, type Role } from "@relata/platform";
import type { Connection } from "mongoose";
import { AssignmentReason, CaseAssigned, CaseEscalated, SlaAlert, SlaMetric } from "@relata/proto/events/v1/service";
import { CasePriority, CreateCaseRequest, type Case } from "@relata/proto/service/v1/case";
import { CreateEscalationRuleRequest, EscalationAlert, EscalationTarget, PriorityRaise } from "@relata/proto/service/v1/escalation";
import { AssignmentRule, CreateQueueRequest, type Queue } from "@relata/proto/service/v1/queue";
import { localStack, testServerPort } from "@relata/testing";
import { SUBJECTS } from "../../src/events/stream";
import {
  connectBus,
  createDurableFromNow,
  dropDatabase,
  eventually,
  failureOf,
  identity,
  nextSequence,
  readStream,
  runId,
  SERVICE,
  serviceClientsAt,
  startServiceProcess,
  type ServiceClients,
  type ServiceProcess,
} from "./support";

jest.setTimeout(120_000);

const run = runId();
const durables = { assignment: `service-assignment-it-${run}`, escalation: `service-escalation-it-${run}` };
/** A process of the Service and its clients. */
interface Replica {
  process: ServiceProcess;
  clients: ServiceClients;
}

let service: Replica;
/** A second replica on the same database and durables: work spreads over both, as in a deployment. */
let replica: Replica;
let bus: EventBus;
let fromSeq: number;
/** The service's database, to leave what a writer that died would have left. */
let db: Connection;

async function startReplica(offset: number, database?: string): Promise<Replica> {
  const process = await startServiceProcess({
    port: testServerPort(offset),
    database,
    env: { ASSIGNMENT_DURABLE: durables.assignment, ESCALATION_DURABLE: durables.escalation },
  });
  return { process, clients: serviceClientsAt(process.address) };
}

beforeAll(async () => {
  bus = await connectBus("service-it-queues");
  fromSeq = await nextSequence(bus);
  await createDurableFromNow(bus, durables.assignment, [SUBJECTS.caseOpened]);
  await createDurableFromNow(bus, durables.escalation, [SUBJECTS.slaWarning, SUBJECTS.slaBreached]);
  service = await startReplica(220);
  replica = await startReplica(221, service.process.database);
  db = await connectMongo(`${localStack.ferretdbUri}/${service.process.database}`, createLogger("queues-it", "silent"));
});

afterAll(async () => {
  await db?.close();
  for (const r of [replica, service]) {
    r?.clients.close();
    await r?.process.stop();
  }
  for (const durable of Object.values(durables)) await bus?.jsm.consumers.delete(SERVICE, durable).catch(() => undefined);
  await bus?.close();
  if (service) await dropDatabase(service.process.database);
});

/** Call options of a caller (the gateway has checked the roles; the service sees them). */
const as = (tenant: string, subject = "it-manager", roles: Role[] = ["support-manager"]) => ({ identity: identity(tenant, subject, roles) });
const manager = () => as("acme", "it-manager", ["support-manager"]);
const agent = (subject: string, tenant = "acme") => as(tenant, subject, ["support-agent"]);

async function createQueue(name: string, memberIds: string[], rule: AssignmentRule, extra: Partial<CreateQueueRequest> = {}): Promise<Queue> {
  return service.clients.queues.createQueue(
    CreateQueueRequest.fromPartial({ name: `${name} ${run}`, memberIds: { values: memberIds }, assignmentRule: rule, ...extra }),
    manager(),
  );
}

function openCase(queueId: string, overrides: Partial<CreateCaseRequest> = {}, caller = manager(), through: Replica = service): Promise<Case> {
  return through.clients.cases.createCase(CreateCaseRequest.fromPartial({ subject: `Printer on fire ${run}`, queueId, ...overrides }), caller);
}

const getCase = (id: string) => service.clients.cases.getCase({ id }, manager());

/** The case once its queue's rule has given it an owner. */
const assigned = (id: string) => eventually(() => getCase(id), (c) => c.ownerId !== "", `case ${id} assigned`);

/** The service.case.assigned events that match, once there are `count` of them (the relay publishes right after each write). */
const assignedEvents = (match: (e: CaseAssigned) => boolean, count: number) =>
  eventually(
    async () => (await readStream(bus, fromSeq, SUBJECTS.caseAssigned, (d) => CaseAssigned.decode(d).meta)).map((m) => CaseAssigned.decode(m.data)).filter(match),
    (events) => events.length >= count,
    `${count} service.case.assigned events`,
  );

const tally = (owners: string[]) => owners.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o]: (acc[o] ?? 0) + 1 }), {});

describe("queues", () => {
  it("are created active by default, with their members in order, and read back", async () => {
    const q = await createQueue("Tier 1", ["ann", "bob"], AssignmentRule.ASSIGNMENT_RULE_ROUND_ROBIN, { managerId: "boss" });
    expect(q).toMatchObject({ active: true, memberIds: { values: ["ann", "bob"] }, managerId: "boss", assignmentRule: AssignmentRule.ASSIGNMENT_RULE_ROUND_ROBIN });
    expect(await service.clients.queues.getQueue({ id: q.id }, manager())).toMatchObject({ id: q.id, version: "1" });
    const failure = await failureOf(service.clients.queues.createQueue(CreateQueueRequest.fromPartial({ name: "x", memberIds: { values: ["ann", "ann"] } }), manager()));
    expect(failure).toMatchObject({ code: status.INVALID_ARGUMENT, field: "member_ids.1" });
  });

  it("are the tenant's own: another tenant can neither read a queue nor take its cases", async () => {
    const q = await createQueue("Private", ["ann"], AssignmentRule.ASSIGNMENT_RULE_ROUND_ROBIN, { active: false });
    expect((await failureOf(service.clients.queues.getQueue({ id: q.id }, as("globex")))).code).toBe(status.NOT_FOUND);
    const c = await openCase(q.id);
    expect((await failureOf(service.clients.caseAssignment.takeCase({ id: c.id, expectedVersion: "0" }, agent("ann", "globex")))).code).toBe(status.NOT_FOUND);
  });
});

describe("assignment by the queue's rule", () => {
  it("spreads 20 concurrent cases of a round-robin queue of 4 members evenly over two replicas: 5 each", async () => {
    const members = ["rr-1", "rr-2", "rr-3", "rr-4"];
    const q = await createQueue("Round robin", members, AssignmentRule.ASSIGNMENT_RULE_ROUND_ROBIN);
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) => openCase(q.id, { subject: `Case ${i} ${run}` }, manager(), i % 2 ? replica : service)),
    );
    expect(created.every((c) => c.ownerId === "" && c.queueId === q.id)).toBe(true);
    const cases = await Promise.all(created.map((c) => assigned(c.id)));
    expect(tally(cases.map((c) => c.ownerId))).toEqual({ "rr-1": 5, "rr-2": 5, "rr-3": 5, "rr-4": 5 });
    // Each assignment is reported once, from no owner to the chosen one, by the queue's rule.
    const events = await assignedEvents((e) => e.case?.queueId === q.id, 20);
    expect(events.every((e) => e.previousOwnerId === "" && e.previousQueueId === q.id && e.reason === AssignmentReason.ASSIGNMENT_REASON_QUEUE_RULE)).toBe(true);
  });

  it("gives a case to the member with the fewest open cases, ties in turn", async () => {
    const q = await createQueue("Fewest open", ["fo-1", "fo-2", "fo-3"], AssignmentRule.ASSIGNMENT_RULE_FEWEST_OPEN);
    // Open cases owned outside the queue count too: fo-1 has two, fo-2 one, fo-3 none.
    await Promise.all([openCase("", { ownerId: "fo-1" }), openCase("", { ownerId: "fo-1" }), openCase("", { ownerId: "fo-2" })]);
    const first = await assigned((await openCase(q.id)).id);
    expect(first.ownerId).toBe("fo-3");
    const next = [(await assigned((await openCase(q.id)).id)).ownerId, (await assigned((await openCase(q.id)).id)).ownerId];
    expect(next.sort()).toEqual(["fo-2", "fo-3"]);
  });

  it("leaves a case of an inactive queue, or one opened with an owner, as it is", async () => {
    const inactive = await createQueue("Paused", ["ann"], AssignmentRule.ASSIGNMENT_RULE_ROUND_ROBIN, { active: false });
    const active = await createQueue("Busy", ["ann"], AssignmentRule.ASSIGNMENT_RULE_ROUND_ROBIN);
    const waiting = await openCase(inactive.id);
    const owned = await openCase(active.id, { ownerId: "zoe" });
    // A later case of the active queue is assigned: by then the two before it were handled.
    await assigned((await openCase(active.id)).id);
    expect(await getCase(waiting.id)).toMatchObject({ ownerId: "", version: waiting.version });
    expect(await getCase(owned.id)).toMatchObject({ ownerId: "zoe", version: owned.version });
  });
});

describe("taking a case", () => {
  it("lets exactly one of two agents who take the same case at once (on two replicas) have it", async () => {
    const q = await createQueue("Pick", ["t-1", "t-2"], AssignmentRule.ASSIGNMENT_RULE_ROUND_ROBIN, { active: false });
    for (let round = 0; round < 5; round++) {
      const c = await openCase(q.id);
      const results = await Promise.allSettled([
        service.clients.caseAssignment.takeCase({ id: c.id, expectedVersion: "0" }, agent("t-1")),
        replica.clients.caseAssignment.takeCase({ id: c.id, expectedVersion: "0" }, agent("t-2")),
      ]);
      const won = results.filter((r): r is PromiseFulfilledResult<Case> => r.status === "fulfilled");
      const lost = results.filter((r) => r.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ code: status.ABORTED });
      const winner = won[0]!.value.ownerId;
      expect(await getCase(c.id)).toMatchObject({ ownerId: winner, version: "2" });
    }
  });

  it("refuses a case someone else has (409) and an agent outside the queue (403); taking one's own again changes nothing", async () => {
    const q = await createQueue("Pick again", ["t-1", "t-2"], AssignmentRule.ASSIGNMENT_RULE_ROUND_ROBIN, { active: false });
    const c = await openCase(q.id);
    const taken = await service.clients.caseAssignment.takeCase({ id: c.id, expectedVersion: c.version }, agent("t-1"));
    expect(taken).toMatchObject({ ownerId: "t-1", version: "2" });
    expect(await failureOf(service.clients.caseAssignment.takeCase({ id: c.id, expectedVersion: "0" }, agent("t-2")))).toMatchObject({ code: status.ABORTED, field: "owner_id" });
    expect(await failureOf(service.clients.caseAssignment.takeCase({ id: c.id, expectedVersion: "0" }, agent("outsider")))).toMatchObject({ code: status.PERMISSION_DENIED, field: "queue_id" });
    expect(await service.clients.caseAssignment.takeCase({ id: c.id, expectedVersion: "0" }, agent("t-1"))).toMatchObject({ ownerId: "t-1", version: "2" });
    // A stale version is refused.
    expect((await failureOf(service.clients.caseAssignment.takeCase({ id: c.id, expectedVersion: "1" }, agent("t-1")))).code).toBe(status.FAILED_PRECONDITION);
  });
});

describe("a writer that died", () => {
  it("holds a case's ownership for its lease only: a fresh claim refuses a take, an expired one is overtaken", async () => {
    const q = await createQueue("Crashed", ["t-1"], AssignmentRule.ASSIGNMENT_RULE_ROUND_ROBIN, { active: false });
    const claims = db.collection<{ _id: string; at: Date }>("assignment_claims");
    const fresh = await openCase(q.id);
    await claims.insertOne({ _id: `acme:${fresh.id}:1:1`, at: new Date() });
    expect((await failureOf(service.clients.caseAssignment.takeCase({ id: fresh.id, expectedVersion: "0" }, agent("t-1")))).code).toBe(status.ABORTED);
    const stale = await openCase(q.id);
    await claims.insertOne({ _id: `acme:${stale.id}:1:1`, at: new Date(Date.now() - 60_000) });
    expect(await service.clients.caseAssignment.takeCase({ id: stale.id, expectedVersion: "0" }, agent("t-1"))).toMatchObject({ ownerId: "t-1", version: "2" });
  });
});

describe("a manager's assignment", () => {
  it("gives a case to an agent, or moves it to a queue whose rule assigns it, reporting the previous placement", async () => {
    const from = await createQueue("From", ["m-1"], AssignmentRule.ASSIGNMENT_RULE_ROUND_ROBIN, { active: false });
    const to = await createQueue("To", ["m-9"], AssignmentRule.ASSIGNMENT_RULE_ROUND_ROBIN);
    const c = await openCase(from.id);
    const toAgent = await service.clients.caseAssignment.assignCase({ id: c.id, expectedVersion: c.version, ownerId: "m-1", queueId: "" }, manager());
    expect(toAgent).toMatchObject({ ownerId: "m-1", queueId: from.id });
    const moved = await service.clients.caseAssignment.assignCase({ id: c.id, expectedVersion: toAgent.version, ownerId: "", queueId: to.id }, manager());
    expect(moved).toMatchObject({ ownerId: "m-9", queueId: to.id });
    const events = await assignedEvents((e) => e.case?.id === c.id, 2);
    expect(events.map((e) => [e.previousOwnerId, e.previousQueueId, e.case?.ownerId, e.case?.queueId, e.reason])).toEqual([
      ["", from.id, "m-1", from.id, AssignmentReason.ASSIGNMENT_REASON_ASSIGNED],
      ["m-1", from.id, "m-9", to.id, AssignmentReason.ASSIGNMENT_REASON_ASSIGNED],
    ]);
    expect(await failureOf(service.clients.caseAssignment.assignCase({ id: c.id, expectedVersion: "0", ownerId: "", queueId: "no-such-queue" }, manager()))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "queue_id",
    });
  });
});

describe("escalation on SLA alerts", () => {
  /** An SLA alert as the SLA clock publishes it, on the real stream. */
  async function publishAlert(subject: string, caseId: string, metric: SlaMetric, alertId?: string): Promise<string> {
    const actor = { tenantId: "acme", actorId: "service:sla", requestId: "" };
    const now = new Date();
    const event = buildEvent(subject, caseId, actor, now, (meta) =>
      SlaAlert.encode(SlaAlert.fromPartial({ meta: alertId ? { ...meta, id: alertId } : meta, caseId, metric, dueAt: now.toISOString(), targetAt: now.toISOString() })).finish(),
    );
    // A redelivery: the same event (same id in its meta) under a new message id, so JetStream keeps both.
    await bus.publish(subject, event.data, { msgId: `${alertId ?? event.id}:${runId()}`, headers: event.headers });
    return alertId ?? event.id;
  }

  const settled = () => eventually(() => bus.pending(SERVICE, durables.escalation), (n) => n === 0, "escalation consumer caught up");

  it("raises, moves and notifies the queue's manager once per alert, however often the alert comes", async () => {
    const first = await createQueue("Front line", ["f-1"], AssignmentRule.ASSIGNMENT_RULE_ROUND_ROBIN, { managerId: "front-boss" });
    const experts = await createQueue("Experts", ["x-1"], AssignmentRule.ASSIGNMENT_RULE_ROUND_ROBIN, { managerId: "expert-boss" });
    const rule = await service.clients.escalationRules.createEscalationRule(
      CreateEscalationRuleRequest.fromPartial({
        name: `Breached resolution ${run}`,
        alert: EscalationAlert.ESCALATION_ALERT_BREACH,
        target: EscalationTarget.ESCALATION_TARGET_RESOLUTION,
        priorities: { values: [CasePriority.CASE_PRIORITY_NORMAL, CasePriority.CASE_PRIORITY_HIGH] },
        categories: { values: ["billing"] },
        raisePriority: PriorityRaise.PRIORITY_RAISE_ONE_STEP,
        moveToQueueId: experts.id,
        notifyManager: true,
      }),
      manager(),
    );
    expect(rule).toMatchObject({ active: true, target: EscalationTarget.ESCALATION_TARGET_RESOLUTION });
    const c = await assigned((await openCase(first.id, { category: "Billing" })).id);
    expect(c).toMatchObject({ ownerId: "f-1", priority: CasePriority.CASE_PRIORITY_NORMAL });
    const other = await assigned((await openCase(first.id, { category: "shipping" })).id);

    // A warning, another target and another category fire nothing.
    await publishAlert(SUBJECTS.slaWarning, c.id, SlaMetric.SLA_METRIC_RESOLUTION);
    await publishAlert(SUBJECTS.slaBreached, c.id, SlaMetric.SLA_METRIC_FIRST_RESPONSE);
    await publishAlert(SUBJECTS.slaBreached, other.id, SlaMetric.SLA_METRIC_RESOLUTION);
    await settled();
    expect(await getCase(c.id)).toMatchObject({ priority: CasePriority.CASE_PRIORITY_NORMAL, queueId: first.id, version: c.version });

    const alertId = await publishAlert(SUBJECTS.slaBreached, c.id, SlaMetric.SLA_METRIC_RESOLUTION);
    const escalated = await eventually(() => getCase(c.id), (x) => x.queueId === experts.id, "case escalated");
    expect(escalated).toMatchObject({ priority: CasePriority.CASE_PRIORITY_HIGH, queueId: experts.id, ownerId: "x-1" });

    // The same alert again (a redelivery): the rule does not fire a second time.
    await publishAlert(SUBJECTS.slaBreached, c.id, SlaMetric.SLA_METRIC_RESOLUTION, alertId);
    await publishAlert(SUBJECTS.slaBreached, c.id, SlaMetric.SLA_METRIC_RESOLUTION, alertId);
    await settled();
    expect(await getCase(c.id)).toMatchObject({ priority: CasePriority.CASE_PRIORITY_HIGH, version: escalated.version });

    const notices = await eventually(
      async () => (await readStream(bus, fromSeq, SUBJECTS.caseEscalated, (d) => CaseEscalated.decode(d).meta)).map((m) => CaseEscalated.decode(m.data)).filter((e) => e.caseId === c.id),
      (e) => e.length >= 1,
      "service.case.escalated published",
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      ruleId: rule.id,
      managerId: "front-boss",
      alertEventId: alertId,
      reason: "sla breach of resolution",
      previousPriority: CasePriority.CASE_PRIORITY_NORMAL,
      priority: CasePriority.CASE_PRIORITY_HIGH,
      previousQueueId: first.id,
      queueId: experts.id,
    });
    const moves = await assignedEvents((e) => e.case?.id === c.id, 2);
    expect(moves.map((e) => e.reason)).toEqual([AssignmentReason.ASSIGNMENT_REASON_QUEUE_RULE, AssignmentReason.ASSIGNMENT_REASON_ESCALATION]);
  });

  it("applies an escalation whose process died after recording it and before changing the case, once the alert comes again", async () => {
    const q = await createQueue("Interrupted", ["i-1"], AssignmentRule.ASSIGNMENT_RULE_ROUND_ROBIN);
    const rule = await service.clients.escalationRules.createEscalationRule(
      CreateEscalationRuleRequest.fromPartial({ name: `Warned ${run}`, alert: EscalationAlert.ESCALATION_ALERT_WARNING, raisePriority: PriorityRaise.PRIORITY_RAISE_ONE_STEP }),
      manager(),
    );
    const c = await assigned((await openCase(q.id, { priority: CasePriority.CASE_PRIORITY_LOW })).id);
    const alertId = `interrupted-${run}`;
    // What the first delivery wrote before the process died: the firing, its event already published.
    await db.collection("escalations").insertOne({
      _id: `${alertId}:${rule.id}`,
      tenantId: "acme",
      caseId: c.id,
      ruleId: rule.id,
      alertEventId: alertId,
      reason: "sla warning of resolution",
      previousPriority: "low",
      priority: "normal",
      previousQueueId: q.id,
      createdAt: new Date(),
      outbox: [],
    } as never);
    await publishAlert(SUBJECTS.slaWarning, c.id, SlaMetric.SLA_METRIC_RESOLUTION, alertId);
    await settled();
    expect(await getCase(c.id)).toMatchObject({ priority: CasePriority.CASE_PRIORITY_NORMAL });
    // Applied and marked: the alert once more changes nothing (it is not raised a second step).
    await publishAlert(SUBJECTS.slaWarning, c.id, SlaMetric.SLA_METRIC_RESOLUTION, alertId);
    await settled();
    expect(await getCase(c.id)).toMatchObject({ priority: CasePriority.CASE_PRIORITY_NORMAL });
    expect(await db.collection("escalations").findOne({ _id: `${alertId}:${rule.id}` as never })).toMatchObject({ appliedAt: expect.any(Date) });
  });

  it("refuses a raise to a level without the level, or a move to a queue the tenant does not have", async () => {
    const base = { name: `Idle ${run}`, alert: EscalationAlert.ESCALATION_ALERT_WARNING };
    const toLevel = { ...base, raisePriority: PriorityRaise.PRIORITY_RAISE_TO_LEVEL };
    expect(await failureOf(service.clients.escalationRules.createEscalationRule(CreateEscalationRuleRequest.fromPartial(toLevel), manager()))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "priority_level",
    });
    const elsewhere = await service.clients.queues.createQueue(CreateQueueRequest.fromPartial({ name: `Globex ${run}` }), as("globex"));
    expect(
      await failureOf(service.clients.escalationRules.createEscalationRule(CreateEscalationRuleRequest.fromPartial({ ...base, moveToQueueId: elsewhere.id }), manager())),
    ).toMatchObject({ code: status.INVALID_ARGUMENT, field: "move_to_queue_id" });
  });
});
