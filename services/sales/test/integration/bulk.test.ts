import mongoose from "mongoose";
import { status } from "@grpc/grpc-js";
import type { EventBus } from "@relata/platform";
import { AccountChanged, ContactChanged, OpportunityChanged } from "@relata/proto/events/v1/sales";
import { CreateAccountRequest } from "@relata/proto/sales/v1/account";
import {
  BulkMatchKey,
  BulkOperation,
  BulkRowOutcome,
  type BulkRowResult,
  type ContactRow,
  type ExportContactsChunk,
  WriteAccountsRequest,
  WriteContactsRequest,
  WriteLeadsRequest,
} from "@relata/proto/sales/v1/bulk";
import { CreateContactRequest, ListContactsRequest } from "@relata/proto/sales/v1/contact";
import { LeadSource } from "@relata/proto/sales/v1/lead";
import { CreateOpportunityRequest } from "@relata/proto/sales/v1/opportunity";
import { CreateTerritoryRequest } from "@relata/proto/sales/v1/territory";
import { identity as identityWithRoles, testServerPort } from "@relata/testing";
import {
  connectBus,
  eventually,
  failureOf,
  identity,
  mongoBase,
  nextSequence,
  readStream,
  runId,
  salesClientsAt,
  startSalesProcess,
  type SalesClients,
  type SalesProcess,
} from "./support";

jest.setTimeout(180_000);

const run = runId();
const database = `relata_sales_bulk_it_${run}`;
const port = testServerPort(10); // Sales bulk: offsets 10-19

let service: SalesProcess;
let clients: SalesClients;
let bus: EventBus;
const tenantA = `bulk-a-${run}`;
const tenantB = `bulk-b-${run}`;
const as = (tenant: string, subject = "importer") => ({ identity: identity(tenant, subject) });

const { CREATED, UPDATED, UNCHANGED, FAILED } = {
  CREATED: BulkRowOutcome.BULK_ROW_OUTCOME_CREATED,
  UPDATED: BulkRowOutcome.BULK_ROW_OUTCOME_UPDATED,
  UNCHANGED: BulkRowOutcome.BULK_ROW_OUTCOME_UNCHANGED,
  FAILED: BulkRowOutcome.BULK_ROW_OUTCOME_FAILED,
};
const insert = { operation: BulkOperation.BULK_OPERATION_INSERT, matchKey: BulkMatchKey.BULK_MATCH_KEY_UNSPECIFIED };
const upsertByEmail = { operation: BulkOperation.BULK_OPERATION_UPSERT, matchKey: BulkMatchKey.BULK_MATCH_KEY_EMAIL };

/** A contact row: its id derived from the job and line, as Integrations derives it. */
const row = (job: string, line: number, record: Partial<CreateContactRequest>): ContactRow => ({
  line: String(line),
  id: `${job}-${line}`,
  record: CreateContactRequest.fromPartial(record),
});
const outcomes = (results: BulkRowResult[]) => results.map((r) => [Number(r.line), r.outcome, r.id, r.errors.map((e) => `${e.field}: ${e.reason}`)]);

/** A territory taking accounts and leads in Poland, owned by rep-pl unless their owner is a member. */
const createPolandTerritory = (tenant: string, code: string) =>
  clients.territories.createTerritory(
    CreateTerritoryRequest.fromPartial({
      code,
      name: "Poland",
      memberIds: { values: ["rep-pl"] },
      defaultOwnerId: "rep-pl",
      rules: { values: [{ countries: ["PL"], regions: [], industries: [], minEmployees: 0, maxEmployees: 0, appliesTo: "both" }] },
    }),
    { identity: identityWithRoles(tenant, "manager", ["sales-manager"]) },
  );

beforeAll(async () => {
  bus = await connectBus("sales-it-bulk");
  service = await startSalesProcess({ grpcPort: port, database, env: { LOG_LEVEL: process.env.BULK_LOG_LEVEL ?? "info" }, echo: Boolean(process.env.BULK_LOG_LEVEL) });
  clients = salesClientsAt(service.address, 120_000);
});

afterAll(async () => {
  clients?.close();
  await service?.stop();
  await bus?.close();
  const db = await mongoose.createConnection(`${mongoBase}/${database}`).asPromise();
  await db.dropDatabase().catch(() => undefined);
  await db.close();
});

