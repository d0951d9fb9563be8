import { randomUUID } from "node:crypto";
import { status } from "@grpc/grpc-js";
import mongoose from "mongoose";
import type { EventBus } from "@relata/platform";
import { CaseChanged, CaseCsatGiven, CasePublicReplyAdded } from "@relata/proto/events/v1/service";
import { CaseAction, CaseStatus, CreateCaseRequest, type Case } from "@relata/proto/service/v1/case";
import { CommentVisibility } from "@relata/proto/service/v1/comment";
import { CreateAccountRequest } from "@relata/proto/sales/v1/account";
import { CreateContactRequest } from "@relata/proto/sales/v1/contact";
import { salesServices } from "@relata/sales/client";
import { clientsAt, localStack, startWorkloadProcess, testServerPort, type ClosableClients, type WorkloadProcess } from "@relata/testing";
import {
  connectBus,
  dropDatabase,
  eventually,
  failureOf,
  identity,
  nextSequence,
  readStream,
  runId,
  serviceClientsAt,
  startServiceProcess,
  type ServiceClients,
  type ServiceProcess,
} from "./support";

jest.setTimeout(120_000);

/**
 * A case's lifecycle, conversation, feedback, history and Sales references against the built
 * Service (and a built Sales) on the real FerretDB and NATS.
 */
const run = runId();
const tenant = `cases-${run}`;
const otherTenant = `cases-b-${run}`;
const agent = () => ({ identity: identity(tenant, "agent-1") });
const stranger = () => ({ identity: identity(otherTenant, "agent-9") });

let sales: WorkloadProcess;
let salesClients: ClosableClients<typeof salesServices>;
let service: ServiceProcess;
let clients: ServiceClients;
let bus: EventBus;
let fromSeq: number;

beforeAll(async () => {
  bus = await connectBus(`service-it-cases-${run}`);
  fromSeq = await nextSequence(bus);
  sales = await startWorkloadProcess("sales", { port: testServerPort(201), env: { TIMELINE_DURABLE: `sales-timeline-cases-it-${run}`, SHUTDOWN_GRACE_MS: "3000" } });
  salesClients = clientsAt(salesServices, sales.address);
  service = await startServiceProcess({ port: testServerPort(200), addresses: { sales: sales.address }, env: { REPLY_SWEEP_AFTER_MS: "1000" } });
  clients = serviceClientsAt(service.address);
});

afterAll(async () => {
  clients?.close();
  salesClients?.close();
  await service?.stop();
  await sales?.stop();
  await bus?.close();
  if (service) await dropDatabase(service.database);
  if (sales?.database) await dropDatabase(sales.database);
});

const open = (extra: Partial<CreateCaseRequest> = {}, who = agent()) =>
  clients.cases.createCase(CreateCaseRequest.fromPartial({ subject: `Printer jam ${runId()}`, ...extra }), who);
const move = (c: Pick<Case, "id">, action: CaseAction, extra: { expectedVersion?: string; resolution?: string } = {}, who = agent()) =>
  clients.cases.transitionCase({ id: c.id, action, expectedVersion: extra.expectedVersion ?? "0", resolution: extra.resolution ?? "" }, who);

const LIFECYCLE_SUBJECTS = ["service.case.opened", "service.case.status_changed", "service.case.resolved", "service.case.closed", "service.case.reopened"];

/** The events on the SERVICE stream about one case with one of `subjects`, since the test started, in order. */
async function caseEvents(caseId: string, subjects: string | string[] = LIFECYCLE_SUBJECTS) {
  const read = await Promise.all([subjects].flat().map((subject) => readStream(bus, fromSeq, subject, (data) => CaseChanged.decode(data).meta)));
  return read
    .flat()
    .filter((m) => m.meta.entityId === caseId)
    .sort((a, b) => a.seq - b.seq);
}

