import type { ProjectedEvent, ProjectionWriter, SqlValue } from "@relata/platform/projection";
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

/** Keeps, per key, the change with the highest version (or the latest time): one row per key per statement. */
function latest<T>(rows: T[], key: (row: T) => string, newer: (a: T, b: T) => boolean): T[] {
  const kept = new Map<string, T>();
  for (const row of rows) {
    const k = key(row);
    const current = kept.get(k);
    if (!current || newer(row, current)) kept.set(k, row);
  }
  return [...kept.values()];
}

const ROWS_PER_STATEMENT = 200;

/** One INSERT … ON CONFLICT per chunk of rows: the stored row changes only when the new one is newer. */
async function upsert<T>(writer: ProjectionWriter, rows: T[], insert: string, placeholders: string, values: (row: T) => SqlValue[], onConflict: string): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    await writer.run(`${insert} VALUES ${chunk.map(() => placeholders).join(", ")} ${onConflict}`, chunk.flatMap(values));
  }
}

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
  await upsert(
    writer,
    latest(accounts, (a) => `${a.tenantId}/${a.accountId}`, byVersion),
    "INSERT INTO accounts (tenant_id, account_id, name, industry, territory, owner_id, version, deleted)",
    "(?, ?, ?, ?, ?, ?, ?, ?)",
    (a) => [a.tenantId, a.accountId, orNull(a.name), orNull(a.industry), orNull(a.territory), orNull(a.ownerId), a.version, a.deleted],
    `ON CONFLICT (tenant_id, account_id) DO UPDATE SET name = excluded.name, industry = excluded.industry, territory = excluded.territory,
      owner_id = excluded.owner_id, version = excluded.version, deleted = excluded.deleted WHERE excluded.version > accounts.version`,
  );
  await upsert(
    writer,
    latest(people, (p) => `${p.tenantId}/${p.personId}`, byVersion),
    `INSERT INTO people (tenant_id, person_id, kind, first_name, last_name, email, phone, title, owner_id, account_id, company, industry, status,
      created_at, updated_at, version, deleted)`,
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, ?, ?)",
    (p) => [
      p.tenantId, p.personId, p.kind, orNull(p.firstName), orNull(p.lastName), orNull(p.email), orNull(p.phone), orNull(p.title),
      orNull(p.ownerId), orNull(p.accountId), orNull(p.company), orNull(p.industry), orNull(p.status),
      p.createdAt ?? null, p.updatedAt ?? null, p.version, p.deleted,
    ],
    `ON CONFLICT (tenant_id, person_id) DO UPDATE SET kind = excluded.kind, first_name = excluded.first_name, last_name = excluded.last_name,
      email = excluded.email, phone = excluded.phone, title = excluded.title, owner_id = excluded.owner_id, account_id = excluded.account_id,
      company = excluded.company, industry = excluded.industry, status = excluded.status, created_at = excluded.created_at,
      updated_at = excluded.updated_at, version = excluded.version, deleted = excluded.deleted WHERE excluded.version > people.version`,
  );
  await upsert(
    writer,
    latest(values, (v) => `${v.tenantId}/${v.accountId}`, (a, b) => a.occurredAt > b.occurredAt),
    "INSERT INTO customer_values (tenant_id, account_id, value_class, churn_risk, occurred_at)",
    "(?, ?, ?, ?, ?::TIMESTAMPTZ)",
    (v) => [v.tenantId, v.accountId, orNull(v.valueClass), v.churnRisk, v.occurredAt],
    `ON CONFLICT (tenant_id, account_id) DO UPDATE SET value_class = excluded.value_class, churn_risk = excluded.churn_risk,
      occurred_at = excluded.occurred_at WHERE excluded.occurred_at >= customer_values.occurred_at`,
  );
}
