import { status } from "@grpc/grpc-js";
import { ExportJobChanged } from "@relata/proto/events/v1/integrations";
import { BulkObject, JobState } from "@relata/proto/integrations/v1/import";
import { dropDatabase, testServerPort, type WorkloadProcess } from "@relata/testing";
import { randomUUID } from "node:crypto";
import { exportColumns } from "../../src/domain/export";
import { INTEGRATIONS_STREAM } from "../../src/events/stream";
import {
  as,
  connectBus,
  download,
  eventually,
  failureOf,
  integrationsClientsAt,
  nextSequence,
  parseCsv,
  readStreamMessages,
  salesClientsAt,
  startIntegrations,
  startSales,
  type IntegrationsTestClients,
  type SalesTestClients,
} from "./export-support";
import type { EventBus } from "@relata/platform";

const salesPort = testServerPort(661);
let sales: WorkloadProcess | undefined;
let integrations: WorkloadProcess;
let exportsApi: IntegrationsTestClients;
let salesApi: SalesTestClients;
let bus: EventBus;
let fromSeq: number;

const tenant = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;
const acme = tenant("acme");
const globex = tenant("globex");
const waiting = tenant("early");

beforeAll(async () => {
  bus = await connectBus("exports-test");
  fromSeq = await nextSequence(bus, INTEGRATIONS_STREAM.name);
  // Sales is started by the first test: a job created before it is up waits for it.
  integrations = await startIntegrations(testServerPort(660), `127.0.0.1:${salesPort}`);
  exportsApi = integrationsClientsAt(integrations.address);
  salesApi = salesClientsAt(`127.0.0.1:${salesPort}`);
}, 90_000);

afterAll(async () => {
  exportsApi?.close();
  salesApi?.close();
  await integrations?.stop();
  await sales?.stop();
  await bus?.close();
  if (integrations?.database) await dropDatabase(integrations.database);
  if (sales?.database) await dropDatabase(sales.database);
});

const job = (id: string, tenantId: string) => exportsApi.exports.getExportJob({ id }, as(tenantId));
const ended = (id: string, tenantId: string) =>
  eventually(() => job(id, tenantId), (j) => j.state === JobState.JOB_STATE_COMPLETED || j.state === JobState.JOB_STATE_FAILED, `export ${id} ended`, 90_000);

let early: string;

it("refuses the download of a job that is not completed, naming its state; the job runs once Sales is there", async () => {
  const created = await exportsApi.exports.createExportJob({ object: BulkObject.BULK_OBJECT_CONTACTS, filters: {}, idempotencyKey: "" }, as(waiting));
  early = created.id;
  expect(created.state).toBe(JobState.JOB_STATE_QUEUED);
  const refused = await failureOf(download(exportsApi, created.id, as(waiting)));
  expect(refused).toEqual(expect.objectContaining({ code: status.ABORTED, field: "state" }));

  sales = await startSales(salesPort);
  const done = await ended(early, waiting);
  expect(done.state).toBe(JobState.JOB_STATE_COMPLETED);
  // The tenant has no contacts: the header alone.
  expect(await download(exportsApi, early, as(waiting))).toBe(exportColumns("contacts").join(",") + "\r\n");
}, 150_000);

