import { GrpcStatus, type EventBus } from "@relata/platform";
import { CreateQuotaRequest, ListQuotasRequest, UpdateQuotaRequest, type Quota } from "@relata/proto/reporting/v1/quota";
import { testServerPort } from "@relata/testing";
import { as, connectBus, dropDatabase, eventually, failureOf, reportingClientsAt, startReportingProcess, testTenant, type ReportingClients, type ReportingProcess, appliedEvents } from "./support";

// Quotas through gRPC: the rules of the description and the service, the kit's If-Match and
// recycle bin, and each change published on REPORTING and read back by the store.
let bus: EventBus;
let reporting: ReportingProcess;
let clients: ReportingClients;

beforeAll(async () => {
  bus = await connectBus("reporting-quotas-test");
  reporting = await startReportingProcess({ port: testServerPort(511) });
  clients = reportingClientsAt(reporting.address);
});

afterAll(async () => {
  clients?.close();
  await reporting?.stop();
  if (reporting?.database) await dropDatabase(reporting.database);
  await bus?.close();
});

const eur = (amount: string) => ({ amount, currency: "EUR" });
type Call = ReturnType<typeof as>;
const create = (r: Partial<CreateQuotaRequest>, call: Call) => clients.quotas.createQuota(CreateQuotaRequest.fromPartial(r), call);
const update = (r: Partial<UpdateQuotaRequest>, call: Call) => clients.quotas.updateQuota(UpdateQuotaRequest.fromPartial(r), call);
const list = (r: Partial<ListQuotasRequest>, call: Call) => clients.quotas.listQuotas(ListQuotasRequest.fromPartial(r), call);
const bin = (q: Quota, expectedVersion = q.version) => ({ id: q.id, expectedVersion });

test("create, read, list, update, delete and restore; every change on the stream and in the store", async () => {
  const tenant = testTenant("quotas");
  const manager = as(tenant, ["sales-manager"]);
  const owners = await create({ ownerId: "rep-a", period: "2026-Q4", amount: eur("1000.00") }, manager);
  expect(owners).toMatchObject({ tenantId: tenant, ownerId: "rep-a", territory: "", period: "2026-Q4", amount: eur("1000.00"), version: "1" });
  // A territory's quota has no owner (the caller is not put there).
  const north = await create({ territory: "north", period: "2026", amount: eur("5000") }, manager);
  expect(north).toMatchObject({ ownerId: "", territory: "north", period: "2026", version: "1" });

  expect(await clients.quotas.getQuota({ id: owners.id }, manager)).toEqual(owners);
  expect((await list({ ownerId: "rep-a" }, manager)).quotas.map((q) => q.id)).toEqual([owners.id]);
  expect((await list({ territory: "north" }, manager)).quotas.map((q) => q.id)).toEqual([north.id]);
  expect((await list({ period: "2026" }, manager)).quotas.map((q) => q.id)).toEqual([north.id]);

  const raised = await update({ id: owners.id, expectedVersion: "1", amount: eur("1200.00") }, manager);
  expect(raised).toMatchObject({ amount: eur("1200.00"), version: "2" });
  // A stale version: refused, nothing changed.
  expect(await failureOf(update({ id: owners.id, expectedVersion: "1", amount: eur("1.00") }, manager))).toMatchObject({ code: GrpcStatus.FAILED_PRECONDITION, field: "version" });
  expect((await clients.quotas.getQuota({ id: owners.id }, manager)).amount).toEqual(eur("1200.00"));

  expect(await failureOf(clients.quotas.deleteQuota(bin(raised, "1"), manager))).toMatchObject({ code: GrpcStatus.FAILED_PRECONDITION });
  const deleted = await clients.quotas.deleteQuota(bin(raised), manager);
  expect(deleted.version).toBe("3");
  expect((await failureOf(clients.quotas.getQuota({ id: owners.id }, manager))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await list({}, manager)).quotas.map((q) => q.id)).toEqual([north.id]);
  const restored = await clients.quotas.restoreQuota(bin(deleted), manager);
  expect(restored).toMatchObject({ id: owners.id, amount: eur("1200.00"), version: "4" });

  // Published through the outbox and applied by the store: the quota as it is now.
  const subjects = await eventually(
    () => appliedEvents(clients, tenant),
    (c) => Object.values(c).reduce((a, b) => a + b, 0) >= 5,
    "the quota events in the store",
  );
  expect(subjects).toEqual({ "reporting.quota.created": 2, "reporting.quota.updated": 1, "reporting.quota.deleted": 1, "reporting.quota.restored": 1 });
});

