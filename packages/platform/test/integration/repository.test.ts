import { randomUUID } from "node:crypto";
import { Schema, type Connection, type Model } from "mongoose";
import type { Actor } from "../../src/actor";
import { AlreadyExists, HasDependents, InvalidArgument, NotFound, StateConflict, VersionConflict } from "../../src/errors";
import { pendingEvent, type PendingEvent } from "../../src/events/outbox";
import { createLogger } from "../../src/logger";
import { connectMongo, ensureIndexes } from "../../src/mongo";
import { recordFields, withTenantIndexes, type BaseRecord, type Stored } from "../../src/store/records";
import { RECYCLE_BIN_RETENTION_MS } from "../../src/store/recycle-bin";
import { dependentsBy, repository, type Repository } from "../../src/store/repository";

// Real FerretDB, started by `make test` (deploy/stack.sh).
const mongoBase = process.env.MONGO_BASE_URI ?? `mongodb://127.0.0.1:${process.env.FERRETDB_PORT ?? 27017}`;
const logger = createLogger("repository-test", "silent");
const run = randomUUID().slice(0, 8);

interface Widget extends BaseRecord {
  name: string;
  colour: string;
  count: number;
  claim?: string;
  /** A widget may sit in a parent widget (a dependent of it). */
  parentId?: string;
}

const acme: Actor = { tenantId: "acme", actorId: "user-a", requestId: "req-a" };
const globex: Actor = { tenantId: "globex", actorId: "user-g", requestId: "req-g" };
const event = (kind: string) => (w: Widget, by: Actor) => [
  pendingEvent(`widgets.widget.${kind}`, new TextEncoder().encode(`${w._id}:${w.version}:${by.actorId}`)),
];

let db: Connection;
let model: Model<Stored<Widget>>;
let widgets: Repository<Widget>;
const published: { collection: string; id: string }[] = [];

beforeAll(async () => {
  db = await connectMongo(`${mongoBase}/relata_platform_repo_it_${run}`, logger);
  model = db.model<Stored<Widget>>(
    "Widget",
    withTenantIndexes(
      new Schema<Stored<Widget>>(
        {
          ...recordFields,
          name: String,
          colour: String,
          count: Number,
          claim: { type: String, required: false },
          parentId: { type: String, required: false },
        },
        { versionKey: false, collection: "widgets" },
      ),
      [{ name: 1 }],
    ),
  );
  await ensureIndexes(db);
  widgets = repository(model, {
    what: "widget",
    sortable: ["createdAt", "name"],
    publish: (m, ids) => {
      for (const id of [ids].flat()) published.push({ collection: m.collection.name, id });
    },
  });
});

afterAll(async () => {
  await db.dropDatabase().catch(() => undefined);
  await db.close();
});

beforeEach(() => {
  published.length = 0;
});

async function create(by: Actor, name: string, idempotencyKey = ""): Promise<Widget> {
  const request = { name, colour: "red", idempotencyKey };
  return widgets.in(by).create({
    idempotencyKey,
    request,
    build: () => ({ name, colour: "red", count: 0 }),
    events: event("created"),
  });
}

async function outboxOf(id: string): Promise<PendingEvent[]> {
  const doc = await model.findOne({ _id: id }, { outbox: 1 }).lean<{ outbox: PendingEvent[] }>();
  return doc?.outbox ?? [];
}

