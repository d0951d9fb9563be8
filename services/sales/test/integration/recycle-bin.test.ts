import mongoose, { type Connection } from "mongoose";
import { status } from "@grpc/grpc-js";
import { dependentsOf, isGrpcError, RECYCLE_BIN_RETENTION_MS, type DependentCount, type EventBus } from "@relata/platform";
import { AccountChanged, ContactChanged } from "@relata/proto/events/v1/sales";
import { CreateAccountRequest, ListAccountsRequest } from "@relata/proto/sales/v1/account";
import { ActivityType, CreateActivityRequest } from "@relata/proto/sales/v1/activity";
import { CreateContactRequest, ListContactsRequest } from "@relata/proto/sales/v1/contact";
import { ConvertLeadRequest, CreateLeadRequest } from "@relata/proto/sales/v1/lead";
import { CreateOpportunityRequest } from "@relata/proto/sales/v1/opportunity";
import { testServerPort } from "@relata/testing";
import { connectBus, createDurableFromNow, eventually, failureOf, identity, mongoBase, nextSequence, readStream, runId, salesClientsAt, startSalesProcess, type SalesClients, type SalesProcess } from "./support";

jest.setTimeout(90_000);

const run = runId();
const database = `relata_sales_bin_it_${run}`;
const port = testServerPort(3); // this file's own Sales process (docs/local-stack.md: test server ports)
const timelineDurable = `sales-timeline-bin-it-${run}`;

let service: SalesProcess;
let clients: SalesClients;
let bus: EventBus;
let db: Connection;
let fromSeq: number;
const acme = () => ({ identity: identity("acme", "rep-ada") });
const globex = () => ({ identity: identity("globex") });

beforeAll(async () => {
  bus = await connectBus("sales-it-recycle-bin");
  fromSeq = await nextSequence(bus);
  await createDurableFromNow(bus, timelineDurable, ["sales.>"]);
  // The purge runs every second here, so a record pushed past the window goes within the test.
  service = await startSalesProcess({
    grpcPort: port,
    database,
    env: { TIMELINE_DURABLE: timelineDurable, RECYCLE_BIN_PURGE_INTERVAL_MS: "1000" },
  });
  clients = salesClientsAt(service.address);
  db = await mongoose.createConnection(`${mongoBase}/${database}`).asPromise();
});

afterAll(async () => {
  clients?.close();
  await service?.stop();
  await bus?.jsm.consumers.delete("SALES", timelineDurable).catch(() => undefined);
  await bus?.close();
  await db?.dropDatabase().catch(() => undefined);
  await db?.close();
});

const newAccount = (name: string) => clients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: `${name} ${run}` }), acme());
const newContact = (accountId: string, lastName: string) =>
  clients.contacts.createContact(CreateContactRequest.fromPartial({ accountId, firstName: "Ada", lastName: `${lastName}-${run}` }), acme());

/** The dependents a refused delete names in its relata-dependents trailer. */
async function refusal(call: Promise<unknown>): Promise<{ code: number; details: string; dependents?: DependentCount[] }> {
  try {
    await call;
  } catch (err) {
    if (isGrpcError(err)) return { code: err.code, details: err.details, dependents: dependentsOf(err) };
    throw err;
  }
  throw new Error("expected the call to fail");
}

