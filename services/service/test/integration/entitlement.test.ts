import { status } from "@grpc/grpc-js";
import { randomUUID } from "node:crypto";
import mongoose, { type Connection } from "mongoose";
import { claimModel, type Claim, type EventBus } from "@relata/platform";
import { CaseChanged } from "@relata/proto/events/v1/service";
import { CaseChannel, CreateCaseRequest, type Case } from "@relata/proto/service/v1/case";
import { CreateEntitlementRequest, EntitlementUnit, type Entitlement } from "@relata/proto/service/v1/entitlement";
import type { Model } from "mongoose";
import {
  as,
  connectBus,
  createDurableFromNow,
  eventually,
  failureOf,
  mongoBase,
  nextSequence,
  readStreamMessages,
  runId,
  SERVICE,
  accountKnownToService,
  startReplicas,
  type Replicas,
  type ServiceClients,
} from "./support";

jest.setTimeout(120_000);

const run = runId();
const database = `relata_service_it_ent_${run}`;
const durable = `service-entitlements-it-ent-${run}`;

let replicas: Replicas;
let bus: EventBus;
let db: Connection;
let unitClaims: Model<Claim>;
let fromSeq: number;
let service: ServiceClients;

beforeAll(async () => {
  bus = await connectBus("service-it-entitlements");
  await createDurableFromNow(bus, durable, ["service.case.opened"]);
  fromSeq = await nextSequence(bus);
  // One replica: on FerretDB a process's updates are atomic only among themselves (one connection),
  // and the consumer's update of a case would race the relay of another replica popping the same
  // case's outbox. The unit claims themselves are inserts, safe across replicas (the kit's claims test).
  replicas = await startReplicas([262], database, { ENTITLEMENT_DURABLE: durable });
  service = replicas.clients[0]!;
  db = await mongoose.createConnection(`${mongoBase}/${database}`).asPromise();
  unitClaims = claimModel(db, "entitlement_unit_claims");
});

afterAll(async () => {
  await replicas?.stop();
  await bus?.jsm.consumers.delete(SERVICE, durable).catch(() => undefined);
  await bus?.close();
  await db?.dropDatabase().catch(() => undefined);
  await db?.close();
});

/** An account of the tenant that the Service's copy of Sales knows (cases may name it). */
const newAccount = (tenant = "acme") => accountKnownToService(bus, db, tenant);

function newEntitlement(accountId: string, extra: Partial<CreateEntitlementRequest> = {}, tenant = "acme"): Promise<Entitlement> {
  return service.entitlements.createEntitlement(
    CreateEntitlementRequest.fromPartial({
      accountId,
      name: `Support ${run}`,
      startDate: "2026-01-01",
      endDate: "2036-12-31",
      channels: { values: [CaseChannel.CASE_CHANNEL_PHONE, CaseChannel.CASE_CHANNEL_EMAIL] },
      allowance: 3,
      slaLevel: "gold",
      ...extra,
    }),
    as(tenant),
  );
}

function openCase(accountId: string, channel = CaseChannel.CASE_CHANNEL_PHONE, options: { tenant?: string } = {}): Promise<Case> {
  return service.cases.createCase(CreateCaseRequest.fromPartial({ subject: `Printer on fire ${run}`, channel, accountId }), as(options.tenant ?? "acme"));
}

/** The case once the entitlement consumer has decided it: entitled or flagged. */
const decided = (id: string, tenant = "acme") =>
  eventually(
    () => service.cases.getCase({ id }, as(tenant)),
    (c) => c.entitlementId !== "" || c.entitlementMissing,
    `the entitlement of case ${id}`,
  );

const getEntitlement = (id: string) => service.entitlements.getEntitlement({ id }, as("acme"));

/** Waits until the consumer has handled (and acknowledged) everything delivered to it. */
const consumerIdle = () =>
  eventually(
    () => bus.jsm.consumers.info(SERVICE, durable),
    (info) => info.num_pending === 0 && info.num_ack_pending === 0,
    "the entitlement consumer to be idle",
  );

