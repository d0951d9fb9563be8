import { requestHash, type Actor } from "@relata/platform";
import { LeadConverted, LeadChanged } from "@relata/proto/events/v1/sales";
import { LeadStatus } from "@relata/proto/sales/v1/lead";
import { accountEvent, contactEvent, leadConvertedEvent, leadEvent } from "../../src/events/builders";
import { SALES_STREAM } from "../../src/events/stream";
import { timelineEntryFor, timelineFacts } from "../../src/events/timeline";
import type { AccountRecord, ContactRecord, LeadRecord } from "../../src/domain/types";

const at = new Date("2026-02-02T10:00:00Z");
const actor: Actor = { tenantId: "acme", actorId: "user-7", requestId: "req-1" };

const lead: LeadRecord = {
  _id: "lead-1",
  tenantId: "acme",
  version: 2,
  createdAt: at,
  updatedAt: at,
  idempotencyKey: "k",
  requestHash: "h",
  firstName: "Grace",
  lastName: "Hopper",
  email: "grace@example.com",
  phone: "",
  company: "Navy",
  title: "",
  industry: "",
  source: "manual",
  status: "converted",
  externalId: "",
  country: "",
  region: "",
  employeeCount: 0,
  territory: "",
  ownerId: "rep-1",
  score: 0,
  campaignId: "",
  disqualifyReason: "",
  conversion: {
    accountId: "acc-1",
    contactId: "con-1",
    opportunityId: "opp-1",
    createsAccount: true,
    opportunityName: "Navy deal",
    expectedCloseDate: "",
    stageId: "prospecting",
    probability: 10,
    actorId: "user-7",
    requestId: "req-1",
    claimedAt: at,
    convertedAt: at,
  },
};

describe("event builders", () => {
  it("uses one id for EventMeta, the outbox entry and the message id, and names the tenant in a header", () => {
    const e = leadConvertedEvent(lead, actor);
    const decoded = LeadConverted.decode(e.data);
    expect(e.subject).toBe("sales.lead.converted");
    expect(decoded.meta).toEqual({
      id: e.id,
      type: "sales.lead.converted",
      tenantId: "acme",
      entityId: "lead-1",
      actorId: "user-7",
      requestId: "req-1",
      occurredAt: at.toISOString(),
    });
    expect(decoded).toMatchObject({ accountId: "acc-1", contactId: "con-1", opportunityId: "opp-1" });
    expect(decoded.lead?.status).toBe(LeadStatus.LEAD_STATUS_CONVERTED);
    expect(e.headers["relata-tenant"]).toBe("acme");
  });

  it("carries the snapshot after the change, never the outbox", () => {
    const withOutbox = { ...lead, status: "new" as const, conversion: undefined, outbox: [{ id: "x" }] } as unknown as LeadRecord;
    const decoded = LeadChanged.decode(leadEvent("created", withOutbox, actor).data);
    expect(decoded.lead).toMatchObject({ id: "lead-1", lastName: "Hopper", status: LeadStatus.LEAD_STATUS_NEW, version: "2" });
    expect(decoded.lead).not.toHaveProperty("outbox");
    expect(decoded.lead?.conversion).toBeUndefined();
  });

  it("gives every event a fresh id", () => {
    expect(leadEvent("updated", lead, actor).id).not.toBe(leadEvent("updated", lead, actor).id);
  });

  it("publishes on the SALES stream under sales.>", () => {
    expect(SALES_STREAM).toMatchObject({ name: "SALES", subjects: ["sales.>"] });
  });
});

describe("timeline entries", () => {
  it("puts a conversion on the new account's timeline, keyed by the event id", () => {
    const e = leadConvertedEvent(lead, actor);
    const entry = timelineEntryFor(e.subject, timelineFacts(e.subject, e.data));
    expect(entry).toEqual({
      _id: e.id,
      tenantId: "acme",
      accountId: "acc-1",
      kind: "sales.lead.converted",
      summary: "Lead Grace Hopper (Navy) converted",
      record: { type: "sales.lead", id: "lead-1" },
      actorId: "user-7",
      occurredAt: at,
    });
  });

  it("puts an account's own events on its timeline", () => {
    const account: AccountRecord = {
      _id: "acc-9",
      tenantId: "acme",
      version: 1,
      createdAt: at,
      updatedAt: at,
      idempotencyKey: "k",
      requestHash: "",
      name: "Initech",
      parentAccountId: "",
      industry: "",
      territory: "",
      ownerId: "",
      website: "",
      externalId: "",
      country: "",
      region: "",
      employeeCount: 0,
    };
    const e = accountEvent("created", account, actor);
    expect(timelineEntryFor(e.subject, timelineFacts(e.subject, e.data))).toMatchObject({ accountId: "acc-9", summary: 'Account "Initech" created' });
  });

  it("makes no entry for a contact's delete or restore, but hides or shows its entries from the version after it", () => {
    const contact: ContactRecord = {
      _id: "con-9",
      tenantId: "acme",
      version: 4,
      createdAt: at,
      updatedAt: at,
      idempotencyKey: "k",
      requestHash: "h",
      accountId: "acc-9",
      firstName: "Ada",
      lastName: "Lovelace",
      email: "",
      phone: "",
      title: "",
      ownerId: "",
      externalId: "",
      deletedAt: at,
    };
    const deleted = contactEvent("deleted", contact, actor);
    expect(deleted.subject).toBe("sales.contact.deleted");
    const facts = timelineFacts(deleted.subject, deleted.data);
    expect(facts).toMatchObject({ accountId: "acc-9", record: { type: "sales.contact", id: "con-9" }, visibility: { deleted: true, version: 4 } });
    expect(timelineEntryFor(deleted.subject, facts)).toBeNull();
    const restored = contactEvent("restored", { ...contact, version: 5, deletedAt: undefined }, actor);
    expect(timelineFacts(restored.subject, restored.data)).toMatchObject({ visibility: { deleted: false, version: 5 } });
  });

  it("leaves out events that concern no account", () => {
    const e = leadEvent("created", { ...lead, status: "new", conversion: undefined }, actor);
    expect(timelineEntryFor(e.subject, timelineFacts(e.subject, e.data))).toBeNull();
    expect(timelineFacts("sales.unknown.thing", new Uint8Array())).toBeNull();
  });
});

describe("idempotency request hash", () => {
  it("ignores key order and the key itself, and sees any other difference", () => {
    expect(requestHash({ a: 1, b: "x", idempotencyKey: "k1" })).toBe(requestHash({ b: "x", a: 1, idempotencyKey: "k2" }));
    expect(requestHash({ a: 1, b: "x" })).not.toBe(requestHash({ a: 1, b: "y" }));
  });
});