describe("tenant-bound repository", () => {
  it("creates in the caller's tenant with the base fields, its event in the document, and asks to publish it", async () => {
    const w = await create(acme, `alpha-${run}`);
    expect(w).toMatchObject({ tenantId: "acme", version: 1, name: `alpha-${run}` });
    expect(w.createdAt).toEqual(w.updatedAt);
    expect(published).toEqual([{ collection: "widgets", id: w._id }]);
    expect((await outboxOf(w._id)).map((e) => e.subject)).toEqual(["widgets.widget.created"]);
    expect(await widgets.in(acme).get(w._id)).not.toHaveProperty("outbox");
  });

  it("never finds, lists or updates another tenant's record", async () => {
    const w = await create(acme, `secret-${run}`);
    const other = widgets.in(globex);
    expect(await other.find(w._id)).toBeNull();
    await expect(other.get(w._id)).rejects.toBeInstanceOf(NotFound);
    await expect(other.require(w._id, "widget_id")).rejects.toMatchObject({ field: "widget_id" });
    await expect(other.require(w._id, "widget_id")).rejects.toBeInstanceOf(InvalidArgument);
    expect((await other.list({ name: `secret-${run}` }, undefined)).rows).toEqual([]);
    await expect(other.update(w._id, 0, () => ({ set: { name: "stolen" }, events: event("updated") }))).rejects.toBeInstanceOf(NotFound);
    expect(await widgets.in(acme).get(w._id)).toMatchObject({ name: `secret-${run}`, version: 1 });
    expect(published).toEqual([{ collection: "widgets", id: w._id }]);
  });

  it("keeps the same idempotency key apart per tenant, replays it, and refuses it for another request", async () => {
    const key = `key-${run}`;
    const first = await create(acme, `keyed-${run}`, key);
    const replay = await create(acme, `keyed-${run}`, key);
    expect(replay._id).toBe(first._id);
    await expect(create(acme, `other-${run}`, key)).rejects.toBeInstanceOf(AlreadyExists);
    const theirs = await create(globex, `keyed-${run}`, key);
    expect(theirs._id).not.toBe(first._id);
    expect((await outboxOf(first._id)).length).toBe(1);
  });

  it("lists a tenant's records by the filters given, an empty value meaning any", async () => {
    const name = `listed-${run}`;
    await create(acme, name);
    await create(globex, name);
    const page = await widgets.in(acme).list({ name, colour: "" }, { pageSize: 10, sort: "name" });
    expect(page.rows.map((r) => r.tenantId)).toEqual(["acme"]);
    await expect(widgets.in(acme).list({}, { sort: "count" })).rejects.toMatchObject({ field: "sort" });
  });

  it("updates under the expected version, with its events, and refuses a stale version", async () => {
    const w = await create(acme, `versioned-${run}`);
    published.length = 0;
    const updated = await widgets.in(acme).update(w._id, 1, () => ({ set: { colour: "blue" }, events: event("updated") }));
    expect(updated).toMatchObject({ version: 2, colour: "blue" });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(w.updatedAt.getTime());
    expect(published).toEqual([{ collection: "widgets", id: w._id }]);
    expect((await outboxOf(w._id)).map((e) => e.subject)).toEqual(["widgets.widget.created", "widgets.widget.updated"]);
    await expect(widgets.in(acme).update(w._id, 1, () => ({ set: { colour: "green" }, events: event("updated") }))).rejects.toBeInstanceOf(
      VersionConflict,
    );
    expect(await widgets.in(acme).update(w._id, 2, () => null)).toMatchObject({ version: 2, colour: "blue" });
  });

  it("decides again on a fresh read when concurrent writers collide, losing no change", async () => {
    const w = await create(acme, `contended-${run}`);
    const writers = 8;
    await Promise.all(
      Array.from({ length: writers }, () =>
        widgets.in(acme).update(w._id, 0, (current) => ({ set: { count: current.count + 1 }, events: event("counted") })),
      ),
    );
    expect(await widgets.in(acme).get(w._id)).toMatchObject({ count: writers, version: writers + 1 });
    expect((await outboxOf(w._id)).length).toBe(1 + writers);
  });

  it("leaves version and updatedAt alone for an internal change, still conditional on a guard", async () => {
    const w = await create(acme, `claimed-${run}`);
    const claim = (by: string) =>
      widgets.in(acme).update(w._id, 0, (current) => (current.claim ? null : { set: { claim: by }, events: () => [], internal: true }), {
        guard: { claim: { $exists: false } },
      });
    expect(await claim("first")).toMatchObject({ claim: "first", version: 1 });
    expect(await claim("second")).toMatchObject({ claim: "first", version: 1 });
    expect((await widgets.in(acme).get(w._id)).updatedAt).toEqual(w.updatedAt);
  });

  it("inserts a record with a fixed id once, in the bound tenant", async () => {
    const id = randomUUID();
    const now = new Date();
    const record = { _id: id, version: 1, createdAt: now, updatedAt: now, idempotencyKey: `fixed:${id}`, requestHash: "", name: "fixed", colour: "", count: 0 };
    expect(await widgets.in(acme).insertOnce(record, event("created"))).toBe(true);
    expect(await widgets.in(acme).insertOnce(record, event("created"))).toBe(false);
    expect((await outboxOf(id)).length).toBe(1);
    expect(published).toEqual([{ collection: "widgets", id }]);
    expect(await widgets.in(globex).find(id)).toBeNull();
  });
});

