import { randomUUID } from "node:crypto";
import { Schema, type Connection, type Model } from "mongoose";
import type { Actor } from "../../src/actor";
import { StateConflict } from "../../src/errors";
import { pendingEvent } from "../../src/events/outbox";
import { createLogger } from "../../src/logger";
import { connectMongo, ensureIndexes } from "../../src/mongo";
import { findByValues } from "../../src/store/batch";
import { recordFields, withTenantIndexes, type BaseRecord, type Stored } from "../../src/store/records";
import { repository, type Repository } from "../../src/store/repository";
import type { Change } from "../../src/store/write";

// Real FerretDB, started by `make test` (deploy/stack.sh).
const mongoBase = process.env.MONGO_BASE_URI ?? `mongodb://127.0.0.1:${process.env.FERRETDB_PORT ?? 27017}`;
const logger = createLogger("batch-test", "silent");
const run = randomUUID().slice(0, 8);

interface Gadget extends BaseRecord {
  name: string;
  email: string;
}

const acme: Actor = { tenantId: "acme", actorId: "user-a", requestId: "req-a" };
const globex: Actor = { tenantId: "globex", actorId: "user-g", requestId: "req-g" };
const event = (kind: string) => (g: Gadget) => [pendingEvent(`gadgets.gadget.${kind}`, new TextEncoder().encode(`${g._id}:${g.version}:${g.name}`))];

let db: Connection;
let model: Model<Stored<Gadget>>;
let gadgets: Repository<Gadget>;
const nudges: string[][] = [];

const gadget = (id: string, name: string, email = ""): Omit<Gadget, "tenantId"> => {
  const now = new Date();
  return { _id: id, name, email, version: 1, createdAt: now, updatedAt: now, idempotencyKey: `bulk:${id}`, requestHash: "" };
};
const rename = (name: string) => (current: Gadget): Change<Gadget> | null =>
  current.name === name ? null : { set: { name }, events: event("updated") };

beforeAll(async () => {
  db = await connectMongo(`${mongoBase}/relata_platform_batch_it_${run}`, logger);
  model = db.model<Stored<Gadget>>(
    "Gadget",
    withTenantIndexes(new Schema<Stored<Gadget>>({ ...recordFields, name: String, email: String }, { versionKey: false, collection: "gadgets" }), [{ email: 1 }]),
  );
  await ensureIndexes(db);
  gadgets = repository(model, { what: "gadget", publish: (_m, ids) => nudges.push([ids].flat()) });
});

afterAll(async () => {
  await db.dropDatabase().catch(() => undefined);
  await db.close();
});

beforeEach(() => {
  nudges.length = 0;
});

describe("a batch insert", () => {
  it("inserts every record with its created event in its own document, and nudges the relay once for the batch", async () => {
    const result = await gadgets.in(acme).insertMany([gadget(`a-${run}`, "one"), gadget(`b-${run}`, "two")], event("created"));
    expect(result).toEqual({ inserted: [`a-${run}`, `b-${run}`], existing: [], refused: [] });
    const stored = await model.find({ _id: { $in: [`a-${run}`, `b-${run}`] } }).lean();
    expect(stored.map((d) => [d._id, d.tenantId, d.outbox?.map((e) => e.subject)]).sort()).toEqual([
      [`a-${run}`, "acme", ["gadgets.gadget.created"]],
      [`b-${run}`, "acme", ["gadgets.gadget.created"]],
    ]);
    expect(nudges).toEqual([[`a-${run}`, `b-${run}`]]);
  });

  it("sent again creates nothing twice: ids the tenant has are existing, another tenant's are refused and left alone", async () => {
    await gadgets.in(globex).insertMany([gadget(`g-${run}`, "globex's")], event("created"));
    await model.updateOne({ _id: `g-${run}` }, { $set: { outbox: [] } });
    nudges.length = 0;
    const result = await gadgets.in(acme).insertMany([gadget(`a-${run}`, "one again"), gadget(`g-${run}`, "taken"), gadget(`c-${run}`, "three")], event("created"));
    expect(result).toEqual({ inserted: [`c-${run}`], existing: [`a-${run}`], refused: [`g-${run}`] });
    const a = await model.findById(`a-${run}`).lean();
    expect(a).toMatchObject({ name: "one", outbox: [{ subject: "gadgets.gadget.created" }] });
    expect(await model.findById(`g-${run}`).lean()).toMatchObject({ tenantId: "globex", name: "globex's", outbox: [] });
    expect(nudges).toEqual([[`c-${run}`]]);
  });
});

