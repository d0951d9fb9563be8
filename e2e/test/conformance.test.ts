import type { AnyResource } from "@relata/platform/resource";
import { references, sampleUpdateBody } from "@relata/testing";
import { call, expectProblem, runId } from "./support/api";
import { createRecord, describedResources, kindWord, listedIds, listQueryFor, markerField, uniqueText, writerOf, writerRole } from "./support/resources";

/**
 * The conformance suite: every described resource of every backend, through the real gateway →
 * service → FerretDB/NATS with tokens from the real Keycloak, is held to the same contract:
 * tenant isolation, If-Match on every change, Idempotency-Key replays, the recycle bin and the
 * 409 of a delete others depend on. It is derived from the descriptions, so a new resource is
 * covered without a line here. Each case makes its own records (run-unique values and keys).
 */

const ifMatch = (etag: string) => ({ "if-match": etag });

describe.each(describedResources.map((r) => [r.name, writerRole(r), r] as const))("%s (as its %s)", (_name, _role, r: AnyResource) => {
  let owner: string;
  let otherTenant: string;

  beforeAll(async () => {
    [owner, otherTenant] = await Promise.all([writerOf(r, "acme"), writerOf(r, "globex")]);
  });

  test("create: 201 with Location and ETag, serving every value sent; the record reads back by its Location", async () => {
    const { res, id, etag, body } = await createRecord(r, owner);
    expect(res.body).toMatchObject({ ...body, id: expect.any(String), tenantId: "acme", version: 1 });
    expect(etag).toBe('"1"');
    const location = res.headers.get("location")!;
    expect(new URL(location).pathname).toBe(`${r.path}/${id}`);
    const read = await call("GET", new URL(location).pathname, { token: owner });
    expect({ status: read.status, body: read.body, etag: read.headers.get("etag") }).toEqual({ status: 200, body: res.body, etag });
  });

  test("another tenant's writer: 404 on get, update, delete and restore, and the record is never in its lists", async () => {
    const { id, path, etag, body } = await createRecord(r, owner);
    const list = listQueryFor(r, body);
    expect(await listedIds(list, owner)).toContain(id);

    expectProblem(await call("GET", path, { token: otherTenant }), 404);
    expectProblem(await call("PATCH", path, { token: otherTenant, body: sampleUpdateBody(r, uniqueText()), headers: ifMatch(etag) }), 404);
    expectProblem(await call("DELETE", path, { token: otherTenant, headers: ifMatch(etag) }), 404);
    // A live record's restore answers it as it is (docs/api.md), but not to another tenant.
    expectProblem(await call("POST", `${path}/restore`, { token: otherTenant }), 404);
    expect(await listedIds(list, otherTenant)).not.toContain(id);
    expect((await call("GET", path, { token: owner })).body.version).toBe(1);

    expect((await call("DELETE", path, { token: owner, headers: ifMatch(etag) })).status).toBe(204);
    expectProblem(await call("POST", `${path}/restore`, { token: otherTenant, headers: ifMatch('"2"') }), 404);
    expectProblem(await call("GET", path, { token: owner }), 404);
  });

  test("update: without If-Match 428, with a stale tag 412 and nothing changed, with the current one 200", async () => {
    const { path, etag } = await createRecord(r, owner);
    const change = sampleUpdateBody(r, uniqueText());
    expectProblem(await call("PATCH", path, { token: owner, body: change }), 428, "If-Match");

    const updated = await call("PATCH", path, { token: owner, body: change, headers: ifMatch(etag) });
    expect({ status: updated.status, etag: updated.headers.get("etag") }).toEqual({ status: 200, etag: '"2"' });
    expect(updated.body).toMatchObject({ ...change, version: 2 });

    expectProblem(await call("PATCH", path, { token: owner, body: sampleUpdateBody(r, uniqueText()), headers: ifMatch(etag) }), 412);
    const read = await call("GET", path, { token: owner });
    expect(read.body).toEqual(updated.body);
  });

  test("Idempotency-Key: a replay answers the same record, made once; the key with another body is 409; in another tenant it is unused", async () => {
    const key = `conformance-${runId}-${r.plural}`;
    const first = await createRecord(r, owner, {}, { "Idempotency-Key": key });
    const replay = await call("POST", r.path, { token: owner, body: first.body, headers: { "Idempotency-Key": key } });
    expect({ status: replay.status, body: replay.body, location: replay.headers.get("location") }).toEqual({
      status: first.res.status,
      body: first.res.body,
      location: first.res.headers.get("location"),
    });

    const marker = markerField(r, first.body);
    const rows = (await call("GET", listQueryFor(r, first.body), { token: owner })).body.data as Record<string, unknown>[];
    expect(rows.filter((row) => row[marker] === first.body[marker]).map((row) => row.id)).toEqual([first.id]);

    const otherBody = { ...first.body, [marker]: `${first.body[marker]} other` };
    expectProblem(await call("POST", r.path, { token: owner, body: otherBody, headers: { "Idempotency-Key": key } }), 409, "Idempotency-Key");

    // Keys are the tenant's own: another tenant's create with the same key is a record of its own.
    const elsewhere = await createRecord(r, otherTenant, {}, { "Idempotency-Key": key });
    expect(elsewhere.res.body.tenantId).toBe("globex");
    expect(elsewhere.id).not.toBe(first.id);
  });

  test("delete: without If-Match 428, stale 412, current 204; then 404 and gone from the list; restore 200 and back", async () => {
    const { id, path, etag, body } = await createRecord(r, owner);
    const change = sampleUpdateBody(r, uniqueText());
    // The list as it shows the record after the change (the change may be to the filtered field).
    const list = listQueryFor(r, { ...body, ...change });
    const updated = await call("PATCH", path, { token: owner, body: change, headers: ifMatch(etag) });
    expect(updated.status).toBe(200);

    expectProblem(await call("DELETE", path, { token: owner }), 428, "If-Match");
    expectProblem(await call("DELETE", path, { token: owner, headers: ifMatch(etag) }), 412);
    expect((await call("GET", path, { token: owner })).body.version).toBe(2);

    const deleted = await call("DELETE", path, { token: owner, headers: ifMatch(updated.headers.get("etag")!) });
    expect({ status: deleted.status, etag: deleted.headers.get("etag") }).toEqual({ status: 204, etag: '"3"' });
    expectProblem(await call("GET", path, { token: owner }), 404);
    expect(await listedIds(list, owner)).not.toContain(id);

    const restored = await call("POST", `${path}/restore`, { token: owner, headers: ifMatch('"3"') });
    expect({ status: restored.status, etag: restored.headers.get("etag") }).toEqual({ status: 200, etag: '"4"' });
    expect(restored.body).toEqual({ ...updated.body, version: 4, updatedAt: restored.body.updatedAt });
    expect((await call("GET", path, { token: owner })).body).toEqual(restored.body);
    expect(await listedIds(list, owner)).toContain(id);
  });
});