test("validation names the field: owner and territory both or neither, the period, the amount", async () => {
  const manager = as(testTenant("quotas-invalid"), ["sales-manager"]);
  const cases: [Partial<CreateQuotaRequest>, string][] = [
    [{ ownerId: "rep-a", territory: "north", period: "2026-Q4", amount: eur("1") }, "territory"],
    [{ period: "2026-Q4", amount: eur("1") }, "owner_id"],
    [{ ownerId: "rep-a", period: "2026-Q5", amount: eur("1") }, "period"],
    [{ ownerId: "rep-a", period: "", amount: eur("1") }, "period"],
    [{ ownerId: "rep-a", period: "2026-Q4" }, "amount"],
    [{ ownerId: "rep-a", period: "2026-Q4", amount: { amount: "1", currency: "XXY" } }, "amount.currency"],
  ];
  for (const [request, field] of cases) {
    expect(await failureOf(create(request, manager))).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field });
  }
});

test("one live quota per owner or territory, period and currency: a second is 409; a deleted one does not count; its restore is then refused", async () => {
  const manager = as(testTenant("quotas-unique"), ["sales-manager"]);
  const first = await create({ ownerId: "rep-a", period: "2026-Q4", amount: eur("100") }, manager);
  expect(await failureOf(create({ ownerId: "rep-a", period: "2026-Q4", amount: eur("200") }, manager))).toMatchObject({ code: GrpcStatus.ALREADY_EXISTS, field: "period" });
  // Another currency, period, owner or a territory of the same name: another quota.
  const usd = await create({ ownerId: "rep-a", period: "2026-Q4", amount: { amount: "200", currency: "USD" } }, manager);
  await create({ ownerId: "rep-a", period: "2026-10", amount: eur("50") }, manager);
  await create({ ownerId: "rep-b", period: "2026-Q4", amount: eur("50") }, manager);
  await create({ territory: "rep-a", period: "2026-Q4", amount: eur("50") }, manager);
  // Changing the currency onto another quota's is the same conflict.
  expect(await failureOf(update({ id: usd.id, expectedVersion: "1", amount: eur("200") }, manager))).toMatchObject({ code: GrpcStatus.ALREADY_EXISTS });

  const deleted = await clients.quotas.deleteQuota(bin(first), manager);
  const replacement = await create({ ownerId: "rep-a", period: "2026-Q4", amount: eur("300") }, manager);
  expect(replacement.id).not.toBe(first.id);
  expect(await failureOf(clients.quotas.restoreQuota(bin(deleted), manager))).toMatchObject({ code: GrpcStatus.ALREADY_EXISTS, field: "period" });

  // The same quota in another tenant is its own.
  await create({ ownerId: "rep-a", period: "2026-Q4", amount: eur("100") }, as(testTenant("quotas-unique-other"), ["sales-manager"]));
});

test("another tenant's quota is not found: get, update, delete, restore; never listed", async () => {
  const mine = as(testTenant("quotas-mine"), ["sales-manager"]);
  const theirs = as(testTenant("quotas-theirs"), ["sales-manager"]);
  const q = await create({ territory: "north", period: "2026-Q4", amount: eur("100") }, theirs);
  const calls: Promise<unknown>[] = [
    clients.quotas.getQuota({ id: q.id }, mine),
    update({ id: q.id, expectedVersion: "1", amount: eur("5") }, mine),
    clients.quotas.deleteQuota(bin(q), mine),
    clients.quotas.restoreQuota(bin(q), mine),
  ];
  for (const call of calls) expect((await failureOf(call)).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await list({ territory: "north" }, mine)).quotas).toEqual([]);
  expect((await clients.quotas.getQuota({ id: q.id }, theirs)).version).toBe("1");
});
