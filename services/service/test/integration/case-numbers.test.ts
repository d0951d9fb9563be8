import { CaseStatus, CreateCaseRequest } from "@relata/proto/service/v1/case";
import { testServerPort } from "@relata/testing";
import { dropDatabase, identity, runId, serviceClientsAt, startServiceProcess, type ServiceClients, type ServiceProcess } from "./support";

jest.setTimeout(90_000);

// Two processes on one database: the numbers must be unique across replicas, not just within one.
let replicas: ServiceProcess[];
let clients: ServiceClients[];
const tenant = `numbers-${runId()}`;

beforeAll(async () => {
  const first = await startServiceProcess({ port: testServerPort(280) });
  const second = await startServiceProcess({ port: testServerPort(281), database: first.database });
  replicas = [first, second];
  clients = replicas.map((r) => serviceClientsAt(r.address));
});

afterAll(async () => {
  for (const c of clients ?? []) c.close();
  for (const r of replicas ?? []) await r.stop();
  if (replicas?.[0]) await dropDatabase(replicas[0].database);
});

const open = (i: number, tenantId = tenant) =>
  clients[i % clients.length]!.cases.createCase(CreateCaseRequest.fromPartial({ subject: `Printer jam ${i}` }), { identity: identity(tenantId) });

test("20 concurrent case creations over two replicas get 20 distinct numbers CS-000001..CS-000020", async () => {
  const cases = await Promise.all(Array.from({ length: 20 }, (_, i) => open(i)));
  const numbers = cases.map((c) => c.number);
  expect(new Set(numbers).size).toBe(20);
  expect([...numbers].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `CS-${String(i + 1).padStart(6, "0")}`));
  expect(cases.every((c) => c.status === CaseStatus.CASE_STATUS_NEW && c.tenantId === tenant)).toBe(true);
});

test("each tenant counts its own cases from 1", async () => {
  const other = `${tenant}-b`;
  expect((await open(0, other)).number).toBe("CS-000001");
  expect((await open(1, tenant)).number).toBe("CS-000021");
});