it("exports exactly the tenant's live records the filters select, with the header and neutralised values", async () => {
  const create = (tenantId: string, ownerId: string, lastName: string, extra: Record<string, string> = {}) =>
    salesApi.contacts.createContact(
      { accountId: "", firstName: "", lastName, email: "", phone: "", title: "", ownerId, externalId: "", idempotencyKey: randomUUID(), ...extra },
      as(tenantId),
    );
  const formula = await create(acme, "owner-x", '=HYPERLINK("http://evil.example","x")');
  const quoted = await create(acme, "owner-x", "Smith", { title: 'VP "Sales", EMEA\nLondon', email: "smith@example.com" });
  const plain = await create(acme, "owner-x", "Plain");
  await create(acme, "owner-y", "Other owner");
  const deleted = await create(acme, "owner-x", "Deleted");
  await salesApi.contacts.deleteContact({ id: deleted.id, expectedVersion: deleted.version }, as(acme));
  await create(globex, "owner-x", "Another tenant");

  const created = await exportsApi.exports.createExportJob({ object: BulkObject.BULK_OBJECT_CONTACTS, filters: { ownerId: "owner-x" }, idempotencyKey: "" }, as(acme));
  expect(created).toEqual(expect.objectContaining({ tenantId: acme, filters: { ownerId: "owner-x" }, createdBy: `${acme}-manager` }));
  const done = await ended(created.id, acme);
  expect(done.state).toBe(JobState.JOB_STATE_COMPLETED);
  expect(done.rowsExported).toBe("3");

  const text = await download(exportsApi, created.id, as(acme));
  expect(done.bytesWritten).toBe(String(Buffer.byteLength(text)));
  const [header, ...rows] = parseCsv(text);
  expect(header).toEqual(exportColumns("contacts"));
  const col = (name: string) => header!.indexOf(name);
  expect(rows.map((r) => r[col("id")]).sort()).toEqual([formula.id, quoted.id, plain.id].sort());
  const byId = new Map(rows.map((r) => [r[col("id")], r]));
  expect(byId.get(formula.id)![col("lastName")]).toBe(`'=HYPERLINK("http://evil.example","x")`);
  expect(byId.get(quoted.id)![col("title")]).toBe('VP "Sales", EMEA\nLondon');
  expect(byId.get(quoted.id)![col("email")]).toBe("smith@example.com");
  expect(byId.get(plain.id)![col("ownerId")]).toBe("owner-x");
  expect(byId.get(plain.id)![col("version")]).toBe("1");
  expect(byId.get(plain.id)![col("createdAt")]).toBe(plain.createdAt);

  // Another tenant can neither read nor download it, nor see it listed.
  expect((await failureOf(job(created.id, globex))).code).toBe(status.NOT_FOUND);
  expect((await failureOf(download(exportsApi, created.id, as(globex)))).code).toBe(status.NOT_FOUND);
  const theirs = await exportsApi.exports.listExportJobs({ state: JobState.JOB_STATE_UNSPECIFIED }, as(globex));
  expect(theirs.jobs).toEqual([]);
  const ours = await exportsApi.exports.listExportJobs({ state: JobState.JOB_STATE_COMPLETED }, as(acme));
  expect(ours.jobs.map((j) => j.id)).toEqual([created.id]);
  expect((await exportsApi.exports.listExportJobs({ state: JobState.JOB_STATE_FAILED }, as(acme))).jobs).toEqual([]);

  // integrations.export.completed, once.
  const completed = await eventually(
    async () =>
      (await readStreamMessages(bus, INTEGRATIONS_STREAM.name, fromSeq, ["integrations.export.completed"]))
        .map((m) => ExportJobChanged.decode(m.data))
        .filter((e) => e.job?.id === created.id),
    (events) => events.length > 0,
    "the completed event",
  );
  await new Promise((r) => setTimeout(r, 1_000));
  const again = (await readStreamMessages(bus, INTEGRATIONS_STREAM.name, fromSeq, ["integrations.export.completed"])).map((m) => ExportJobChanged.decode(m.data)).filter((e) => e.job?.id === created.id);
  expect(again).toHaveLength(1);
  expect(completed[0]!.meta?.tenantId).toBe(acme);
  expect(completed[0]!.job?.rowsExported).toBe("3");
}, 120_000);

it("refuses filters the list does not take, naming filters.<name>", async () => {
  const bad = (filters: Record<string, string>, object = BulkObject.BULK_OBJECT_CONTACTS) =>
    failureOf(exportsApi.exports.createExportJob({ object, filters, idempotencyKey: "" }, as(acme)));
  expect(await bad({ email: "not-an-email" })).toEqual(expect.objectContaining({ code: status.INVALID_ARGUMENT, field: "filters.email" }));
  expect(await bad({ lastName: "Smith" })).toEqual(expect.objectContaining({ code: status.INVALID_ARGUMENT, field: "filters.lastName" }));
  expect(await bad({ status: "nope" }, BulkObject.BULK_OBJECT_LEADS)).toEqual(expect.objectContaining({ code: status.INVALID_ARGUMENT, field: "filters.status" }));
  expect(await bad({ cursor: "abc" })).toEqual(expect.objectContaining({ code: status.INVALID_ARGUMENT, field: "filters.cursor" }));
});