describe("transitions", () => {
  test("start, wait, start, resolve with a note, close: statuses, times and one event each", async () => {
    const c = await open();
    expect(c.status).toBe(CaseStatus.CASE_STATUS_NEW);
    const started = await move(c, CaseAction.CASE_ACTION_START, { expectedVersion: c.version });
    expect(started).toMatchObject({ status: CaseStatus.CASE_STATUS_IN_PROGRESS, version: "2" });
    const waiting = await move(c, CaseAction.CASE_ACTION_WAIT);
    expect(waiting.status).toBe(CaseStatus.CASE_STATUS_WAITING_ON_CUSTOMER);
    await move(c, CaseAction.CASE_ACTION_START);
    const resolved = await move(c, CaseAction.CASE_ACTION_RESOLVE, { resolution: "Replaced the fuser" });
    expect(resolved).toMatchObject({ status: CaseStatus.CASE_STATUS_RESOLVED, resolution: "Replaced the fuser" });
    expect(resolved.resolvedAt).toBeDefined();
    const closed = await move(c, CaseAction.CASE_ACTION_CLOSE);
    expect(closed.status).toBe(CaseStatus.CASE_STATUS_CLOSED);
    expect(closed.closedAt).toBeDefined();
    expect(closed.resolvedAt).toBe(resolved.resolvedAt);

    const events = await eventually(() => caseEvents(c.id), (e) => e.length >= 6, "the case's events");
    expect(events.map((e) => e.subject)).toEqual([
      "service.case.opened",
      "service.case.status_changed",
      "service.case.status_changed",
      "service.case.status_changed",
      "service.case.resolved",
      "service.case.closed",
    ]);
    const last = CaseChanged.decode(events[5]!.data).case!;
    expect(last).toMatchObject({ status: CaseStatus.CASE_STATUS_CLOSED, resolution: "Replaced the fuser" });
  });

  test("a move the lifecycle does not allow is ABORTED naming it, and changes nothing", async () => {
    const c = await open();
    await move(c, CaseAction.CASE_ACTION_CLOSE);
    const refused = await failureOf(move(c, CaseAction.CASE_ACTION_WAIT));
    expect(refused).toMatchObject({ code: status.ABORTED, field: "status", details: "cannot move a case from closed to waiting_on_customer" });
    expect((await clients.cases.getCase({ id: c.id }, agent())).version).toBe("2");
    expect(await failureOf(move(c, CaseAction.CASE_ACTION_RESOLVE, { resolution: "x" }))).toMatchObject({ code: status.ABORTED });
  });

  test("resolving needs a note; a stale version is FAILED_PRECONDITION; the same move again changes nothing", async () => {
    const c = await open();
    expect(await failureOf(move(c, CaseAction.CASE_ACTION_RESOLVE))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "resolution" });
    await move(c, CaseAction.CASE_ACTION_START);
    expect(await failureOf(move(c, CaseAction.CASE_ACTION_WAIT, { expectedVersion: "1" }))).toMatchObject({ code: status.FAILED_PRECONDITION });
    const again = await move(c, CaseAction.CASE_ACTION_START);
    expect(again.version).toBe("2");
  });

  test("reopen within the tenant's window (14 days by default) clears the resolution; with a window of 0 days it is refused", async () => {
    const c = await open();
    await move(c, CaseAction.CASE_ACTION_RESOLVE, { resolution: "Rebooted" });
    const reopened = await move(c, CaseAction.CASE_ACTION_REOPEN);
    expect(reopened).toMatchObject({ status: CaseStatus.CASE_STATUS_IN_PROGRESS, resolution: "" });
    expect(reopened.resolvedAt).toBeUndefined();
    expect(reopened.reopenedAt).toBeDefined();
    expect((await eventually(() => caseEvents(c.id, "service.case.reopened"), (e) => e.length === 1, "reopened")).length).toBe(1);

    const settingsTenant = { identity: identity(`cases-window-${run}`, "admin-1", ["tenant-admin"]) };
    expect(await clients.settings.getServiceSettings({}, settingsTenant)).toMatchObject({ reopenWindowDays: 14, version: "0" });
    const set = await clients.settings.updateServiceSettings({ expectedVersion: "0", reopenWindowDays: 0 }, settingsTenant);
    expect(set).toMatchObject({ reopenWindowDays: 0, version: "1" });
    expect(await failureOf(clients.settings.updateServiceSettings({ expectedVersion: "0", reopenWindowDays: 3 }, settingsTenant))).toMatchObject({
      code: status.FAILED_PRECONDITION,
    });
    expect(await failureOf(clients.settings.updateServiceSettings({ reopenWindowDays: 400 }, settingsTenant))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "reopen_window_days",
    });
    const closed = await open({}, settingsTenant);
    await move(closed, CaseAction.CASE_ACTION_CLOSE, {}, settingsTenant);
    const refused = await failureOf(move(closed, CaseAction.CASE_ACTION_REOPEN, {}, settingsTenant));
    expect(refused.code).toBe(status.ABORTED);
    expect(refused.details).toMatch(/^cannot move a case from closed to in_progress: the tenant's reopen window of 0 days/);
    // The other tenant's window is its own.
    expect((await clients.settings.getServiceSettings({}, agent())).reopenWindowDays).toBe(14);
  });

  test("another tenant's case is NOT_FOUND to every verb", async () => {
    const c = await open();
    expect((await failureOf(move(c, CaseAction.CASE_ACTION_START, {}, stranger()))).code).toBe(status.NOT_FOUND);
    expect((await failureOf(clients.comments.addCaseComment({ caseId: c.id, visibility: CommentVisibility.COMMENT_VISIBILITY_PUBLIC, body: "Hi", idempotencyKey: "" }, stranger()))).code).toBe(status.NOT_FOUND);
    expect((await failureOf(clients.comments.listCaseComments({ caseId: c.id, visibility: CommentVisibility.COMMENT_VISIBILITY_UNSPECIFIED }, stranger()))).code).toBe(status.NOT_FOUND);
    expect((await failureOf(clients.feedback.getCaseFeedback({ caseId: c.id }, stranger()))).code).toBe(status.NOT_FOUND);
    expect((await failureOf(clients.cases.listCaseHistory({ caseId: c.id }, stranger()))).code).toBe(status.NOT_FOUND);
    expect((await clients.cases.getCase({ id: c.id }, agent())).status).toBe(CaseStatus.CASE_STATUS_NEW);
  });
});