describe("a batch lookup", () => {
  it("finds the tenant's live records by value, several per value, never another tenant's or a deleted one", async () => {
    await gadgets.in(acme).insertMany([gadget(`m1-${run}`, "m1", `x-${run}@example.com`), gadget(`m2-${run}`, "m2", `x-${run}@example.com`), gadget(`m3-${run}`, "m3", `y-${run}@example.com`), gadget(`m4-${run}`, "m4", `z-${run}@example.com`)], event("created"));
    await gadgets.in(globex).insertMany([gadget(`m5-${run}`, "m5", `y-${run}@example.com`)], event("created"));
    await gadgets.in(acme).delete(`m4-${run}`, 0, { events: event("deleted") });
    const found = await findByValues<Gadget>(model, "acme", "email", [`x-${run}@example.com`, `y-${run}@example.com`, `z-${run}@example.com`, `x-${run}@example.com`, ""]);
    expect([...found.keys()].sort()).toEqual([`x-${run}@example.com`, `y-${run}@example.com`]);
    expect(found.get(`x-${run}@example.com`)!.map((g) => g._id).sort()).toEqual([`m1-${run}`, `m2-${run}`]);
    expect(found.get(`y-${run}@example.com`)!.map((g) => g._id)).toEqual([`m3-${run}`]);
    expect(found.get(`x-${run}@example.com`)![0]).not.toHaveProperty("outbox");
  });
});

describe("a batch update", () => {
  it("writes each change conditional on the version read, with its event; nothing to change writes nothing", async () => {
    await gadgets.in(acme).insertMany([gadget(`u1-${run}`, "u1"), gadget(`u2-${run}`, "u2")], event("created"));
    const [u1, u2] = await Promise.all([gadgets.in(acme).get(`u1-${run}`), gadgets.in(acme).get(`u2-${run}`)]);
    nudges.length = 0;
    const results = await gadgets.in(acme).updateMany([
      { current: u1, decide: rename("u1 renamed") },
      { current: u2, decide: rename("u2") },
    ]);
    expect(results).toEqual([
      { ok: true, changed: true, record: expect.objectContaining({ name: "u1 renamed", version: 2 }) },
      { ok: true, changed: false, record: expect.objectContaining({ name: "u2", version: 1 }) },
    ]);
    expect(await model.findById(`u1-${run}`).lean()).toMatchObject({ name: "u1 renamed", version: 2, outbox: [{ subject: "gadgets.gadget.created" }, { subject: "gadgets.gadget.updated" }] });
    expect(await model.findById(`u2-${run}`).lean()).toMatchObject({ version: 1 });
    expect(nudges).toEqual([[`u1-${run}`]]);
  });

  it("decides again on a fresh read when another writer got there first, and fails only the item whose rule refuses", async () => {
    await gadgets.in(acme).insertMany([gadget(`r1-${run}`, "r1"), gadget(`r2-${run}`, "r2"), gadget(`r3-${run}`, "r3")], event("created"));
    const stale = await Promise.all([`r1-${run}`, `r2-${run}`, `r3-${run}`].map((id) => gadgets.in(acme).get(id)));
    // Another writer moves r1 on after the batch read it.
    await gadgets.in(acme).update(`r1-${run}`, 0, () => ({ set: { email: "moved@example.com" }, events: event("updated") }));
    const refuse = (): Change<Gadget> => {
      throw new StateConflict("r3 may not change", "name");
    };
    const results = await gadgets.in(acme).updateMany([
      { current: stale[0]!, decide: rename("r1 renamed") },
      { current: stale[1]!, decide: rename("r2 renamed") },
      { current: stale[2]!, decide: refuse },
    ]);
    expect(results[0]).toMatchObject({ ok: true, record: { name: "r1 renamed", email: "moved@example.com", version: 3 } });
    expect(results[1]).toMatchObject({ ok: true, record: { name: "r2 renamed", version: 2 } });
    expect(results[2]).toMatchObject({ ok: false, error: expect.any(StateConflict) });
    // Each change written once: r2's re-decision found its own write and changed nothing more.
    expect(await model.findById(`r1-${run}`).lean()).toMatchObject({ name: "r1 renamed", email: "moved@example.com", version: 3 });
    expect(await model.findById(`r2-${run}`).lean()).toMatchObject({ name: "r2 renamed", version: 2 });
    expect((await model.findById(`r2-${run}`).lean())!.outbox!.filter((e) => e.subject === "gadgets.gadget.updated")).toHaveLength(1);
    expect(await model.findById(`r3-${run}`).lean()).toMatchObject({ name: "r3", version: 1 });
  });

  it("scans the tenant's live records through one cursor", async () => {
    const names: string[] = [];
    for await (const g of gadgets.in(globex).scan({}, 1)) names.push(g.name);
    expect(names.sort()).toEqual(["globex's", "m5"]);
  });
});
