import { randomUUID } from "node:crypto";
import type { Connection, Model } from "mongoose";
import { InvalidArgument, NotFound, StateConflict } from "../../src/errors";
import { pendingEvent } from "../../src/events/outbox";
import type { CallContext } from "../../src/grpc/service";
import { createLogger } from "../../src/logger";
import { connectMongo, ensureIndexes } from "../../src/mongo";
import { repository } from "../../src/store/repository";
import type { Stored } from "../../src/store/records";
import { f, mongooseSchema, resource, resourceHandlers, type ResourceRecord } from "../../src/resource";

// Real FerretDB, started by `make test` (deploy/stack.sh).
const mongoBase = process.env.MONGO_BASE_URI ?? `mongodb://127.0.0.1:${process.env.FERRETDB_PORT ?? 27017}`;
const logger = createLogger("resource-handlers-test", "silent");
const run = randomUUID().slice(0, 8);

// A resource of the kind a new service adds, over hand-written message types.
interface Note {
  id: string;
  tenantId: string;
  title: string;
  body: string;
  ownerId: string;
  version: string;
  createdAt?: string;
  updatedAt?: string;
}
type NoteCreate = { title: string; body: string; ownerId: string; idempotencyKey: string };
type NoteUpdate = { id: string; expectedVersion: string; title?: string; body?: string; ownerId?: string };
type NoteList = { title: string; ownerId: string };

const note = resource<Note, NoteCreate, NoteUpdate, NoteList>()({
  name: "kb.note",
  path: "/v1/notes",
  collection: "notes",
  fields: {
    title: f.text(100).required().sortable().filter(),
    body: f.text(10_000).clearable(),
    ownerId: f.owner().filter(),
  },
  access: { read: [], write: [] },
});
type NoteRecord = ResourceRecord<typeof note.fields>;

const call = (tenantId: string, subject: string): CallContext => ({
  identity: { tenantId, subject, roles: [], requestId: `req-${subject}` },
  signal: new AbortController().signal,
  logger,
});
const acme = call("acme", "user-a");
const globex = call("globex", "user-g");

let db: Connection;
let model: Model<Stored<NoteRecord>>;
const events: string[] = [];

function handlers() {
  const notes = repository<NoteRecord>(model, { what: "note", sortable: note.sorts, defaultSort: note.defaultSort, publish: () => undefined });
  return resourceHandlers(note, notes, (kind, r, actor) => {
    events.push(`${kind}:${r._id}:${r.version}:${actor.actorId}`);
    return pendingEvent(`kb.note.${kind}`, new TextEncoder().encode(r._id));
  }, {
    // The service's own rules: the caller owns what names no owner; a title may not say "draft".
    create: (input, records) => ({ ...input, ownerId: input.ownerId || records.actor.actorId }),
    update: (set) => {
      if (set.title?.includes("draft")) throw new StateConflict("a note's title may not say draft", "title");
    },
  });
}

beforeAll(async () => {
  db = await connectMongo(`${mongoBase}/relata_platform_handlers_it_${run}`, logger);
  model = db.model<Stored<NoteRecord>>("Note", mongooseSchema(note) as never);
  await ensureIndexes(db);
});

afterAll(async () => {
  await db.dropDatabase().catch(() => undefined);
  await db.close();
});

beforeEach(() => {
  events.length = 0;
});

describe("a described resource's generic handlers over real FerretDB", () => {
  it("creates with the service's rule, checked and trimmed, once per idempotency key, with its event", async () => {
    const h = handlers();
    const request = { title: "  Onboarding  ", body: "", ownerId: "", idempotencyKey: `k-${run}` };
    const created = await h.create(request, acme);
    expect(created).toMatchObject({ tenantId: "acme", title: "Onboarding", body: "", ownerId: "user-a", version: "1" });
    expect(await h.create(request, acme)).toEqual(created);
    expect(events).toEqual([`created:${created.id}:1:user-a`]);
    await expect(h.create({ ...request, title: "x".repeat(101), idempotencyKey: "" }, acme)).rejects.toThrow(
      new InvalidArgument("title", "title: must be at most 100 characters"),
    );
    await expect(h.create({ ...request, ownerId: "not an owner", idempotencyKey: "" }, acme)).rejects.toMatchObject({ field: "owner_id" });
  });

  it("gets and lists only the caller's tenant, with the described filters", async () => {
    const h = handlers();
    const mine = await h.create({ title: "Pricing", body: "b", ownerId: "rep-1", idempotencyKey: "" }, acme);
    const theirs = await h.create({ title: "Pricing", body: "b", ownerId: "rep-1", idempotencyKey: "" }, globex);
    expect(await h.get({ id: mine.id }, acme)).toEqual(mine);
    await expect(h.get({ id: theirs.id }, acme)).rejects.toBeInstanceOf(NotFound);
    const page = await h.list({ title: "Pricing", ownerId: "", page: { pageSize: 10, cursor: "", sort: "" } } as never, acme);
    expect(page.rows.map((n) => n.id)).toEqual([mine.id]);
    await expect(h.list({ title: "", ownerId: "no one!", page: undefined } as never, acme)).rejects.toMatchObject({ field: "owner_id" });
  });

  it("updates what changed under the expected version, clears a clearable field, and writes nothing for no change", async () => {
    const h = handlers();
    const created = await h.create({ title: "Renewal", body: "text", ownerId: "", idempotencyKey: "" }, acme);
    const cleared = await h.update({ id: created.id, expectedVersion: "1", body: "" }, acme);
    expect(cleared).toMatchObject({ body: "", version: "2" });
    expect(await h.update({ id: created.id, expectedVersion: "2", title: "Renewal" }, acme)).toEqual(cleared);
    expect(events).toEqual([`created:${created.id}:1:user-a`, `updated:${created.id}:2:user-a`]);
    await expect(h.update({ id: created.id, expectedVersion: "2", title: "a draft" }, acme)).rejects.toBeInstanceOf(StateConflict);
    await expect(h.update({ id: created.id, expectedVersion: "2", title: "" }, acme)).rejects.toMatchObject({ field: "title" });
    await expect(h.update({ id: created.id, expectedVersion: "2", title: "Other" }, globex)).rejects.toBeInstanceOf(NotFound);
  });
});