describe("a new case", () => {
  it("takes the applicable entitlement and uses one unit: the case gets its id and SLA level, reported as service.case.updated", async () => {
    const account = await newAccount();
    const ent = await newEntitlement(account);
    expect(ent).toMatchObject({ unitsUsed: 0, unitsLeft: 3, active: true, unit: EntitlementUnit.ENTITLEMENT_UNIT_CASES });
    const opened = await openCase(account);
    expect(opened).toMatchObject({ entitlementId: "", entitlementMissing: false, version: "1" });
    const c = await decided(opened.id);
    expect(c).toMatchObject({ entitlementId: ent.id, slaLevel: "gold", entitlementMissing: false, version: "2" });
    expect(await getEntitlement(ent.id)).toMatchObject({ unitsUsed: 1, unitsLeft: 2 });

    const updates = await eventually(
      async () => (await readStreamMessages(bus, fromSeq, ["service.case.updated"])).map((m) => CaseChanged.decode(m.data).case).filter((x) => x?.id === opened.id),
      (xs) => xs.length >= 1,
      "the case's updated event",
    );
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ entitlementId: ent.id, slaLevel: "gold", version: "2" });
  });

  it("is allowed and flagged when no entitlement applies: another channel, another account, none at all", async () => {
    const account = await newAccount();
    await newEntitlement(account);
    const chat = await decided((await openCase(account, CaseChannel.CASE_CHANNEL_CHAT)).id);
    expect(chat).toMatchObject({ entitlementId: "", entitlementMissing: true, slaLevel: "" });
    const other = await decided((await openCase(await newAccount())).id);
    expect(other).toMatchObject({ entitlementId: "", entitlementMissing: true });
    // Without an account the case is flagged as it is opened, with no later update.
    const none = await openCase("");
    expect(none).toMatchObject({ entitlementMissing: true, version: "1" });
  });

  it("takes the entitlement that ends soonest, and never an inactive, expired, not yet started or deleted one", async () => {
    const account = await newAccount();
    await newEntitlement(account, { endDate: "2026-06-30", startDate: "2026-01-01" });
    await newEntitlement(account, { startDate: "2035-01-01", endDate: "2035-12-31" });
    await newEntitlement(account, { endDate: "2030-01-31", active: false });
    const deleted = await newEntitlement(account, { endDate: "2030-02-28" });
    await service.entitlements.deleteEntitlement({ id: deleted.id, expectedVersion: deleted.version }, as("acme"));
    const later = await newEntitlement(account, { endDate: "2031-12-31", slaLevel: "silver" });
    const soonest = await newEntitlement(account, { endDate: "2030-12-31", slaLevel: "platinum" });
    const c = await decided((await openCase(account)).id);
    expect(c).toMatchObject({ entitlementId: soonest.id, slaLevel: "platinum" });
    expect((await getEntitlement(later.id)).unitsUsed).toBe(0);
  });

  it("uses the next entitlement once the first is used up", async () => {
    const account = await newAccount();
    const small = await newEntitlement(account, { allowance: 1, endDate: "2030-01-31" });
    const big = await newEntitlement(account, { allowance: 10, endDate: "2031-01-31", unit: EntitlementUnit.ENTITLEMENT_UNIT_HOURS });
    expect((await decided((await openCase(account)).id)).entitlementId).toBe(small.id);
    expect((await decided((await openCase(account)).id)).entitlementId).toBe(big.id);
    expect(await getEntitlement(small.id)).toMatchObject({ unitsUsed: 1, unitsLeft: 0 });
    expect(await getEntitlement(big.id)).toMatchObject({ unitsUsed: 1, unitsLeft: 9, unit: EntitlementUnit.ENTITLEMENT_UNIT_HOURS });
  });
});

