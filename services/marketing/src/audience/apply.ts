import { latest, upsert, type ProjectedEvent, type ProjectionWriter, type TableUpsert } from "@relata/platform/projection";
import { CustomerValueChanged } from "@relata/proto/events/v1/reporting";
import { AccountChanged, ContactChanged, LeadChanged, LeadConverted } from "@relata/proto/events/v1/sales";
import type { Lead, LeadStatus } from "@relata/proto/sales/v1/lead";

/** The streams and subjects the audience is built from. */
export const SALES_SOURCE = { stream: "SALES", filterSubjects: ["sales.account.>", "sales.contact.>", "sales.lead.>"] };
export const REPORTING_SOURCE = { stream: "REPORTING", filterSubjects: ["reporting.customer.value_changed"] };

export interface AccountRow {
  tenantId: string;
  accountId: string;
  name: string;
  industry: string;
  territory: string;
  ownerId: string;
  version: number;
  deleted: boolean;
}

export interface PersonRow {
  tenantId: string;
  personId: string;
  kind: "contact" | "lead";
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  title: string;
  ownerId: string;
  accountId: string;
  company: string;
  industry: string;
  status: string;
  createdAt: string | undefined;
  updatedAt: string | undefined;
  version: number;
  deleted: boolean;
}

export interface CustomerValueRow {
  tenantId: string;
  accountId: string;
  valueClass: string;
  churnRisk: boolean;
  occurredAt: string;
}

/** What an event means for the audience; null for a subject it does not read. */
export type AudienceChange = { account: AccountRow } | { person: PersonRow } | { value: CustomerValueRow } | null;

const LEAD_STATUS: Record<LeadStatus, string> = {
  LEAD_STATUS_UNSPECIFIED: "new",
  LEAD_STATUS_NEW: "new",
  LEAD_STATUS_QUALIFIED: "qualified",
  LEAD_STATUS_DISQUALIFIED: "disqualified",
  LEAD_STATUS_CONVERTED: "converted",
};

function leadRow(lead: Lead, deleted: boolean): PersonRow {
  return {
    tenantId: lead.tenantId,
    personId: lead.id,
    kind: "lead",
    firstName: lead.firstName,
    lastName: lead.lastName,
    email: lead.email,
    phone: lead.phone,
    title: lead.title,
    ownerId: lead.ownerId,
    accountId: "",
    company: lead.company,
    industry: lead.industry,
    status: LEAD_STATUS[lead.status] ?? "new",
    createdAt: lead.createdAt,
    updatedAt: lead.updatedAt,
    version: Number(lead.version),
    deleted,
  };
}

/** Decodes an event of the SALES or REPORTING stream into the change it makes to the audience. */
export function decodeAudienceEvent(data: Uint8Array, subject: string): AudienceChange {
  const [, resource, verb] = subject.split(".");
  const deleted = verb === "deleted";
  if (subject === "reporting.customer.value_changed") {
    const e = CustomerValueChanged.decode(data);
    const tenantId = e.meta?.tenantId ?? "";
    return { value: { tenantId, accountId: e.accountId, valueClass: e.valueClass, churnRisk: e.churnRisk, occurredAt: e.meta?.occurredAt ?? new Date(0).toISOString() } };
  }
  if (resource === "account") {
    const a = AccountChanged.decode(data).account;
    if (!a) return null;
    const account = { tenantId: a.tenantId, accountId: a.id, name: a.name, industry: a.industry, territory: a.territory, ownerId: a.ownerId, version: Number(a.version), deleted };
    return { account };
  }
  if (resource === "contact") {
    const c = ContactChanged.decode(data).contact;
    if (!c) return null;
    return {
      person: {
        tenantId: c.tenantId,
        personId: c.id,
        kind: "contact",
        firstName: c.firstName,
        lastName: c.lastName,
        email: c.email,
        phone: c.phone,
        title: c.title,
        ownerId: c.ownerId,
        accountId: c.accountId,
        company: "",
        industry: "",
        status: "",
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
        version: Number(c.version),
        deleted,
      },
    };
  }
  if (resource === "lead") {
    const lead = verb === "converted" ? LeadConverted.decode(data).lead : LeadChanged.decode(data).lead;
    return lead ? { person: leadRow(lead, deleted) } : null;
  }
  return null;
}

