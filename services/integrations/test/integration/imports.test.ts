import { status as GrpcStatus } from "@grpc/grpc-js";
import { BulkObject, ImportMatchKey, ImportOperation, JobState } from "@relata/proto/integrations/v1/import";
import { ListContactsRequest } from "@relata/proto/sales/v1/contact";
import { ImportJobChanged } from "@relata/proto/events/v1/integrations";
import { localStack, readStreamMessages, testServerPort, type WorkloadProcess } from "@relata/testing";
import mongoose, { type Connection } from "mongoose";
import { rowRecordId } from "../../src/workflows/import-runner";
import {
  as,
  connectBus,
  contactCreatedEvents,
  eventually,
  failureOf,
  integrationsClientsAt,
  jobEnded,
  nextSalesSeq,
  resultsOf,
  runId,
  salesClientsAt,
  startIntegrations,
  startSales,
  testTenant,
  upload,
  type IntegrationsClients,
  type SalesClients,
} from "./import-support";

// Import jobs end to end: Sales and Integrations as processes on the stack's NATS and FerretDB,
// the jobs uploaded and run through Integrations' gRPC face as the gateway calls it.
jest.setTimeout(240_000);

const run = runId();
const salesPort = testServerPort(630);
const integrationsPort = testServerPort(631);
const integrationsDb = `relata_integrations_imptest_${run}`;
const durable = `integrations-imports-test-${run}`;

let sales: WorkloadProcess;
let integrations: WorkloadProcess | undefined;
let clients: IntegrationsClients;
let salesClients: SalesClients;
let salesDb: Connection;

async function startIntegrationsProcess(): Promise<void> {
  integrations = await startIntegrations({ port: integrationsPort, database: integrationsDb, sales: sales.address!, durable });
}

beforeAll(async () => {
  sales = await startSales(salesPort);
  await startIntegrationsProcess();
  clients = integrationsClientsAt(integrations!.address!);
  salesClients = salesClientsAt(sales.address!);
  salesDb = await mongoose.createConnection(`${localStack.ferretdbUri}/${sales.database}`).asPromise();
});

afterAll(async () => {
  clients?.close();
  salesClients?.close();
  await integrations?.stop();
  await sales?.stop();
  const bus = await connectBus(`imports-cleanup-${run}`);
  await bus.jsm.consumers.delete("INTEGRATIONS_WORK", durable).catch(() => undefined);
  await bus.close();
  await salesDb?.dropDatabase().catch(() => undefined);
  await salesDb?.close();
  const own = await mongoose.createConnection(`${localStack.ferretdbUri}/${integrationsDb}`).asPromise();
  await own.dropDatabase().catch(() => undefined);
  await own.close();
});

const contactsJob = (operation = ImportOperation.IMPORT_OPERATION_INSERT, matchKey = ImportMatchKey.IMPORT_MATCH_KEY_UNSPECIFIED, mapping: { column: string; field: string }[] = []) => ({
  object: BulkObject.BULK_OBJECT_CONTACTS,
  operation,
  matchKey,
  mapping,
  idempotencyKey: "",
});

describe("an import with bad rows", () => {
  it("writes the good rows and lists each bad line with its field in the results", async () => {
    const tenant = testTenant();
    const call = as(tenant);
    const job = await clients.imports.createImportJob(
      contactsJob(ImportOperation.IMPORT_OPERATION_INSERT, ImportMatchKey.IMPORT_MATCH_KEY_UNSPECIFIED, [
        { column: "Surname", field: "lastName" },
        { column: "Mail", field: "email" },
        { column: "Role", field: "title" },
        { column: "Account", field: "accountId" },
      ]),
      call,
    );
    expect(job.state).toBe(JobState.JOB_STATE_OPEN);
    const csv = [
      "\uFEFFSurname,Mail,Role,Account,Ignored",
      "Lovelace,ada@example.com,Countess,,x",
      "Hopper,not-an-email,,,",
      '"",nobody@example.com,"a title',
      'over two lines",,',
      "Turing,alan@example.com,,00000000-0000-4000-8000-00000000dead,",
      "Hamilton,margaret@example.com,,,",
      "",
    ].join("\r\n");
    await upload(clients, call, job.id, csv);
    const queued = await clients.imports.completeImportUpload({ id: job.id }, call);
    expect(queued.state).toBe(JobState.JOB_STATE_QUEUED);

    const done = await jobEnded(clients, call, job.id);
    expect(done).toMatchObject({ state: JobState.JOB_STATE_COMPLETED, rowsProcessed: "5", rowsSucceeded: "2", rowsFailed: "3", rowsCreated: "2", rowsUpdated: "0", error: "" });
    expect(done.startedAt).toBeDefined();
    expect(done.completedAt).toBeDefined();

    const results = await resultsOf(clients, call, job.id);
    expect(results.map(([line, field]) => [line, field])).toEqual([
      [3, "email"],
      [4, "lastName"],
      [6, "accountId"],
    ]);
    expect(results[0]![2]).toMatch(/email/);

    const contacts = await salesClients.contacts.listContacts(ListContactsRequest.fromPartial({ page: { pageSize: 50, cursor: "", sort: "lastName" } }), call);
    expect(contacts.contacts.map((c) => [c.lastName, c.email, c.title])).toEqual([
      ["Hamilton", "margaret@example.com", ""],
      ["Lovelace", "ada@example.com", "Countess"],
    ]);
    expect(contacts.contacts.map((c) => c.id).sort()).toEqual([rowRecordId(job.id, 2), rowRecordId(job.id, 7)].sort());
  });

  it("fails the job as a whole on a header column that is no field, naming it", async () => {
    const tenant = testTenant();
    const call = as(tenant);
    const job = await clients.imports.createImportJob(contactsJob(), call);
    await upload(clients, call, job.id, "lastName,nickname\nLovelace,Ada\n");
    await clients.imports.completeImportUpload({ id: job.id }, call);
    const done = await jobEnded(clients, call, job.id);
    expect(done.state).toBe(JobState.JOB_STATE_FAILED);
    expect(done.error).toMatch(/column "nickname"/);
  });
});