/** The service a resource belongs to: "sales" of "sales.account". */
const serviceOf = (name: string) => name.split(".")[0];
// A delete is refused only for dependents in the same service's database; a record of another
// service that points at it (a case's account) hears of the delete through its event instead.
const edges = references(describedResources)
  .filter((x) => serviceOf(x.from.name) === serviceOf(x.to.name))
  .map((x) => [`${x.to.name} ← ${x.from.name}.${x.field}`, x] as const);

describe.each(edges)("dependents: %s", (_name, { from, field, to }) => {
  test(`a delete while a record points at it: 409 naming "${kindWord(from)}"; once that record is deleted, 204`, async () => {
    const [target, dependentWriter] = await Promise.all([writerOf(to, "acme"), writerOf(from, "acme")]);
    const referenced = await createRecord(to, target);
    const dependent = await createRecord(from, dependentWriter, { [field]: referenced.id });
    expect(dependent.res.body[field]).toBe(referenced.id);

    const refused = await call("DELETE", referenced.path, { token: target, headers: ifMatch(referenced.etag) });
    expectProblem(refused, 409);
    expect(refused.body.dependents).toEqual(expect.arrayContaining([{ what: expect.stringContaining(kindWord(from)), count: 1 }]));
    expect((await call("GET", referenced.path, { token: target })).body.version).toBe(1);

    expect((await call("DELETE", dependent.path, { token: dependentWriter, headers: ifMatch(dependent.etag) })).status).toBe(204);
    expect((await call("DELETE", referenced.path, { token: target, headers: ifMatch(referenced.etag) })).status).toBe(204);
  });
});