describe("the request", () => {
  it("is checked at the boundary: operation, match key per resource, at most 2,000 rows, record ids, positive lines", async () => {
    const rows = [row(`req-${run}`, 1, { lastName: "A" })];
    expect(await failureOf(clients.bulk.writeContacts(WriteContactsRequest.fromPartial({ rows }), as(tenantA)))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "options.operation",
    });
    const byEmail = WriteAccountsRequest.fromPartial({ options: upsertByEmail, rows: [{ line: "1", id: `acc-${run}`, record: CreateAccountRequest.fromPartial({ name: "A" }) }] });
    expect(await failureOf(clients.bulk.writeAccounts(byEmail, as(tenantA)))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "options.match_key" });
    const noKey = WriteContactsRequest.fromPartial({ options: { operation: BulkOperation.BULK_OPERATION_UPSERT }, rows });
    expect(await failureOf(clients.bulk.writeContacts(noKey, as(tenantA)))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "options.match_key" });
    const tooMany = WriteContactsRequest.fromPartial({ options: insert, rows: Array.from({ length: 2001 }, (_, i) => row(`many-${run}`, i + 1, { lastName: "A" })) });
    expect(await failureOf(clients.bulk.writeContacts(tooMany, as(tenantA)))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "rows" });
    const badId = WriteContactsRequest.fromPartial({ options: insert, rows: [{ ...rows[0]!, id: "not an id!" }] });
    expect(await failureOf(clients.bulk.writeContacts(badId, as(tenantA)))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "rows.0.id" });
    const badLine = WriteContactsRequest.fromPartial({ options: insert, rows: [{ ...rows[0]!, line: "0" }] });
    expect(await failureOf(clients.bulk.writeContacts(badLine, as(tenantA)))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "rows.0.line" });
  });
});

describe("an insert batch", () => {
  it("writes the valid rows and fails the others by line, field and reason; sent again it creates nothing twice and publishes each created event once", async () => {
    const job = `ins-${run}`;
    const fromSeq = await nextSequence(bus);
    const batch = WriteContactsRequest.fromPartial({
      options: insert,
      rows: [
        row(job, 2, { firstName: "Ada", lastName: "Lovelace", email: "Ada@Example.com" }),
        row(job, 3, { firstName: "Nameless", email: "not-an-email" }),
        row(job, 4, { lastName: "Hopper", phone: "12" }),
        row(job, 5, { lastName: "Turing", title: "Mathematician" }),
      ],
    });
    const first = await clients.bulk.writeContacts(batch, as(tenantA));
    expect(outcomes(first.results)).toEqual([
      [2, CREATED, `${job}-2`, []],
      [3, FAILED, "", ["lastName: is required", "email: must be an email address"]],
      [4, FAILED, "", ["phone: must be a phone number"]],
      [5, CREATED, `${job}-5`, []],
    ]);
    const again = await clients.bulk.writeContacts(batch, as(tenantA));
    expect(outcomes(again.results)).toEqual(outcomes(first.results));

    const ada = await clients.contacts.getContact({ id: `${job}-2` }, as(tenantA));
    // Checked and stored as a create keeps it: the email lower-cased, owned by the caller.
    expect(ada).toMatchObject({ tenantId: tenantA, lastName: "Lovelace", email: "ada@example.com", ownerId: "importer", version: "1" });
    const listed = await clients.contacts.listContacts(ListContactsRequest.fromPartial({ page: { pageSize: 50 } }), as(tenantA));
    expect(listed.contacts.filter((c) => c.id.startsWith(`${job}-`)).map((c) => c.id).sort()).toEqual([`${job}-2`, `${job}-5`]);

    const created = async () =>
      (await readStream(bus, fromSeq, "sales.contact.created", (d) => ContactChanged.decode(d).meta)).filter((m) => m.meta.entityId.startsWith(`${job}-`));
    await eventually(created, (events) => events.length >= 2, "the created events of the batch");
    const byEntity = (await created()).map((m) => m.meta.entityId).sort();
    expect(byEntity).toEqual([`${job}-2`, `${job}-5`]);
  });

  it("fails a row naming another tenant's account on accountId, and one whose id another tenant holds, leaving that record alone", async () => {
    const theirs = await clients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: "Globex" }), as(tenantB));
    const ours = await clients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: "Acme" }), as(tenantA));
    const taken = await clients.contacts.createContact(CreateContactRequest.fromPartial({ lastName: "Theirs" }), as(tenantB));
    const job = `ref-${run}`;
    const result = await clients.bulk.writeContacts(
      WriteContactsRequest.fromPartial({
        options: insert,
        rows: [
          row(job, 1, { lastName: "Mine", accountId: ours.id }),
          row(job, 2, { lastName: "Elsewhere", accountId: theirs.id }),
          { line: "3", id: taken.id, record: CreateContactRequest.fromPartial({ lastName: "Hijack" }) },
          row(job, 4, { lastName: "Nowhere", accountId: `missing-${run}` }),
        ],
      }),
      as(tenantA),
    );
    expect(outcomes(result.results)).toEqual([
      [1, CREATED, `${job}-1`, []],
      [2, FAILED, "", [`accountId: no account with id ${theirs.id}`]],
      [3, FAILED, "", [`id: is taken by another record: ${taken.id}`]],
      [4, FAILED, "", [`accountId: no account with id missing-${run}`]],
    ]);
    expect(await clients.contacts.getContact({ id: `${job}-1` }, as(tenantA))).toMatchObject({ accountId: ours.id });
    expect(await clients.contacts.getContact({ id: taken.id }, as(tenantB))).toMatchObject({ tenantId: tenantB, lastName: "Theirs", version: "1" });
    expect(await failureOf(clients.contacts.getContact({ id: taken.id }, as(tenantA)))).toMatchObject({ code: status.NOT_FOUND });
  });
});

