import { BulkObject, JobState } from "@relata/proto/integrations/v1/import";
import { BulkMatchKey, BulkOperation, BulkRowOutcome } from "@relata/proto/sales/v1/bulk";
import { dropDatabase, testServerPort, type WorkloadProcess } from "@relata/testing";
import { randomUUID } from "node:crypto";
import { as, download, eventually, integrationsClientsAt, parseCsv, salesClientsAt, startIntegrations, startSales, type IntegrationsTestClients, type SalesTestClients } from "./export-support";

// An integrations process killed (SIGKILL) in the middle of an export: the job is delivered
// again once its progress reports stop, runs again from the beginning, and its file holds every
// record once.

const ROWS = 6_000;
const integrationsPort = testServerPort(662);
const salesPort = testServerPort(663);
// Quick redelivery after the kill; progress written often enough to see the job midway.
const env = { EXPORT_ACK_WAIT_MS: "3000", EXPORT_WORKING_INTERVAL_MS: "1000", EXPORT_PROGRESS_EVERY_ROWS: "250" };
const tenantId = `restart-${randomUUID().slice(0, 8)}`;

let sales: WorkloadProcess;
let integrations: WorkloadProcess;
let salesApi: SalesTestClients;

beforeAll(async () => {
  sales = await startSales(salesPort);
  salesApi = salesClientsAt(sales.address);
  const call = as(tenantId, ["tenant-admin"]);
  for (let from = 0; from < ROWS; from += 2_000) {
    const rows = Array.from({ length: 2_000 }, (_, i) => ({
      line: String(from + i + 1),
      id: `restart-${from + i}`,
      record: { accountId: "", firstName: "", lastName: `Person ${from + i}`, email: "", phone: "", title: "", ownerId: "owner-1", externalId: "", idempotencyKey: "" },
    }));
    const { results } = await salesApi.bulk.writeContacts({ options: { operation: BulkOperation.BULK_OPERATION_INSERT, matchKey: BulkMatchKey.BULK_MATCH_KEY_UNSPECIFIED }, rows }, call);
    expect(results.filter((r) => r.outcome !== BulkRowOutcome.BULK_ROW_OUTCOME_CREATED)).toEqual([]);
  }
}, 180_000);

afterAll(async () => {
  salesApi?.close();
  await integrations?.stop();
  await sales?.stop();
  if (integrations?.database) await dropDatabase(integrations.database);
  if (sales?.database) await dropDatabase(sales.database);
});

it("restarts a job whose process was killed midway, and the file holds every record once", async () => {
  integrations = await startIntegrations(integrationsPort, sales.address, env);
  const database = integrations.database!;
  let api: IntegrationsTestClients = integrationsClientsAt(integrations.address);
  const call = as(tenantId, ["tenant-admin"]);
  const created = await api.exports.createExportJob({ object: BulkObject.BULK_OBJECT_CONTACTS, filters: {}, idempotencyKey: "" }, call);

  const midway = await eventually(
    () => api.exports.getExportJob({ id: created.id }, call),
    (j) => j.state === JobState.JOB_STATE_COMPLETED || (j.state === JobState.JOB_STATE_IN_PROGRESS && Number(j.rowsExported) >= 250),
    "the export midway",
    60_000,
  );
  expect(midway.state).toBe(JobState.JOB_STATE_IN_PROGRESS);
  await integrations.kill();
  api.close();

  // The same service again: its database, the same durable consumer.
  integrations = await startIntegrations(integrationsPort, sales.address, env, database);
  api = integrationsClientsAt(integrations.address);
  try {
    const done = await eventually(
      () => api.exports.getExportJob({ id: created.id }, call),
      (j) => j.state === JobState.JOB_STATE_COMPLETED || j.state === JobState.JOB_STATE_FAILED,
      "the export completed after the restart",
      120_000,
    );
    expect(done.state).toBe(JobState.JOB_STATE_COMPLETED);
    expect(done.rowsExported).toBe(String(ROWS));
    const text = await download(api, created.id, call);
    expect(done.bytesWritten).toBe(String(Buffer.byteLength(text)));
    const [, ...rows] = parseCsv(text);
    const ids = rows.map((r) => r[0]);
    expect(ids).toHaveLength(ROWS);
    expect(new Set(ids).size).toBe(ROWS);
  } finally {
    api.close();
  }
}, 240_000);
