import type { EventBus } from "@relata/platform";
import type { EventMeta } from "@relata/proto/events/v1/meta";
import { AccountChanged, ContactChanged, LeadChanged } from "@relata/proto/events/v1/sales";
import { LeadSource, LeadStatus, type Lead } from "@relata/proto/sales/v1/lead";
import type { Account } from "@relata/proto/sales/v1/account";
import type { Contact } from "@relata/proto/sales/v1/contact";
import { randomUUID } from "node:crypto";
import { SALES_STREAM } from "../../src/events/stream";

/**
 * Sales' events as Sales publishes them (snapshots in the kit's envelope), put straight onto the
 * SALES stream: the audience's tests build people without running Sales.
 */

const meta = (subject: string, tenantId: string, entityId: string): EventMeta => ({
  id: randomUUID(),
  type: subject,
  tenantId,
  entityId,
  actorId: "sales-test",
  requestId: "",
  occurredAt: new Date().toISOString(),
});

async function publish(bus: EventBus, subject: string, tenantId: string, data: Uint8Array, id: string): Promise<void> {
  await bus.ensureStream(SALES_STREAM);
  await bus.publish(subject, data, { msgId: id, headers: { "relata-tenant": tenantId } });
}

const now = () => new Date().toISOString();

export async function publishAccount(bus: EventBus, verb: "created" | "updated" | "deleted" | "restored", account: Omit<Partial<Account>, "version"> & { id: string; tenantId: string; version: number }): Promise<void> {
  const subject = `sales.account.${verb}`;
  const m = meta(subject, account.tenantId, account.id);
  const full: Account = { name: "", parentAccountId: "", industry: "", territory: "", ownerId: "", website: "", externalId: "", country: "", region: "", employeeCount: 0, createdAt: now(), updatedAt: now(), ...account, version: String(account.version) };
  await publish(bus, subject, account.tenantId, AccountChanged.encode({ meta: m, account: full }).finish(), m.id);
}

export async function publishContact(bus: EventBus, verb: "created" | "updated" | "deleted" | "restored", contact: Omit<Partial<Contact>, "version"> & { id: string; tenantId: string; version: number }): Promise<void> {
  const subject = `sales.contact.${verb}`;
  const m = meta(subject, contact.tenantId, contact.id);
  const full: Contact = { accountId: "", firstName: "", lastName: "", email: "", phone: "", title: "", ownerId: "", externalId: "", createdAt: now(), updatedAt: now(), ...contact, version: String(contact.version) };
  await publish(bus, subject, contact.tenantId, ContactChanged.encode({ meta: m, contact: full }).finish(), m.id);
}

export async function publishLead(bus: EventBus, verb: "created" | "updated" | "qualified" | "deleted" | "restored", lead: Omit<Partial<Lead>, "version"> & { id: string; tenantId: string; version: number }): Promise<void> {
  const subject = `sales.lead.${verb}`;
  const m = meta(subject, lead.tenantId, lead.id);
  const full: Lead = {
    firstName: "", lastName: "", email: "", phone: "", company: "", title: "", industry: "", source: LeadSource.LEAD_SOURCE_MANUAL,
    status: LeadStatus.LEAD_STATUS_NEW, ownerId: "", score: 0, disqualifyReason: "", conversion: undefined, createdAt: now(), updatedAt: now(), campaignId: "", externalId: "",
    country: "", region: "", employeeCount: 0, territory: "",
    ...lead, version: String(lead.version),
  };
  await publish(bus, subject, lead.tenantId, LeadChanged.encode({ meta: m, lead: full }).finish(), m.id);
}