describe("an upsert by email", () => {
  it("updates the contact an email matches instead of creating another", async () => {
    const tenant = testTenant();
    const call = as(tenant);
    const first = await clients.imports.createImportJob(contactsJob(), call);
    await upload(clients, call, first.id, "lastName,email,title\nLovelace,ada@example.com,Countess\nHopper,grace@example.com,Rear Admiral\n");
    await clients.imports.completeImportUpload({ id: first.id }, call);
    expect((await jobEnded(clients, call, first.id)).rowsCreated).toBe("2");

    const upsert = await clients.imports.createImportJob(contactsJob(ImportOperation.IMPORT_OPERATION_UPSERT, ImportMatchKey.IMPORT_MATCH_KEY_EMAIL), call);
    await upload(clients, call, upsert.id, "lastName,email,title\nLovelace,ADA@example.com,Mathematician\nTuring,alan@example.com,\nHopper,grace@example.com,Rear Admiral\n");
    await clients.imports.completeImportUpload({ id: upsert.id }, call);
    const done = await jobEnded(clients, call, upsert.id);
    expect(done).toMatchObject({ state: JobState.JOB_STATE_COMPLETED, rowsProcessed: "3", rowsSucceeded: "3", rowsCreated: "1", rowsUpdated: "1", rowsFailed: "0" });

    const contacts = await salesClients.contacts.listContacts(ListContactsRequest.fromPartial({ page: { pageSize: 50, cursor: "", sort: "lastName" } }), call);
    expect(contacts.contacts.map((c) => [c.lastName, c.email, c.title])).toEqual([
      ["Hopper", "grace@example.com", "Rear Admiral"],
      ["Lovelace", "ada@example.com", "Mathematician"],
      ["Turing", "alan@example.com", ""],
    ]);
    expect(contacts.contacts.find((c) => c.lastName === "Lovelace")!.id).toBe(rowRecordId(first.id, 2));
  });
});

describe("another tenant", () => {
  it("can neither read, upload to, complete nor read the results of the job", async () => {
    const owner = as(testTenant());
    const other = as(testTenant());
    const job = await clients.imports.createImportJob(contactsJob(), owner);
    expect((await failureOf(clients.imports.getImportJob({ id: job.id }, other))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await failureOf(clients.imports.appendImportData({ id: job.id, offset: "0", data: Buffer.from("lastName\nX\n") }, other))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await failureOf(clients.imports.completeImportUpload({ id: job.id }, other))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await failureOf(clients.imports.abortImportJob({ id: job.id }, other))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await failureOf(resultsOf(clients, other, job.id))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await clients.imports.listImportJobs({ state: JobState.JOB_STATE_UNSPECIFIED }, other)).jobs).toEqual([]);
    // The owner's job took nothing.
    expect((await clients.imports.getImportJob({ id: job.id }, owner)).bytesUploaded).toBe("0");
  });
});

describe("uploading in parts", () => {
  it("takes a part sent again once, refuses a part beyond the end (409) and data after completion", async () => {
    const call = as(testTenant());
    const job = await clients.imports.createImportJob(contactsJob(), call);
    const a = Buffer.from("lastName\nLovelace\n");
    const b = Buffer.from("Hopper\n");
    await clients.imports.appendImportData({ id: job.id, offset: "0", data: a }, call);
    expect((await clients.imports.appendImportData({ id: job.id, offset: "0", data: a }, call)).bytesUploaded).toBe(String(a.length));
    const gap = await failureOf(clients.imports.appendImportData({ id: job.id, offset: String(a.length + 5), data: b }, call));
    expect(gap).toMatchObject({ code: GrpcStatus.ABORTED, field: "offset" });
    await clients.imports.appendImportData({ id: job.id, offset: String(a.length), data: b }, call);
    await clients.imports.completeImportUpload({ id: job.id }, call);
    const late = await failureOf(clients.imports.appendImportData({ id: job.id, offset: String(a.length + b.length), data: b }, call));
    expect(late).toMatchObject({ code: GrpcStatus.ABORTED, field: "state" });
    expect((await jobEnded(clients, call, job.id)).rowsCreated).toBe("2");
  });
});