const orNull = (s: string): string | null => (s === "" ? null : s);

const ACCOUNTS: TableUpsert<AccountRow> = {
  table: "accounts",
  key: ["tenant_id", "account_id"],
  columns: { tenant_id: "VARCHAR", account_id: "VARCHAR", name: "VARCHAR", industry: "VARCHAR", territory: "VARCHAR", owner_id: "VARCHAR", version: "BIGINT", deleted: "BOOLEAN" },
  values: (a) => ({
    tenant_id: a.tenantId, account_id: a.accountId, name: orNull(a.name), industry: orNull(a.industry), territory: orNull(a.territory),
    owner_id: orNull(a.ownerId), version: a.version, deleted: a.deleted,
  }),
  newer: "excluded.version > accounts.version",
};

const PEOPLE: TableUpsert<PersonRow> = {
  table: "people",
  key: ["tenant_id", "person_id"],
  columns: {
    tenant_id: "VARCHAR", person_id: "VARCHAR", kind: "VARCHAR", first_name: "VARCHAR", last_name: "VARCHAR", email: "VARCHAR", phone: "VARCHAR",
    title: "VARCHAR", owner_id: "VARCHAR", account_id: "VARCHAR", company: "VARCHAR", industry: "VARCHAR", status: "VARCHAR",
    created_at: "TIMESTAMPTZ", updated_at: "TIMESTAMPTZ", version: "BIGINT", deleted: "BOOLEAN",
  },
  values: (p) => ({
    tenant_id: p.tenantId, person_id: p.personId, kind: p.kind, first_name: orNull(p.firstName), last_name: orNull(p.lastName), email: orNull(p.email),
    phone: orNull(p.phone), title: orNull(p.title), owner_id: orNull(p.ownerId), account_id: orNull(p.accountId), company: orNull(p.company),
    industry: orNull(p.industry), status: orNull(p.status), created_at: p.createdAt ?? null, updated_at: p.updatedAt ?? null, version: p.version, deleted: p.deleted,
  }),
  newer: "excluded.version > people.version",
};

const CUSTOMER_VALUES: TableUpsert<CustomerValueRow> = {
  table: "customer_values",
  key: ["tenant_id", "account_id"],
  columns: { tenant_id: "VARCHAR", account_id: "VARCHAR", value_class: "VARCHAR", churn_risk: "BOOLEAN", occurred_at: "TIMESTAMPTZ" },
  values: (v) => ({ tenant_id: v.tenantId, account_id: v.accountId, value_class: orNull(v.valueClass), churn_risk: v.churnRisk, occurred_at: v.occurredAt }),
  newer: "excluded.occurred_at >= customer_values.occurred_at",
};

/** Applies a batch of decoded events in one go (inside the projection's transaction). */
export async function applyAudienceChanges(writer: ProjectionWriter, events: ProjectedEvent<AudienceChange>[]): Promise<void> {
  const accounts: AccountRow[] = [];
  const people: PersonRow[] = [];
  const values: CustomerValueRow[] = [];
  for (const { event } of events) {
    if (!event) continue;
    if ("account" in event) accounts.push(event.account);
    else if ("person" in event) people.push(event.person);
    else values.push(event.value);
  }
  const byVersion = (a: { version: number }, b: { version: number }) => a.version > b.version;
  await upsert(writer, ACCOUNTS, latest(accounts, (a) => `${a.tenantId}/${a.accountId}`, byVersion));
  await upsert(writer, PEOPLE, latest(people, (p) => `${p.tenantId}/${p.personId}`, byVersion));
  await upsert(writer, CUSTOMER_VALUES, latest(values, (v) => `${v.tenantId}/${v.accountId}`, (a, b) => a.occurredAt > b.occurredAt));
}