describe("comments and the first response", () => {
  const comment = (caseId: string, visibility: CommentVisibility, body: string, idempotencyKey = "") =>
    clients.comments.addCaseComment({ caseId, visibility, body, idempotencyKey }, agent());

  test("an internal note leaves the case; the first public reply sets first_responded_at once; each reply is published with the case", async () => {
    const c = await open();
    await comment(c.id, CommentVisibility.COMMENT_VISIBILITY_INTERNAL, "Customer on the premium plan");
    expect((await clients.cases.getCase({ id: c.id }, agent())).firstRespondedAt).toBeUndefined();

    const reply = await comment(c.id, CommentVisibility.COMMENT_VISIBILITY_PUBLIC, "We are on it", "reply-1");
    const afterFirst = await clients.cases.getCase({ id: c.id }, agent());
    expect(afterFirst.firstRespondedAt).toBe(reply.createdAt);
    expect(afterFirst.version).toBe("2");

    // A retry with the same key answers the first comment and reports it once.
    expect((await comment(c.id, CommentVisibility.COMMENT_VISIBILITY_PUBLIC, "We are on it", "reply-1")).id).toBe(reply.id);
    await comment(c.id, CommentVisibility.COMMENT_VISIBILITY_PUBLIC, "Fixed on our side");
    const afterSecond = await clients.cases.getCase({ id: c.id }, agent());
    expect(afterSecond.firstRespondedAt).toBe(reply.createdAt);
    expect(afterSecond.version).toBe("2");

    const listed = await clients.comments.listCaseComments({ caseId: c.id, visibility: CommentVisibility.COMMENT_VISIBILITY_UNSPECIFIED }, agent());
    expect(listed.comments.map((m) => [m.visibility, m.body, m.authorId])).toEqual([
      [CommentVisibility.COMMENT_VISIBILITY_INTERNAL, "Customer on the premium plan", "agent-1"],
      [CommentVisibility.COMMENT_VISIBILITY_PUBLIC, "We are on it", "agent-1"],
      [CommentVisibility.COMMENT_VISIBILITY_PUBLIC, "Fixed on our side", "agent-1"],
    ]);
    const publicOnly = await clients.comments.listCaseComments({ caseId: c.id, visibility: CommentVisibility.COMMENT_VISIBILITY_PUBLIC }, agent());
    expect(publicOnly.comments).toHaveLength(2);

    // JetStream drops the retry's event by its id: two replies, two events.
    await new Promise((r) => setTimeout(r, 500));
    const replies = await eventually(() => caseEvents(c.id, "service.case.public_reply_added"), (e) => e.length >= 2, "the reply events");
    expect(replies).toHaveLength(2);
    const first = CasePublicReplyAdded.decode(replies[0]!.data);
    expect(first.case?.firstRespondedAt).toBe(reply.createdAt);
    expect(first.comment).toMatchObject({ id: reply.id, body: "We are on it" });
  });

  test("a public reply whose process stopped before the case took it is finished by the sweep: first response and event", async () => {
    const c = await open();
    // What a process leaves when it stops between the comment's insert and the case's update.
    const commentId = randomUUID();
    const writtenAt = new Date(Date.now() - 60_000);
    const db = mongoose.createConnection(`${localStack.ferretdbUri}/${service.database}`);
    try {
      await db.collection("case_comments").insertOne({
        _id: commentId as never,
        tenantId: tenant,
        caseId: c.id,
        visibility: "public",
        authorId: "agent-1",
        body: "Sorry for the wait",
        replyPending: true,
        version: 1,
        createdAt: writtenAt,
        updatedAt: writtenAt,
        idempotencyKey: randomUUID(),
        requestHash: "",
        outbox: [],
      });
      const responded = await eventually(() => clients.cases.getCase({ id: c.id }, agent()), (x) => x.firstRespondedAt !== undefined, "the first response");
      expect(responded.firstRespondedAt).toBe(writtenAt.toISOString());
      const replies = await eventually(() => caseEvents(c.id, "service.case.public_reply_added"), (e) => e.length >= 1, "the reply's event");
      expect(CasePublicReplyAdded.decode(replies[0]!.data).comment?.id).toBe(commentId);
      await eventually(() => db.collection("case_comments").findOne({ _id: commentId as never }), (doc) => doc !== null && doc.replyPending === undefined, "the flag cleared");
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await caseEvents(c.id, "service.case.public_reply_added")).toHaveLength(1);
    } finally {
      await db.close();
    }
  });

  test("an empty body or no visibility is INVALID_ARGUMENT naming the field", async () => {
    const c = await open();
    expect(await failureOf(comment(c.id, CommentVisibility.COMMENT_VISIBILITY_PUBLIC, "  "))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "body" });
    expect(await failureOf(comment(c.id, CommentVisibility.COMMENT_VISIBILITY_UNSPECIFIED, "Hi"))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "visibility" });
  });
});