describe("recycle bin", () => {
  it("deletes a contact: NOT_FOUND on get, gone from lists; restore brings it back with the same id and a new version", async () => {
    const account = await newAccount("Binned");
    const contact = await newContact(account.id, "Lovelace");
    const deleted = await clients.contacts.deleteContact({ id: contact.id, expectedVersion: "1" }, acme());
    expect(deleted).toMatchObject({ id: contact.id, version: "2" });

    expect(await failureOf(clients.contacts.getContact({ id: contact.id }, acme()))).toMatchObject({ code: status.NOT_FOUND });
    const listed = await clients.contacts.listContacts(ListContactsRequest.fromPartial({ accountId: account.id }), acme());
    expect(listed.contacts).toEqual([]);
    // Deleting it again, or changing it, finds nothing.
    expect(await failureOf(clients.contacts.deleteContact({ id: contact.id, expectedVersion: "0" }, acme()))).toMatchObject({ code: status.NOT_FOUND });
    // Nothing new may point at it.
    const opportunity = clients.opportunities.createOpportunity(
      CreateOpportunityRequest.fromPartial({ accountId: account.id, contactId: contact.id, name: `On a deleted contact ${run}` }),
      acme(),
    );
    expect(await failureOf(opportunity)).toMatchObject({ code: status.INVALID_ARGUMENT, field: "contact_id" });

    const restored = await clients.contacts.restoreContact({ id: contact.id, expectedVersion: "2" }, acme());
    expect(restored).toMatchObject({ id: contact.id, lastName: `Lovelace-${run}`, accountId: account.id, version: "3" });
    expect(await clients.contacts.getContact({ id: contact.id }, acme())).toEqual(restored);
    const back = await clients.contacts.listContacts(ListContactsRequest.fromPartial({ accountId: account.id }), acme());
    expect(back.contacts.map((c) => c.id)).toEqual([contact.id]);
  });

  it("refuses a stale expected_version on delete and restore with FAILED_PRECONDITION", async () => {
    const account = await newAccount("Stale");
    expect(await failureOf(clients.accounts.deleteAccount({ id: account.id, expectedVersion: "7" }, acme()))).toMatchObject({
      code: status.FAILED_PRECONDITION,
      field: "version",
    });
    expect((await clients.accounts.getAccount({ id: account.id }, acme())).version).toBe("1");
    await clients.accounts.deleteAccount({ id: account.id, expectedVersion: "1" }, acme());
    expect(await failureOf(clients.accounts.restoreAccount({ id: account.id, expectedVersion: "1" }, acme()))).toMatchObject({
      code: status.FAILED_PRECONDITION,
    });
  });

  it("validates the request at the boundary", async () => {
    expect(await failureOf(clients.leads.deleteLead({ id: "", expectedVersion: "1" }, acme()))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "id" });
    expect(await failureOf(clients.leads.deleteLead({ id: "x", expectedVersion: "-1" }, acme()))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "expected_version",
    });
  });

  it("keeps tenants apart: globex can neither delete nor restore acme's records", async () => {
    const account = await newAccount("Private");
    expect(await failureOf(clients.accounts.deleteAccount({ id: account.id, expectedVersion: "0" }, globex()))).toMatchObject({ code: status.NOT_FOUND });
    expect((await clients.accounts.getAccount({ id: account.id }, acme())).version).toBe("1");
    await clients.accounts.deleteAccount({ id: account.id, expectedVersion: "0" }, acme());
    expect(await failureOf(clients.accounts.restoreAccount({ id: account.id, expectedVersion: "0" }, globex()))).toMatchObject({ code: status.NOT_FOUND });
    expect(await failureOf(clients.accounts.getAccount({ id: account.id }, acme()))).toMatchObject({ code: status.NOT_FOUND });
  });

  it("refuses to delete an account its contacts, opportunities and child accounts depend on, naming them (ABORTED)", async () => {
    const account = await newAccount("Parent");
    const contact = await newContact(account.id, "Depends");
    await clients.contacts.createContact(CreateContactRequest.fromPartial({ accountId: account.id, lastName: `Second-${run}` }), acme());
    await clients.opportunities.createOpportunity(CreateOpportunityRequest.fromPartial({ accountId: account.id, name: `Deal ${run}` }), acme());
    const child = await clients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: `Child ${run}`, parentAccountId: account.id }), acme());

    const refused = await refusal(clients.accounts.deleteAccount({ id: account.id, expectedVersion: "1" }, acme()));
    expect(refused.code).toBe(status.ABORTED);
    expect(refused.dependents).toEqual([
      { what: "contact", count: 2 },
      { what: "opportunity", count: 1 },
      { what: "child account", count: 1 },
    ]);
    expect(refused.details).toContain("contact (2)");
    expect((await clients.accounts.getAccount({ id: account.id }, acme())).version).toBe("1");

    // A contact an opportunity names is refused too; a deleted dependent no longer counts.
    const named = await clients.opportunities.createOpportunity(
      CreateOpportunityRequest.fromPartial({ accountId: account.id, contactId: contact.id, name: `Named ${run}` }),
      acme(),
    );
    expect((await refusal(clients.contacts.deleteContact({ id: contact.id, expectedVersion: "0" }, acme()))).dependents).toEqual([
      { what: "opportunity", count: 1 },
    ]);
    await clients.opportunities.deleteOpportunity({ id: named.id, expectedVersion: "0" }, acme());
    await clients.contacts.deleteContact({ id: contact.id, expectedVersion: "0" }, acme());
    await clients.accounts.deleteAccount({ id: child.id, expectedVersion: "0" }, acme());
    expect((await refusal(clients.accounts.deleteAccount({ id: account.id, expectedVersion: "0" }, acme()))).dependents).toEqual([
      { what: "contact", count: 1 },
      { what: "opportunity", count: 1 },
    ]);

    // A record comes back only beside what it refers to.
    const orphan = await newAccount("Orphan parent");
    const orphanContact = await newContact(orphan.id, "Orphan");
    await clients.contacts.deleteContact({ id: orphanContact.id, expectedVersion: "0" }, acme());
    await clients.accounts.deleteAccount({ id: orphan.id, expectedVersion: "0" }, acme());
    expect(await failureOf(clients.contacts.restoreContact({ id: orphanContact.id, expectedVersion: "0" }, acme()))).toMatchObject({
      code: status.ABORTED,
      field: "account_id",
    });
    await clients.accounts.restoreAccount({ id: orphan.id, expectedVersion: "0" }, acme());
    expect(await clients.contacts.restoreContact({ id: orphanContact.id, expectedVersion: "0" }, acme())).toMatchObject({ version: "3" });
  });

  it("refuses to delete a converted lead, and deletes and restores one that is not", async () => {
    const lead = await clients.leads.createLead(CreateLeadRequest.fromPartial({ lastName: `Convertible-${run}`, company: `Bin Co ${run}` }), acme());
    const converted = await clients.leads.convertLead(ConvertLeadRequest.fromPartial({ id: lead.id }), acme());
    expect(await failureOf(clients.leads.deleteLead({ id: lead.id, expectedVersion: "0" }, acme()))).toMatchObject({ code: status.ABORTED });
    expect(converted.lead?.id).toBe(lead.id);

    const plain = await clients.leads.createLead(CreateLeadRequest.fromPartial({ lastName: `Plain-${run}` }), acme());
    await clients.leads.deleteLead({ id: plain.id, expectedVersion: "1" }, acme());
    expect(await failureOf(clients.leads.getLead({ id: plain.id }, acme()))).toMatchObject({ code: status.NOT_FOUND });
    expect(await clients.leads.restoreLead({ id: plain.id, expectedVersion: "0" }, acme())).toMatchObject({ id: plain.id, version: "3" });
  });

  it("publishes deleted and restored once each, with the record's snapshot", async () => {
    const account = await newAccount("Evented");
    await clients.accounts.deleteAccount({ id: account.id, expectedVersion: "1" }, acme());
    await clients.accounts.restoreAccount({ id: account.id, expectedVersion: "2" }, acme());
    const decodeMeta = (data: Uint8Array) => AccountChanged.decode(data).meta;
    const of = async (subject: string) => (await readStream(bus, fromSeq, subject, decodeMeta)).filter((m) => m.meta.entityId === account.id);
    const deleted = await eventually(() => of("sales.account.deleted"), (m) => m.length >= 1, "sales.account.deleted");
    const restored = await eventually(() => of("sales.account.restored"), (m) => m.length >= 1, "sales.account.restored");
    expect(deleted).toHaveLength(1);
    expect(restored).toHaveLength(1);
    expect(AccountChanged.decode(deleted[0]!.data).account).toMatchObject({ id: account.id, version: "2" });
    expect(AccountChanged.decode(restored[0]!.data).account).toMatchObject({ id: account.id, version: "3" });
    expect(deleted[0]!.meta).toMatchObject({ tenantId: "acme", actorId: "rep-ada", type: "sales.account.deleted" });
  });

  it("hides a deleted contact's and activity's entries from the account's timeline and shows them again on restore", async () => {
    const account = await newAccount("Timeline");
    const contact = await newContact(account.id, "Timeline");
    const activity = await clients.activities.createActivity(
      CreateActivityRequest.fromPartial({ type: ActivityType.ACTIVITY_TYPE_CALL, subject: "Intro", relatedTo: { type: "sales.account", id: account.id } }),
      acme(),
    );
    const entries = async () => (await clients.timeline.listAccountTimeline({ accountId: account.id, page: { pageSize: 50, cursor: "", sort: "" } }, acme())).entries;
    const recordIds = async () => (await entries()).map((e) => e.record?.id);
    const all = await eventually(recordIds, (ids) => ids.includes(contact.id) && ids.includes(activity.id), "the contact and activity on the timeline");
    expect(all.filter((id) => id === account.id)).toHaveLength(1);

    await clients.contacts.deleteContact({ id: contact.id, expectedVersion: "1" }, acme());
    await clients.activities.deleteActivity({ id: activity.id, expectedVersion: "1" }, acme());
    const hidden = await eventually(recordIds, (ids) => !ids.includes(contact.id) && !ids.includes(activity.id), "the entries hidden");
    expect(hidden).toEqual([account.id]);

    await clients.contacts.restoreContact({ id: contact.id, expectedVersion: "2" }, acme());
    await clients.activities.restoreActivity({ id: activity.id, expectedVersion: "2" }, acme());
    const shown = await eventually(recordIds, (ids) => ids.includes(contact.id) && ids.includes(activity.id), "the entries back");
    expect(shown.sort()).toEqual(all.sort());

    // The delete arriving again after the restore (a late redelivery) changes nothing.
    const decodeMeta = (data: Uint8Array) => ContactChanged.decode(data).meta;
    const [deletedEvent] = (await readStream(bus, fromSeq, "sales.contact.deleted", decodeMeta)).filter((m) => m.meta.entityId === contact.id);
    const again = await bus.publish("sales.contact.deleted", deletedEvent!.data, { msgId: `redelivered-${deletedEvent!.msgId}`, headers: { "relata-tenant": "acme" } });
    await eventually(
      async () => (await bus.jsm.consumers.info("SALES", timelineDurable)).ack_floor.stream_seq,
      (seq) => seq >= again.seq,
      "the timeline consumer to handle the redelivered delete",
    );
    expect((await recordIds()).sort()).toEqual(all.sort());
  });

  it("refuses a restore past the 30-day window, and the purge removes the record and its hidden timeline entries", async () => {
    const account = await newAccount("Expired");
    const contact = await newContact(account.id, "Expired");
    await eventually(
      async () => (await clients.timeline.listAccountTimeline({ accountId: account.id }, acme())).entries.map((e) => e.record?.id),
      (ids) => ids.includes(contact.id),
      "the contact on the timeline",
    );
    await clients.contacts.deleteContact({ id: contact.id, expectedVersion: "1" }, acme());
    const timeline = db.collection("timeline_entries");
    await eventually(() => timeline.countDocuments({ "record.id": contact.id, deletedAt: { $exists: true } }), (n) => n > 0, "the entry hidden");
    const contacts = db.collection("contacts");
    await eventually(() => contacts.countDocuments({ _id: contact.id, "outbox.0": { $exists: false } } as object), (n) => n === 1, "the delete published");

    // Thirty-one days later, as far as the recycle bin can tell.
    const longAgo = new Date(Date.now() - RECYCLE_BIN_RETENTION_MS - 24 * 60 * 60 * 1000);
    await contacts.updateOne({ _id: contact.id } as object, { $set: { deletedAt: longAgo } });
    await timeline.updateMany({ "record.id": contact.id }, { $set: { deletedAt: longAgo } });
    expect(await failureOf(clients.contacts.restoreContact({ id: contact.id, expectedVersion: "0" }, acme()))).toMatchObject({ code: status.NOT_FOUND });

    await eventually(() => contacts.countDocuments({ _id: contact.id } as object), (n) => n === 0, "the contact purged");
    await eventually(() => timeline.countDocuments({ "record.id": contact.id }), (n) => n === 0, "its timeline entries purged");
    // What is live, or deleted within the window, stays.
    expect((await clients.accounts.getAccount({ id: account.id }, acme())).id).toBe(account.id);
    expect((await clients.accounts.listAccounts(ListAccountsRequest.fromPartial({}), acme())).accounts.map((a) => a.id)).toContain(account.id);
  });
});