describe("an upsert batch", () => {
  it("matched by email updates instead of duplicating, with the row's non-empty values only; an identical row is UNCHANGED", async () => {
    const email = `grace-${run}@example.com`;
    const existing = await clients.contacts.createContact(CreateContactRequest.fromPartial({ firstName: "Grace", lastName: "Hopper", email, title: "Rear Admiral" }), as(tenantA));
    const fromSeq = await nextSequence(bus);
    const job = `ups-${run}`;
    const result = await clients.bulk.writeContacts(
      WriteContactsRequest.fromPartial({
        options: upsertByEmail,
        rows: [
          // No first name and no title: both stay as they are.
          row(job, 1, { lastName: "Hopper", email: email.toUpperCase(), phone: "+1 555 0100" }),
          row(job, 2, { lastName: "New", email: `new-${run}@example.com` }),
          row(job, 3, { lastName: "Keyless" }),
        ],
      }),
      as(tenantA),
    );
    expect(outcomes(result.results)).toEqual([
      [1, UPDATED, existing.id, []],
      [2, CREATED, `${job}-2`, []],
      [3, FAILED, "", ["email: is required to match a record by email"]],
    ]);
    const updated = await clients.contacts.getContact({ id: existing.id }, as(tenantA));
    expect(updated).toMatchObject({ firstName: "Grace", lastName: "Hopper", title: "Rear Admiral", phone: "+1 555 0100", version: "2" });
    const same = await clients.contacts.listContacts(ListContactsRequest.fromPartial({ email }), as(tenantA));
    expect(same.contacts.map((c) => c.id)).toEqual([existing.id]);

    const identical = await clients.bulk.writeContacts(
      WriteContactsRequest.fromPartial({ options: upsertByEmail, rows: [row(`${job}-again`, 1, { lastName: "Hopper", email, phone: "+1 555 0100" })] }),
      as(tenantA),
    );
    expect(outcomes(identical.results)).toEqual([[1, UNCHANGED, existing.id, []]]);
    expect(await clients.contacts.getContact({ id: existing.id }, as(tenantA))).toMatchObject({ version: "2" });

    const updatedEvents = async () =>
      (await readStream(bus, fromSeq, "sales.contact.updated", (d) => ContactChanged.decode(d).meta)).filter((m) => m.meta.entityId === existing.id);
    await eventually(updatedEvents, (events) => events.length >= 1, "the contact's updated event");
    expect(await updatedEvents()).toHaveLength(1);
  });

  it("two rows with one key: the second changes what the first created; a key matching two records fails naming it", async () => {
    const job = `dup-${run}`;
    const twice = `twice-${run}@example.com`;
    const shared = `shared-${run}@example.com`;
    for (const name of ["One", "Two"]) await clients.contacts.createContact(CreateContactRequest.fromPartial({ lastName: name, email: shared }), as(tenantA));
    const result = await clients.bulk.writeContacts(
      WriteContactsRequest.fromPartial({
        options: upsertByEmail,
        rows: [
          row(job, 1, { lastName: "First", email: twice, title: "Engineer" }),
          row(job, 2, { lastName: "Second", email: twice }),
          row(job, 3, { lastName: "Second", email: twice }),
          row(job, 4, { lastName: "Ambiguous", email: shared }),
        ],
      }),
      as(tenantA),
    );
    expect(outcomes(result.results)).toEqual([
      [1, CREATED, `${job}-1`, []],
      [2, UPDATED, `${job}-1`, []],
      [3, UNCHANGED, `${job}-1`, []],
      [4, FAILED, "", ["email: matches 2 records"]],
    ]);
    expect(await clients.contacts.getContact({ id: `${job}-1` }, as(tenantA))).toMatchObject({ lastName: "Second", title: "Engineer", email: twice, version: "1" });
    expect((await clients.contacts.listContacts(ListContactsRequest.fromPartial({ email: twice }), as(tenantA))).contacts).toHaveLength(1);
  });

  it("matches leads by external id and accounts by external id, each in its own tenant", async () => {
    const upsertByExternalId = { operation: BulkOperation.BULK_OPERATION_UPSERT, matchKey: BulkMatchKey.BULK_MATCH_KEY_EXTERNAL_ID };
    const job = `ext-${run}`;
    const lead = (line: number, company: string) => ({ line: String(line), id: `${job}-${line}`, record: { lastName: "Lead", company, externalId: `crm-${run}` } });
    const firstLeads = await clients.bulk.writeLeads(WriteLeadsRequest.fromPartial({ options: upsertByExternalId, rows: [lead(1, "Initech")] }), as(tenantA));
    expect(outcomes(firstLeads.results)).toEqual([[1, CREATED, `${job}-1`, []]]);
    // An imported lead says so, and is new.
    expect(await clients.leads.getLead({ id: `${job}-1` }, as(tenantA))).toMatchObject({ source: LeadSource.LEAD_SOURCE_IMPORT, externalId: `crm-${run}`, ownerId: "importer" });
    const other = await clients.bulk.writeLeads(WriteLeadsRequest.fromPartial({ options: upsertByExternalId, rows: [lead(2, "Other")] }), as(tenantB));
    expect(outcomes(other.results)).toEqual([[2, CREATED, `${job}-2`, []]]);
    const second = await clients.bulk.writeLeads(WriteLeadsRequest.fromPartial({ options: upsertByExternalId, rows: [lead(3, "Initrode")] }), as(tenantA));
    expect(outcomes(second.results)).toEqual([[3, UPDATED, `${job}-1`, []]]);
    expect(await clients.leads.getLead({ id: `${job}-1` }, as(tenantA))).toMatchObject({ company: "Initrode", version: "2" });

    const accounts = await clients.bulk.writeAccounts(
      WriteAccountsRequest.fromPartial({
        options: upsertByExternalId,
        rows: [
          { line: "1", id: `${job}-acc-1`, record: { name: "Parent", externalId: `p-${run}` } },
          { line: "2", id: `${job}-acc-2`, record: { name: "Child", externalId: `c-${run}`, parentAccountId: `${job}-acc-1` } },
          { line: "3", id: `${job}-acc-3`, record: { name: "Selfish", externalId: `s-${run}`, parentAccountId: `${job}-acc-3` } },
        ],
      }),
      as(tenantA),
    );
    expect(outcomes(accounts.results)).toEqual([
      [1, CREATED, `${job}-acc-1`, []],
      [2, CREATED, `${job}-acc-2`, []],
      [3, FAILED, "", ["parentAccountId: an account cannot be its own parent"]],
    ]);
  });
  it("places new accounts and leads in their territory by its rules, as their creates do (docs/territories.md)", async () => {
    const tenant = `bulk-c-${run}`;
    const job = `terr-${run}`;
    const code = `PL-${run}`;
    await createPolandTerritory(tenant, code);
    const accounts = await clients.bulk.writeAccounts(
      WriteAccountsRequest.fromPartial({
        options: insert,
        rows: [
          { line: "1", id: `${job}-1`, record: { name: "Warszawa SA", country: "PL" } },
          { line: "2", id: `${job}-2`, record: { name: "Berlin GmbH", country: "DE" } },
          { line: "3", id: `${job}-3`, record: { name: "Kraków SA", country: "PL", territory: "named-by-hand" } },
        ],
      }),
      as(tenant),
    );
    expect(outcomes(accounts.results).map(([line, outcome]) => [line, outcome])).toEqual([[1, CREATED], [2, CREATED], [3, CREATED]]);
    const placed = await Promise.all([1, 2, 3].map((n) => clients.accounts.getAccount({ id: `${job}-${n}` }, as(tenant))));
    // Matched: the territory's code and, the importer not being a member, its default owner; no match or a named territory: as written.
    expect(placed.map((a) => [a.territory, a.ownerId])).toEqual([[code, "rep-pl"], ["", "importer"], ["named-by-hand", "importer"]]);

    const leads = await clients.bulk.writeLeads(
      WriteLeadsRequest.fromPartial({ options: insert, rows: [{ line: "1", id: `${job}-lead-1`, record: { lastName: "Nowak", company: "Gdańsk Sp. z o.o.", country: "PL" } }] }),
      as(tenant),
    );
    expect(outcomes(leads.results)).toEqual([[1, CREATED, `${job}-lead-1`, []]]);
    expect(await clients.leads.getLead({ id: `${job}-lead-1` }, as(tenant))).toMatchObject({ territory: code, ownerId: "rep-pl" });
  });

  it("places again the accounts and leads an upsert moves to another country, as their updates do; the account's open opportunities follow its owner", async () => {
    const tenant = `bulk-d-${run}`;
    const job = `reterr-${run}`;
    const code = `PL-${run}`;
    const upsertByExternalId = { operation: BulkOperation.BULK_OPERATION_UPSERT, matchKey: BulkMatchKey.BULK_MATCH_KEY_EXTERNAL_ID };
    await createPolandTerritory(tenant, code);
    const accountRows = (countries: string[]) =>
      countries.map((country, i) => ({ line: String(i + 1), id: `${job}-${i + 1}`, record: { name: `Firma ${i + 1}`, externalId: `ext-${i + 1}`, country } }));
    await clients.bulk.writeAccounts(WriteAccountsRequest.fromPartial({ options: insert, rows: accountRows(["DE", "DE", "FR"]) }), as(tenant));
    const opportunity = await clients.opportunities.createOpportunity(
      CreateOpportunityRequest.fromPartial({ accountId: `${job}-1`, name: "Moves with it", amount: { amount: "1000.00", currency: "EUR" }, expectedCloseDate: "2026-12-31", ownerId: "importer" }),
      as(tenant),
    );
    const fromSeq = await nextSequence(bus);

    // Account 1 and 2 move to Poland, account 3 to Spain (no territory of it: it stays where it is).
    const upserted = await clients.bulk.writeAccounts(WriteAccountsRequest.fromPartial({ options: upsertByExternalId, rows: accountRows(["PL", "PL", "ES"]) }), as(tenant));
    expect(outcomes(upserted.results).map(([line, outcome]) => [line, outcome])).toEqual([[1, UPDATED], [2, UPDATED], [3, UPDATED]]);
    const accounts = await Promise.all([1, 2, 3].map((n) => clients.accounts.getAccount({ id: `${job}-${n}` }, as(tenant))));
    expect(accounts.map((a) => [a.country, a.territory, a.ownerId])).toEqual([
      ["PL", code, "rep-pl"],
      ["PL", code, "rep-pl"],
      ["ES", "", "importer"],
    ]);
    expect(await clients.opportunities.getOpportunity({ id: opportunity.id }, as(tenant))).toMatchObject({ ownerId: "rep-pl" });
    // Each write with its updated event: the three accounts and the opportunity.
    const updatedEvents = async () =>
      [
        ...(await readStream(bus, fromSeq, "sales.account.updated", (d) => AccountChanged.decode(d).meta)),
        ...(await readStream(bus, fromSeq, "sales.opportunity.updated", (d) => OpportunityChanged.decode(d).meta)),
      ]
        .map((m) => m.meta.entityId)
        .filter((id) => id.startsWith(`${job}-`) || id === opportunity.id)
        .sort();
    await eventually(updatedEvents, (ids) => ids.length >= 4, "the updated events");
    expect(await updatedEvents()).toEqual([`${job}-1`, `${job}-2`, `${job}-3`, opportunity.id].sort());

    await clients.bulk.writeLeads(
      WriteLeadsRequest.fromPartial({ options: insert, rows: [{ line: "1", id: `${job}-lead-1`, record: { lastName: "Nowak", externalId: "lead-ext-1", country: "DE" } }] }),
      as(tenant),
    );
    await clients.bulk.writeLeads(
      WriteLeadsRequest.fromPartial({ options: upsertByExternalId, rows: [{ line: "1", id: `${job}-lead-1b`, record: { lastName: "Nowak", externalId: "lead-ext-1", country: "PL" } }] }),
      as(tenant),
    );
    expect(await clients.leads.getLead({ id: `${job}-lead-1` }, as(tenant))).toMatchObject({ country: "PL", territory: code, ownerId: "rep-pl" });
  });
});