describe("feedback", () => {
  const give = (caseId: string, score: number, who = agent()) => clients.feedback.giveCaseFeedback({ caseId, score, comment: "Quick and friendly" }, who);

  test("refused while the case is open and for a score out of 1-5", async () => {
    const c = await open();
    expect(await failureOf(give(c.id, 5))).toMatchObject({ code: status.ABORTED, field: "status" });
    await move(c, CaseAction.CASE_ACTION_RESOLVE, { resolution: "Done" });
    expect(await failureOf(give(c.id, 6))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "score" });
    expect(await failureOf(clients.feedback.getCaseFeedback({ caseId: c.id }, agent()))).toMatchObject({ code: status.NOT_FOUND });
  });

  test("20 concurrent feedbacks on one resolved case: exactly one is recorded and published, 19 ALREADY_EXISTS", async () => {
    const c = await open();
    await move(c, CaseAction.CASE_ACTION_RESOLVE, { resolution: "Done" });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => give(c.id, (i % 5) + 1)));
    const given = results.filter((r) => r.status === "fulfilled");
    expect(given).toHaveLength(1);
    const refused = await Promise.all(
      results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => failureOf(Promise.reject(r.reason))),
    );
    expect(refused).toHaveLength(19);
    expect(refused.every((f) => f.code === status.ALREADY_EXISTS && f.field === "case_id")).toBe(true);

    const stored = await clients.feedback.getCaseFeedback({ caseId: c.id }, agent());
    expect(stored).toEqual((given[0] as PromiseFulfilledResult<unknown>).value);
    // After the case is closed, still once.
    await move(c, CaseAction.CASE_ACTION_CLOSE);
    expect((await failureOf(give(c.id, 3))).code).toBe(status.ALREADY_EXISTS);

    const events = await eventually(() => caseEvents(c.id, "service.case.csat_given"), (e) => e.length >= 1, "csat_given");
    await new Promise((r) => setTimeout(r, 500));
    expect(await caseEvents(c.id, "service.case.csat_given")).toHaveLength(1);
    expect(CaseCsatGiven.decode(events[0]!.data).feedback).toMatchObject({ caseId: c.id, score: stored.score });
  });
});