describe("the end of a job", () => {
  it("announces completion and abort on the INTEGRATIONS stream, and an ended job takes no more moves", async () => {
    const call = as(testTenant());
    const bus = await connectBus(`imports-events-${run}`);
    try {
      const fromSeq = (await bus.jsm.streams.info("INTEGRATIONS")).state.last_seq + 1;
      const done = await clients.imports.createImportJob(contactsJob(), call);
      await upload(clients, call, done.id, "lastName\nLovelace\n");
      await clients.imports.completeImportUpload({ id: done.id }, call);
      expect((await jobEnded(clients, call, done.id)).state).toBe(JobState.JOB_STATE_COMPLETED);
      expect((await failureOf(clients.imports.abortImportJob({ id: done.id }, call))).code).toBe(GrpcStatus.ABORTED);

      const aborted = await clients.imports.createImportJob(contactsJob(), call);
      await upload(clients, call, aborted.id, "lastName\nHopper\n");
      expect((await clients.imports.abortImportJob({ id: aborted.id }, call)).state).toBe(JobState.JOB_STATE_ABORTED);
      expect((await failureOf(clients.imports.completeImportUpload({ id: aborted.id }, call))).code).toBe(GrpcStatus.ABORTED);

      const events = await eventually(
        () => readStreamMessages(bus, "INTEGRATIONS", fromSeq, ["integrations.import.completed", "integrations.import.aborted"]),
        (m) => m.length >= 2,
        "the jobs' events",
      );
      const byJob = events.map((m) => [m.subject, ImportJobChanged.decode(m.data).job!.id, ImportJobChanged.decode(m.data).job!.rowsCreated]);
      expect(byJob).toEqual(
        expect.arrayContaining([
          ["integrations.import.completed", done.id, "1"],
          ["integrations.import.aborted", aborted.id, "0"],
        ]),
      );
    } finally {
      await bus.close();
    }
  });
});

describe("a job killed midway", () => {
  it("resumes after its last checkpoint when the process comes back, creating each row once", async () => {
    const tenant = testTenant("crash");
    const call = as(tenant);
    // Ten checkpoints (batches of 1,000): the kill lands after the first.
    const rows = 10_000;
    const fromSeq = await nextSalesSeq();
    const job = await clients.imports.createImportJob(contactsJob(), call);
    const lines = ["lastName,firstName,email,title"];
    for (let i = 0; i < rows; i++) lines.push(`Person${i},"First ${i}",person${i}@example.com,"Title, ${i % 13}"`);
    await upload(clients, call, job.id, lines.join("\n") + "\n");
    await clients.imports.completeImportUpload({ id: job.id }, call);

    // Killed once the first checkpoint is written, before the job is done.
    const midway = await eventually(
      () => clients.imports.getImportJob({ id: job.id }, call),
      (j) => Number(j.rowsProcessed) > 0,
      "the first checkpoint",
      60_000,
    );
    await integrations!.kill();
    expect(midway.state).toBe(JobState.JOB_STATE_IN_PROGRESS);
    expect(Number(midway.rowsProcessed)).toBeLessThan(rows);

    await startIntegrationsProcess();
    clients.close();
    clients = integrationsClientsAt(integrations!.address!);
    const done = await jobEnded(clients, call, job.id, 180_000);
    expect(done).toMatchObject({ state: JobState.JOB_STATE_COMPLETED, rowsProcessed: String(rows), rowsSucceeded: String(rows), rowsCreated: String(rows), rowsFailed: "0" });

    // Each row's contact exists once, under the id its line gives.
    const ids = (await salesDb.collection("contacts").find({ tenantId: tenant }, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id));
    expect(ids).toHaveLength(rows);
    const expected = new Set(Array.from({ length: rows }, (_, i) => rowRecordId(job.id, i + 2)));
    expect(ids.every((id) => expected.has(id))).toBe(true);
    // And was announced once.
    // Sales' relay publishes them from the contacts' outboxes, at its own pace.
    const events = await eventually(() => contactCreatedEvents(tenant, fromSeq), (e) => e.size >= rows, "the contacts' created events", 180_000);
    expect(events.size).toBe(rows);
    expect([...events.values()].every((n) => n === 1)).toBe(true);
  });
});