describe("an export", () => {
  it("streams exactly the tenant's live records the filters select, in chunks of 500", async () => {
    const job = `exp-${run}`;
    const owner = `exporter-${run}`;
    const rows = Array.from({ length: 1100 }, (_, i) => row(job, i + 1, { lastName: `Row ${i + 1}`, ownerId: i < 1050 ? owner : "someone-else" }));
    const written = await clients.bulk.writeContacts(WriteContactsRequest.fromPartial({ options: insert, rows }), as(tenantA));
    expect(written.results.every((r) => r.outcome === CREATED)).toBe(true);
    // Another tenant's contacts of the same owner id, and a deleted one, are never exported.
    await clients.bulk.writeContacts(WriteContactsRequest.fromPartial({ options: insert, rows: [row(`${job}-b`, 1, { lastName: "Theirs", ownerId: owner })] }), as(tenantB));
    await clients.contacts.deleteContact({ id: `${job}-7`, expectedVersion: "0" }, as(tenantA));

    const chunks: ExportContactsChunk[] = [];
    for await (const chunk of clients.bulk.exportContacts({ filters: ListContactsRequest.fromPartial({ ownerId: owner, page: { pageSize: 5 } }) }, as(tenantA))) {
      chunks.push(chunk);
    }
    expect(chunks.map((c) => c.contacts.length)).toEqual([500, 500, 49]);
    const ids = chunks.flatMap((c) => c.contacts.map((x) => x.id));
    const expected = Array.from({ length: 1050 }, (_, i) => `${job}-${i + 1}`).filter((id) => id !== `${job}-7`);
    expect(ids.sort()).toEqual(expected.sort());
    expect(chunks.every((c) => c.contacts.every((x) => x.tenantId === tenantA && x.ownerId === owner))).toBe(true);
  });
});