describe("history", () => {
  test("every event about the case, in order, once; an assignment published by another part of the Service appears too", async () => {
    const c = await open();
    await move(c, CaseAction.CASE_ACTION_START);
    await clients.comments.addCaseComment({ caseId: c.id, visibility: CommentVisibility.COMMENT_VISIBILITY_PUBLIC, body: "Looking", idempotencyKey: "" }, agent());
    await move(c, CaseAction.CASE_ACTION_RESOLVE, { resolution: "Cleaned the rollers" });
    await clients.feedback.giveCaseFeedback({ caseId: c.id, score: 4, comment: "" }, agent());

    // What the queues publish when they reassign a case: a CaseChanged on service.case.assigned.
    const reassigned = { ...(await clients.cases.getCase({ id: c.id }, agent())), ownerId: "agent-7", queueId: "printers" };
    const eventId = `assigned-${runId()}`;
    const meta = { id: eventId, type: "service.case.assigned", tenantId: tenant, entityId: c.id, actorId: "queue-rule", requestId: "", occurredAt: new Date().toISOString() };
    const assigned = CaseChanged.encode({ meta, case: reassigned }).finish();
    await bus.publish("service.case.assigned", assigned, { msgId: eventId });
    // Redelivered or republished: still one entry.
    await bus.publish("service.case.assigned", assigned, { msgId: `${eventId}-again` });

    const history = await eventually(
      () => clients.cases.listCaseHistory({ caseId: c.id }, agent()),
      (h) => h.entries.length >= 6,
      "the case's history",
    );
    await new Promise((r) => setTimeout(r, 500));
    const entries = (await clients.cases.listCaseHistory({ caseId: c.id }, agent())).entries;
    expect(entries.map((e) => e.kind)).toEqual([
      "service.case.opened",
      "service.case.status_changed",
      "service.case.public_reply_added",
      "service.case.resolved",
      "service.case.csat_given",
      "service.case.assigned",
    ]);
    expect(history.entries[0]!.summary).toBe(`Case ${c.number} opened, owner agent-1`);
    expect(entries[3]).toMatchObject({ summary: "Resolved: Cleaned the rollers", status: CaseStatus.CASE_STATUS_RESOLVED });
    expect(entries[4]!.summary).toBe("Customer satisfaction 4/5");
    expect(entries[5]).toMatchObject({ summary: "Assigned to agent-7 (queue printers)", ownerId: "agent-7", queueId: "printers", actorId: "queue-rule" });

    const paged = await clients.cases.listCaseHistory({ caseId: c.id, page: { pageSize: 4, cursor: "", sort: "" } }, agent());
    expect(paged.entries).toHaveLength(4);
    const rest = await clients.cases.listCaseHistory({ caseId: c.id, page: { pageSize: 4, cursor: paged.page!.nextCursor, sort: "" } }, agent());
    expect([...paged.entries, ...rest.entries].map((e) => e.id)).toEqual(entries.map((e) => e.id));
  });
});

