import { createLogger, type EventBus } from "@relata/platform";
import { Projection, type ProjectedEvent } from "@relata/platform/projection";
import { CustomerValueChanged } from "@relata/proto/events/v1/reporting";
import { AccountChanged, ContactChanged, LeadChanged, LeadConverted } from "@relata/proto/events/v1/sales";
import { LeadSource, LeadStatus, type Lead } from "@relata/proto/sales/v1/lead";
import { applyAudienceChanges, decodeAudienceEvent, type AudienceChange } from "../../src/audience/apply";
import { AUDIENCE_SCHEMA } from "../../src/audience/schema";
import { rulesSql, type SegmentRules } from "../../src/audience/sql";

// The audience's tables, view and SQL on an in-memory DuckDB, fed with encoded Sales events.
const logger = createLogger("audience-unit", "silent");
let projection: Projection<AudienceChange>;
let seq = 0;

beforeEach(async () => {
  projection = await Projection.open<AudienceChange>(
    { name: "audience-unit", path: ":memory:", version: 1, schema: AUDIENCE_SCHEMA, sources: [], apply: async () => undefined },
    {} as EventBus,
    logger,
  );
});
afterEach(() => projection.close());

async function apply(...events: [string, Uint8Array][]): Promise<void> {
  const decoded: ProjectedEvent<AudienceChange>[] = events.map(([subject, data]) => ({
    stream: "SALES",
    subject,
    streamSequence: ++seq,
    headers: {},
    event: decodeAudienceEvent(data, subject),
  }));
  const writer = { run: async (sql: string, params: readonly unknown[] = []) => void (await projection.query(sql, params as never)), all: (sql: string, params: readonly unknown[] = []) => projection.query(sql, params as never) };
  await applyAudienceChanges(writer, decoded);
}

const account = (tenantId: string, id: string, version: number, fields: Partial<{ name: string; industry: string; territory: string }> = {}) =>
  AccountChanged.encode({
    account: { id, tenantId, name: "Acme", parentAccountId: "", industry: "Retail", territory: "North", ownerId: "u1", website: "", externalId: "", country: "", region: "", employeeCount: 0, version: String(version), ...fields },
  }).finish();

const contact = (tenantId: string, id: string, accountId: string, version: number, email = `${id}@acme.example`) =>
  ContactChanged.encode({
    contact: { id, tenantId, accountId, firstName: "Ada", lastName: id, email, phone: "", title: "CTO", ownerId: "u1", externalId: "", version: String(version), createdAt: "2026-01-10T00:00:00Z", updatedAt: "2026-01-10T00:00:00Z" },
  }).finish();

function leadOf(tenantId: string, id: string, version: number, fields: Partial<Lead> = {}): Lead {
  return {
    id, tenantId, firstName: "Lin", lastName: id, email: "", phone: "+44 20 0000", company: "Beta Ltd", title: "Buyer", industry: "Energy",
    source: LeadSource.LEAD_SOURCE_MANUAL, status: LeadStatus.LEAD_STATUS_NEW, ownerId: "u2", score: 0, disqualifyReason: "", conversion: undefined,
    version: String(version), createdAt: "2026-03-01T00:00:00Z", updatedAt: "2026-03-02T00:00:00Z", campaignId: "", externalId: "", country: "", region: "", employeeCount: 0, territory: "", ...fields,
  };
}
const lead = (tenantId: string, id: string, version: number, fields: Partial<Lead> = {}) => LeadChanged.encode({ lead: leadOf(tenantId, id, version, fields) }).finish();

async function members(tenantId: string, rules: SegmentRules): Promise<string[]> {
  const where = rulesSql(rules);
  const rows = await projection.query(`SELECT person_id FROM audience WHERE tenant_id = ? AND ${where.sql} ORDER BY person_id`, [tenantId, ...where.params]);
  return rows.map((r) => String(r.person_id));
}

const everyone = { match: "all", conditions: [] } as const;

test("contacts take their account's industry, territory and name at query time; leads keep their own", async () => {
  await apply(["sales.account.created", account("t1", "a1", 1)], ["sales.contact.created", contact("t1", "c1", "a1", 1)], ["sales.lead.created", lead("t1", "l1", 1)]);
  const rows = await projection.query("SELECT person_id, kind, industry, territory, company, lifecycle_stage, email_domain FROM audience ORDER BY person_id");
  expect(rows).toEqual([
    { person_id: "c1", kind: "contact", industry: "Retail", territory: "North", company: "Acme", lifecycle_stage: "customer", email_domain: "acme.example" },
    { person_id: "l1", kind: "lead", industry: "Energy", territory: null, company: "Beta Ltd", lifecycle_stage: "new", email_domain: null },
  ]);
  // An account's change reaches its contacts at once.
  await apply(["sales.account.updated", account("t1", "a1", 2, { industry: "Banking" })]);
  expect(await members("t1", { match: "all", conditions: [{ field: "industry", operator: "equals", value: "banking" }] })).toEqual(["c1"]);
});