describe("once per case", () => {
  it("a redelivered case.opened event uses no second unit and changes nothing", async () => {
    const account = await newAccount();
    const ent = await newEntitlement(account);
    const opened = await openCase(account);
    const first = await decided(opened.id);
    await consumerIdle();

    const [message] = (await readStreamMessages(bus, fromSeq, ["service.case.opened"])).filter((m) => CaseChanged.decode(m.data).case?.id === opened.id);
    expect(message).toBeDefined();
    // The same event again (as a redelivery would bring it), past the stream's de-duplication.
    await bus.js.publish(message!.subject, message!.data, { msgID: `redelivery-${randomUUID()}` });
    await bus.js.publish(message!.subject, message!.data, { msgID: `redelivery-${randomUUID()}` });
    await consumerIdle();
    expect(await service.cases.getCase({ id: opened.id }, as("acme"))).toEqual(first);
    expect(await getEntitlement(ent.id)).toMatchObject({ unitsUsed: 1, unitsLeft: 2 });
  });

  it("a case that claimed its unit but was not updated (a crash in between) takes that unit when the event comes again", async () => {
    const account = await newAccount();
    const ent = await newEntitlement(account);
    const opened = await openCase(account);
    await decided(opened.id);
    await consumerIdle();
    // As if the process had died after the claim and before the case's update.
    await db.collection("cases").updateOne({ _id: opened.id as unknown as never }, { $set: { entitlementId: "", slaLevel: "" } });
    const [message] = (await readStreamMessages(bus, fromSeq, ["service.case.opened"])).filter((m) => CaseChanged.decode(m.data).case?.id === opened.id);
    await bus.js.publish(message!.subject, message!.data, { msgID: `redelivery-${randomUUID()}` });
    const again = await eventually(
      () => service.cases.getCase({ id: opened.id }, as("acme")),
      (c) => c.entitlementId !== "",
      "the case's entitlement again",
    );
    expect(again).toMatchObject({ entitlementId: ent.id, slaLevel: "gold" });
    expect(await getEntitlement(ent.id)).toMatchObject({ unitsUsed: 1 });
  });

  it("20 concurrent cases on an entitlement of 5 units: 5 entitled, 15 flagged", async () => {
    const account = await newAccount();
    const ent = await newEntitlement(account, { allowance: 5 });
    const cases = await Promise.all(Array.from({ length: 20 }, () => openCase(account, CaseChannel.CASE_CHANNEL_EMAIL)));
    const outcomes = await Promise.all(cases.map((c) => decided(c.id)));
    const entitled = outcomes.filter((c) => c.entitlementId === ent.id);
    expect(entitled).toHaveLength(5);
    expect(outcomes.filter((c) => c.entitlementMissing && !c.entitlementId)).toHaveLength(15);
    expect(await getEntitlement(ent.id)).toMatchObject({ unitsUsed: 5, unitsLeft: 0 });
    const claims = await unitClaims.find({ key: { $regex: `^${ent.id}:` } }).sort({ key: 1 }).lean<Claim[]>();
    expect(claims.map((x) => x.key)).toEqual([1, 2, 3, 4, 5].map((n) => `${ent.id}:${n}`));
    expect(new Set(claims.map((x) => x.holder))).toEqual(new Set(entitled.map((c) => c.id)));
  });
});

describe("entitlements", () => {
  it("default to every channel, cases as the unit, today as the start; their terms are checked naming the field", async () => {
    const e = await service.entitlements.createEntitlement(
      CreateEntitlementRequest.fromPartial({ accountId: await newAccount(), name: "Defaults", endDate: "2036-12-31", allowance: 2, slaLevel: "bronze" }),
      as("acme"),
    );
    expect(e.channels?.values).toHaveLength(5);
    expect(e).toMatchObject({ unit: EntitlementUnit.ENTITLEMENT_UNIT_CASES, startDate: new Date().toISOString().slice(0, 10), active: true });
    expect(await failureOf(newEntitlement(await newAccount(), { startDate: "2030-01-01", endDate: "2029-12-31" }))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "end_date",
    });
    expect(await failureOf(newEntitlement(await newAccount(), { allowance: 0 }))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "allowance" });
    expect(await failureOf(service.entitlements.updateEntitlement({ id: e.id, expectedVersion: "0", channels: { values: [] } }, as("acme")))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "channels",
    });
    expect(await failureOf(service.entitlements.updateEntitlement({ id: e.id, expectedVersion: "0", endDate: "2020-01-01" }, as("acme")))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "end_date",
    });
  });

  it("are the tenant's own: another tenant neither reads them nor has its cases take them", async () => {
    const account = await newAccount();
    const ent = await newEntitlement(account);
    expect(await failureOf(service.entitlements.getEntitlement({ id: ent.id }, as("globex")))).toMatchObject({ code: status.NOT_FOUND });
    const listed = await service.entitlements.listEntitlements({ accountId: account, slaLevel: "" }, as("globex"));
    expect(listed.entitlements).toEqual([]);
    // Globex's own customer: account ids are unique across tenants, so its cases never name acme's.
    const theirs = await decided((await openCase(await newAccount("globex"), CaseChannel.CASE_CHANNEL_PHONE, { tenant: "globex" })).id, "globex");
    expect(theirs).toMatchObject({ entitlementId: "", entitlementMissing: true });
    expect((await getEntitlement(ent.id)).unitsUsed).toBe(0);
  });
});