describe("recycle bin", () => {
  const children = () => dependentsBy(widgets, "parentId", "child widget");
  const subjectsOf = async (id: string) => (await outboxOf(id)).map((e) => e.subject);

  it("deletes under the expected version with its event: gone from find, get, require, list and update", async () => {
    const name = `binned-${run}`;
    const w = await create(acme, name);
    published.length = 0;
    await expect(widgets.in(acme).delete(w._id, 7, { events: event("deleted") })).rejects.toBeInstanceOf(VersionConflict);
    const deleted = await widgets.in(acme).delete(w._id, 1, { events: event("deleted") });
    expect(deleted).toMatchObject({ version: 2, deletedBy: "user-a" });
    expect(deleted.deletedAt).toBeInstanceOf(Date);
    expect(published).toEqual([{ collection: "widgets", id: w._id }]);
    expect(await subjectsOf(w._id)).toEqual(["widgets.widget.created", "widgets.widget.deleted"]);

    const mine = widgets.in(acme);
    expect(await mine.find(w._id)).toBeNull();
    await expect(mine.get(w._id)).rejects.toBeInstanceOf(NotFound);
    await expect(mine.require(w._id, "widget_id")).rejects.toBeInstanceOf(InvalidArgument);
    expect((await mine.list({ name }, undefined)).rows).toEqual([]);
    await expect(mine.update(w._id, 0, () => ({ set: { colour: "blue" }, events: event("updated") }))).rejects.toBeInstanceOf(NotFound);
    await expect(mine.delete(w._id, 0, { events: event("deleted") })).rejects.toBeInstanceOf(NotFound);
    // The document stays, for a restore.
    expect(await model.exists({ _id: w._id })).toBeTruthy();
  });

  it("restores within the window, same id, version up, with its event; a live record is returned unchanged", async () => {
    const name = `restored-${run}`;
    const w = await create(acme, name);
    await widgets.in(acme).delete(w._id, 1, { events: event("deleted") });
    await expect(widgets.in(acme).restore(w._id, 1, event("restored"))).rejects.toBeInstanceOf(VersionConflict);
    const back = await widgets.in(acme).restore(w._id, 2, event("restored"));
    expect(back).toMatchObject({ _id: w._id, version: 3, name });
    expect(back).not.toHaveProperty("deletedAt");
    expect(await widgets.in(acme).get(w._id)).toMatchObject({ version: 3 });
    expect((await widgets.in(acme).list({ name }, undefined)).rows.map((r) => r._id)).toEqual([w._id]);
    expect(await widgets.in(acme).restore(w._id, 0, event("restored"))).toMatchObject({ version: 3 });
    expect(await subjectsOf(w._id)).toEqual(["widgets.widget.created", "widgets.widget.deleted", "widgets.widget.restored"]);
  });

  it("never deletes or restores another tenant's record", async () => {
    const w = await create(acme, `guarded-${run}`);
    await expect(widgets.in(globex).delete(w._id, 0, { events: event("deleted") })).rejects.toBeInstanceOf(NotFound);
    await widgets.in(acme).delete(w._id, 0, { events: event("deleted") });
    await expect(widgets.in(globex).restore(w._id, 0, event("restored"))).rejects.toBeInstanceOf(NotFound);
    expect(await subjectsOf(w._id)).toEqual(["widgets.widget.created", "widgets.widget.deleted"]);
  });

  it("refuses a delete while live dependents exist, naming them and their count; deleted dependents do not count", async () => {
    const parent = await create(acme, `parent-${run}`);
    const kids = [await create(acme, `kid-a-${run}`), await create(acme, `kid-b-${run}`)];
    for (const kid of kids) await widgets.in(acme).update(kid._id, 0, () => ({ set: { parentId: parent._id }, events: () => [] }));
    // Another tenant's widget naming the same id is not a dependent of this one.
    const stranger = await create(globex, `stranger-${run}`);
    await widgets.in(globex).update(stranger._id, 0, () => ({ set: { parentId: parent._id }, events: () => [] }));

    const attempt = widgets.in(acme).delete(parent._id, 0, { events: event("deleted"), dependents: [children()] });
    await expect(attempt).rejects.toBeInstanceOf(HasDependents);
    await expect(attempt).rejects.toBeInstanceOf(StateConflict);
    await expect(attempt).rejects.toMatchObject({ dependents: [{ what: "child widget", count: 2 }], message: expect.stringContaining("child widget (2)") });
    expect(await widgets.in(acme).get(parent._id)).toMatchObject({ version: 1 });

    for (const kid of kids) await widgets.in(acme).delete(kid._id, 0, { events: event("deleted") });
    expect(await widgets.in(acme).delete(parent._id, 0, { events: event("deleted"), dependents: [children()] })).toMatchObject({ version: 2 });
  });

  it("applies the resource's own refusal and guard", async () => {
    const w = await create(acme, `ruled-${run}`);
    const refuse = () => {
      throw new StateConflict("widgets with a claim stay");
    };
    await expect(widgets.in(acme).delete(w._id, 0, { events: event("deleted"), refuse })).rejects.toThrow("widgets with a claim stay");
    expect(await widgets.in(acme).get(w._id)).toMatchObject({ version: 1 });
  });

  it("refuses to replay a create whose record was deleted", async () => {
    const key = `deleted-key-${run}`;
    const w = await create(acme, `keyed-deleted-${run}`, key);
    await widgets.in(acme).delete(w._id, 0, { events: event("deleted") });
    await expect(create(acme, `keyed-deleted-${run}`, key)).rejects.toMatchObject({ field: "idempotency_key" });
  });

  it("refuses a restore past the retention window, and the purge removes what is past it, across tenants", async () => {
    const old = await create(acme, `old-${run}`);
    const theirs = await create(globex, `old-theirs-${run}`);
    const recent = await create(acme, `recent-${run}`);
    const live = await create(acme, `live-${run}`);
    for (const [by, w] of [[acme, old], [globex, theirs], [acme, recent]] as const) await widgets.in(by).delete(w._id, 0, { events: event("deleted") });
    // Their events were published long ago: the relay emptied their outboxes.
    const longAgo = new Date(Date.now() - RECYCLE_BIN_RETENTION_MS - 60_000);
    await model.updateMany({ _id: { $in: [old._id, theirs._id] } }, { $set: { deletedAt: longAgo, outbox: [] } });
    await model.updateOne({ _id: recent._id }, { $set: { outbox: [] } });

    await expect(widgets.in(acme).restore(old._id, 0, event("restored"))).rejects.toThrow(/more than 30 days ago/);
    await expect(widgets.in(acme).restore(old._id, 0, event("restored"))).rejects.toBeInstanceOf(NotFound);

    expect(await widgets.purgeDeleted()).toBeGreaterThanOrEqual(2);
    expect(await model.exists({ _id: old._id })).toBeNull();
    expect(await model.exists({ _id: theirs._id })).toBeNull();
    expect(await model.exists({ _id: recent._id })).toBeTruthy();
    expect(await widgets.in(acme).get(live._id)).toMatchObject({ version: 1 });
    expect(await widgets.in(acme).restore(recent._id, 0, event("restored"))).toMatchObject({ version: 3 });
  });

  it("keeps a deleted record whose events still wait in its outbox out of the purge", async () => {
    const w = await create(acme, `pending-${run}`);
    await widgets.in(acme).delete(w._id, 0, { events: event("deleted") });
    await model.updateOne({ _id: w._id }, { $set: { deletedAt: new Date(Date.now() - RECYCLE_BIN_RETENTION_MS - 60_000) } });
    await widgets.purgeDeleted();
    expect(await model.exists({ _id: w._id })).toBeTruthy();
  });
});