test("only a newer version applies; deleted leaves the audience and restored brings the person back", async () => {
  await apply(["sales.lead.created", lead("t1", "l1", 1)], ["sales.lead.updated", lead("t1", "l1", 3, { industry: "Mining" })]);
  await apply(["sales.lead.updated", lead("t1", "l1", 2, { industry: "Late" })]);
  expect(await members("t1", { match: "all", conditions: [{ field: "industry", operator: "equals", value: "Mining" }] })).toEqual(["l1"]);
  await apply(["sales.lead.deleted", lead("t1", "l1", 4, { industry: "Mining" })]);
  expect(await members("t1", everyone)).toEqual([]);
  // An older change arriving after the delete does not bring it back.
  await apply(["sales.lead.updated", lead("t1", "l1", 3, { industry: "Mining" })]);
  expect(await members("t1", everyone)).toEqual([]);
  await apply(["sales.lead.restored", lead("t1", "l1", 5, { industry: "Mining" })]);
  expect(await members("t1", everyone)).toEqual(["l1"]);
});

test("several changes of one person in a batch keep the newest", async () => {
  const awkward = `Second "quoted" 'single' \\ back, ünïcode, {"json": [1]}`;
  await apply(["sales.lead.updated", lead("t1", "l1", 2, { title: awkward })], ["sales.lead.created", lead("t1", "l1", 1, { title: "First" })]);
  expect(await projection.query("SELECT title, version, created_at FROM people")).toEqual([{ title: awkward, version: 2n, created_at: new Date("2026-03-01T00:00:00Z") }]);
});

test("a converted lead carries its status; Reporting's value joins on the contact's account", async () => {
  await apply(
    ["sales.account.created", account("t1", "a1", 1)],
    ["sales.contact.created", contact("t1", "c1", "a1", 1)],
    ["sales.lead.converted", LeadConverted.encode({ lead: leadOf("t1", "l1", 2, { status: LeadStatus.LEAD_STATUS_CONVERTED }), accountId: "a1", contactId: "c1", opportunityId: "o1" }).finish()],
    ["reporting.customer.value_changed", CustomerValueChanged.encode({ meta: { id: "e1", type: "reporting.customer.value_changed", tenantId: "t1", entityId: "a1", actorId: "", requestId: "", occurredAt: "2026-04-01T00:00:00Z" }, accountId: "a1", valueClass: "a", churnRisk: true, rfmClass: "champions" }).finish()],
  );
  expect(await members("t1", { match: "all", conditions: [{ field: "lifecycleStage", operator: "equals", value: "converted" }] })).toEqual(["l1"]);
  expect(await members("t1", { match: "all", conditions: [{ field: "churnRisk", operator: "equals", value: true }, { field: "valueClass", operator: "in", value: ["A", "b"] }] })).toEqual(["c1"]);
});

test("each operator over the catalogue's columns, all and any, and tenants apart", async () => {
  await apply(
    ["sales.account.created", account("t1", "a1", 1)],
    ["sales.contact.created", contact("t1", "c1", "a1", 1)],
    ["sales.contact.created", contact("t1", "c2", "a1", 1, "")],
    ["sales.lead.created", lead("t1", "l1", 1)],
    ["sales.lead.created", lead("t2", "l9", 1)],
  );
  const one = (field: string, operator: string, value?: unknown) => members("t1", { match: "all", conditions: [{ field, operator, value }] });
  expect(await one("kind", "equals", "lead")).toEqual(["l1"]);
  expect(await one("kind", "not_equals", "lead")).toEqual(["c1", "c2"]);
  expect(await one("territory", "not_equals", "North")).toEqual(["l1"]);
  expect(await one("company", "contains", "beta")).toEqual(["l1"]);
  expect(await one("industry", "in", ["energy", "retail"])).toEqual(["c1", "c2", "l1"]);
  expect(await one("email", "exists")).toEqual(["c1"]);
  expect(await one("email", "not_exists")).toEqual(["c2", "l1"]);
  expect(await one("phone", "exists")).toEqual(["l1"]);
  expect(await one("createdAt", "greater", "2026-02-01")).toEqual(["l1"]);
  expect(await one("createdAt", "less", "2026-02-01T00:00:00+01:00")).toEqual(["c1", "c2"]);
  expect(await one("updatedAt", "between", ["2026-01-01", "2026-01-31T23:59:59Z"])).toEqual(["c1", "c2"]);
  expect(await one("valueClass", "exists")).toEqual([]);
  expect(await members("t1", { match: "any", conditions: [{ field: "kind", operator: "equals", value: "lead" }, { field: "email", operator: "exists" }] })).toEqual(["c1", "l1"]);
  expect(await members("t1", { match: "all", conditions: [{ field: "kind", operator: "equals", value: "contact" }, { field: "email", operator: "exists" }] })).toEqual(["c1"]);
  expect(await members("t2", everyone)).toEqual(["l9"]);
});

test("values are bound, never spliced into the SQL", () => {
  const part = rulesSql({ match: "all", conditions: [{ field: "company", operator: "equals", value: "x'); DROP TABLE people; --" }] });
  expect(part.sql).toBe("(lower(company) = ?)");
  expect(part.params).toEqual(["x'); drop table people; --"]);
  expect(() => rulesSql({ match: "all", conditions: [{ field: "tenant_id", operator: "exists" }] })).toThrow(/not an attribute/);
});