describe("a batch of 1,000 contacts", () => {
  // Throughput is measured, not asserted (a shared machine): the figures go to the log.
  // Updates are FerretDB's slow step: one conditional single-document update per matched record.
  const UPSERTED = 1000;
  it("inserts 1,000 rows, then upserts some of them by email (each changed), in one call each", async () => {
    const job = `thr-${run}`;
    const rows = (title: string) =>
      Array.from({ length: 1000 }, (_, i) => row(job, i + 1, { firstName: "Bulk", lastName: `Row ${i + 1}`, email: `row${i + 1}-${run}@example.com`, title }));
    const timed = async (label: string, request: WriteContactsRequest) => {
      const started = process.hrtime.bigint();
      const response = await clients.bulk.writeContacts(request, as(tenantB));
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const n = request.rows.length;
      process.stdout.write(`[bulk] WriteContacts ${label} of ${n} rows: ${ms.toFixed(0)} ms (${Math.round(n / (ms / 1000))} rows/s)\n`);
      return response;
    };
    const inserted = await timed("insert", WriteContactsRequest.fromPartial({ options: insert, rows: rows("Engineer") }));
    expect(inserted.results.filter((r) => r.outcome === CREATED)).toHaveLength(1000);
    const upserted = await timed("upsert by email", WriteContactsRequest.fromPartial({ options: upsertByEmail, rows: rows("Manager").slice(0, UPSERTED) }));
    expect(upserted.results.filter((r) => r.outcome === UPDATED)).toHaveLength(UPSERTED);
    expect(await clients.contacts.getContact({ id: `${job}-50` }, as(tenantB))).toMatchObject({ title: "Manager", version: "2" });
  });
});
