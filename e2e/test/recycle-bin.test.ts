import { as, call, expectProblem, partner, runId, uniqueLead } from "./support/api";

/**
 * The recycle bin through the real gateway → Sales gRPC → FerretDB/NATS, with tokens from the
 * real Keycloak: DELETE with If-Match, restore, and the 409 of a delete others depend on.
 */

let rep: string;
let globexRep: string;
let marketer: string;

beforeAll(async () => {
  [rep, globexRep, marketer] = await Promise.all([as("acme-sales-rep"), as("globex-sales-rep"), as("acme-marketer")]);
});

async function created(path: string, body: Record<string, unknown>, token = rep) {
  const res = await call("POST", path, { token, body });
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
  return res;
}

describe("recycle bin through the gateway", () => {
  test("a lead: DELETE needs If-Match (428), refuses a stale one (412), then 204; GET 404, gone from the list; restore 200 with a new ETag", async () => {
    const lead = await created("/v1/leads", uniqueLead());
    const path = `/v1/leads/${lead.body.id}`;

    expectProblem(await call("DELETE", path, { token: rep }), 428, "If-Match");
    expectProblem(await call("DELETE", path, { token: rep, headers: { "if-match": '"9"' } }), 412);
    expect((await call("GET", path, { token: rep })).status).toBe(200);

    const deleted = await call("DELETE", path, { token: rep, headers: { "if-match": lead.headers.get("etag")! } });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect(deleted.headers.get("etag")).toBe('"2"');
    expectProblem(await call("GET", path, { token: rep }), 404);
    const listed = await call("GET", `/v1/leads?company=${encodeURIComponent(lead.body.company)}`, { token: rep });
    expect(listed.body.data).toEqual([]);
    expectProblem(await call("DELETE", path, { token: rep, headers: { "if-match": "*" } }), 404);

    const restored = await call("POST", `${path}/restore`, { token: rep, headers: { "if-match": deleted.headers.get("etag")! } });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ id: lead.body.id, lastName: lead.body.lastName, version: 3 });
    expect(restored.headers.get("etag")).toBe('"3"');
    const read = await call("GET", path, { token: rep });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(restored.body);
  });

  test("an account with a contact: 409 naming the contact; once the contact is deleted the account goes, and comes back before its contact can", async () => {
    const account = await created("/v1/accounts", { name: `Recycled ${runId}` });
    const contact = await created("/v1/contacts", { accountId: account.body.id, lastName: `Dependent ${runId}` });
    const accountPath = `/v1/accounts/${account.body.id}`;
    const contactPath = `/v1/contacts/${contact.body.id}`;

    const refused = await call("DELETE", accountPath, { token: rep, headers: { "if-match": '"1"' } });
    expectProblem(refused, 409);
    expect(refused.body.detail).toContain("contact");
    expect(refused.body.dependents).toEqual([{ what: "contact", count: 1 }]);
    expect((await call("GET", accountPath, { token: rep })).body.version).toBe(1);

    expect((await call("DELETE", contactPath, { token: rep, headers: { "if-match": '"1"' } })).status).toBe(204);
    expect((await call("DELETE", accountPath, { token: rep, headers: { "if-match": '"1"' } })).status).toBe(204);
    expectProblem(await call("GET", `${accountPath}/timeline`, { token: rep }), 404);

    // The contact comes back only beside its account.
    expectProblem(await call("POST", `${contactPath}/restore`, { token: rep }), 409, "accountId");
    expect((await call("POST", `${accountPath}/restore`, { token: rep })).status).toBe(200);
    const back = await call("POST", `${contactPath}/restore`, { token: rep });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ id: contact.body.id, accountId: account.body.id, version: 3 });
  });

  test("opportunities and activities: delete and restore", async () => {
    const account = await created("/v1/accounts", { name: `Bin Deals ${runId}` });
    const opportunity = await created("/v1/opportunities", { accountId: account.body.id, name: `Bin Deal ${runId}` });
    const activity = await created("/v1/activities", { type: "call", subject: "Intro", relatedTo: { type: "sales.opportunity", id: opportunity.body.id } });
    for (const path of [`/v1/activities/${activity.body.id}`, `/v1/opportunities/${opportunity.body.id}`]) {
      expect((await call("DELETE", path, { token: rep, headers: { "if-match": '"1"' } })).status).toBe(204);
      expectProblem(await call("GET", path, { token: rep }), 404);
    }
    for (const path of [`/v1/opportunities/${opportunity.body.id}`, `/v1/activities/${activity.body.id}`]) {
      const restored = await call("POST", `${path}/restore`, { token: rep, headers: { "if-match": '"2"' } });
      expect({ status: restored.status, version: restored.body.version }).toEqual({ status: 200, version: 3 });
    }
  });

  test("another tenant's record: 404 on delete and on restore, and it stays", async () => {
    const lead = await created("/v1/leads", uniqueLead());
    const path = `/v1/leads/${lead.body.id}`;
    expectProblem(await call("DELETE", path, { token: globexRep, headers: { "if-match": "*" } }), 404);
    expect((await call("GET", path, { token: rep })).body.version).toBe(1);
    expect((await call("DELETE", path, { token: rep, headers: { "if-match": "*" } })).status).toBe(204);
    expectProblem(await call("POST", `${path}/restore`, { token: globexRep }), 404);
    expectProblem(await call("GET", path, { token: rep }), 404);
  });

  test("who may delete: a marketer and a partner client may not (403)", async () => {
    const lead = await created("/v1/leads", uniqueLead());
    const path = `/v1/leads/${lead.body.id}`;
    expectProblem(await call("DELETE", path, { token: marketer, headers: { "if-match": "*" } }), 403);
    expectProblem(await call("DELETE", path, { token: await partner("acme"), headers: { "if-match": "*" } }), 403);
    expect((await call("GET", path, { token: rep })).body.version).toBe(1);
  });
});