describe("the case's account and contact", () => {
  const salesCall = () => ({ identity: identity(tenant, "rep-1", ["sales-rep"]) });

  test("checked against Sales: a contact must belong to the account; a contact alone brings its account; unknown ids are INVALID_ARGUMENT naming the field", async () => {
    // Created right before the case: the local copy may not have them yet, and Sales is asked.
    const account = await salesClients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: `Initech ${run}` }), salesCall());
    const contact = await salesClients.contacts.createContact(CreateContactRequest.fromPartial({ accountId: account.id, firstName: "Peter", lastName: "Gibbons" }), salesCall());
    const otherAccount = await salesClients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: `Initrode ${run}` }), salesCall());

    const both = await open({ accountId: account.id, contactId: contact.id });
    expect(both).toMatchObject({ accountId: account.id, contactId: contact.id });
    const contactOnly = await open({ contactId: contact.id });
    expect(contactOnly.accountId).toBe(account.id);

    expect(await failureOf(open({ accountId: otherAccount.id, contactId: contact.id }))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "contact_id" });
    expect(await failureOf(open({ accountId: "00000000-0000-4000-8000-000000000000" }))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "account_id" });
    expect(await failureOf(open({ contactId: "00000000-0000-4000-8000-000000000000" }))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "contact_id" });
    // Another tenant's account is unknown to this one.
    expect(await failureOf(open({ accountId: account.id }, stranger()))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "account_id" });

    // Moving the case to the other account while its contact stays on the first is refused.
    expect(await failureOf(clients.cases.updateCase({ id: both.id, expectedVersion: "0", accountId: otherAccount.id }, agent()))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "contact_id",
    });
  });

  test("the local copy follows Sales' events: a deleted contact is refused once Sales has it deleted", async () => {
    const account = await salesClients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: `Globodyne ${run}` }), salesCall());
    const contact = await salesClients.contacts.createContact(CreateContactRequest.fromPartial({ accountId: account.id, firstName: "Milton", lastName: "Waddams" }), salesCall());
    const c = await open({ accountId: account.id });
    await salesClients.contacts.deleteContact({ id: contact.id, expectedVersion: "0" }, salesCall());
    // The copy follows Sales' events: until the delete's event arrives it may still accept the
    // contact (docs/service.md); once it has, the contact is refused.
    const db = await mongoose.createConnection(`${localStack.ferretdbUri}/${service.database}`).asPromise();
    try {
      await eventually(() => db.collection("sales_refs").findOne({ _id: contact.id as never }), (ref) => ref?.deleted === true, "the copy to hear of the delete");
    } finally {
      await db.close();
    }
    expect(await failureOf(clients.cases.updateCase({ id: c.id, expectedVersion: "0", contactId: contact.id }, agent()))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "contact_id",
    });
    await salesClients.contacts.restoreContact({ id: contact.id, expectedVersion: "0" }, salesCall());
    const updated = await clients.cases.updateCase({ id: c.id, expectedVersion: "0", contactId: contact.id }, agent());
    expect(updated.contactId).toBe(contact.id);
  });

  test("the copy answers while Sales is down: a copied account is accepted, one the copy lacks is UNAVAILABLE", async () => {
    const account = await salesClients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: `Vandelay ${run}` }), salesCall());
    const db = mongoose.createConnection(`${localStack.ferretdbUri}/${service.database}`);
    try {
      await eventually(
        () => db.collection("sales_refs").findOne({ _id: account.id as never, tenantId: tenant }),
        (doc) => doc !== null && doc.type === "account" && doc.deleted === false,
        "the account in the local copy",
      );
    } finally {
      await db.close();
    }
    // Sales stops for good (the last test of the file).
    await sales.stop();
    expect((await open({ accountId: account.id })).accountId).toBe(account.id);
    expect(await failureOf(open({ accountId: "00000000-0000-4000-8000-000000000001" }))).toMatchObject({ code: status.UNAVAILABLE });
  });
});
