import { tokenClaims } from "@relata/testing";
import { as, call, expectProblem, partner, runId, uniqueLead, type ApiResponse } from "./support/api";

/**
 * Journeys through the real gateway → Sales gRPC → FerretDB/NATS, with tokens from the real
 * Keycloak. Every record is created by the test with run-unique names, so the tests do not
 * depend on demo data or on earlier runs.
 */

let rep: string;
let rep2: string;
let globexRep: string;
let supportAgent: string;
let manager: string;

beforeAll(async () => {
  [rep, rep2, globexRep, supportAgent, manager] = await Promise.all([
    as("acme-sales-rep"),
    as("acme-sales-rep-2"),
    as("globex-sales-rep"),
    as("acme-support-agent"),
    as("acme-sales-manager"),
  ]);
});

async function createLead(token = rep, body: Record<string, unknown> = uniqueLead(), headers: Record<string, string> = {}) {
  const res = await call("POST", "/v1/leads", { token, body, headers });
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
  return res;
}

describe("leads through the gateway", () => {
  test("create: 201 with Location and ETag; the lead reads back by its Location", async () => {
    const body = uniqueLead();
    const created = await createLead(rep, body);
    expect(created.body).toMatchObject({ lastName: body.lastName, company: body.company, status: "new", source: "manual", tenantId: "acme", version: 1 });
    expect(created.headers.get("etag")).toBe(`"${created.body.version}"`);
    const location = created.headers.get("location")!;
    expect(location).toMatch(new RegExp(`/v1/leads/${created.body.id}$`));
    const read = await call("GET", new URL(location).pathname, { token: rep2 });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect(read.headers.get("etag")).toBe(created.headers.get("etag"));
  });

  test("list with paging and filters: every lead of a company exactly once, Link to the next page", async () => {
    const company = `Paging Industries ${runId}`;
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await createLead(rep, uniqueLead({ company }))).body.id);
    const other = await createLead(rep, uniqueLead({ company: `${company} Other` }));

    const seen: string[] = [];
    let path: string | null = `/v1/leads?company=${encodeURIComponent(company)}&limit=2&sort=-createdAt`;
    let pages = 0;
    while (path) {
      const page: ApiResponse = await call("GET", path, { token: rep });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((l: { id: string; company: string }) => {
        expect(l.company).toBe(company);
        return l.id;
      }));
      const link: string | null = page.headers.get("link");
      if (page.body.nextCursor) {
        expect(link).toMatch(/^<.+>; rel="next"$/);
        const next: URL = new URL(link!.slice(1, link!.indexOf(">")));
        expect(next.searchParams.get("cursor")).toBe(page.body.nextCursor);
        path = next.pathname + next.search;
      } else {
        expect(link).toBeNull();
        path = null;
      }
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(ids);
    expect(seen).not.toContain(other.body.id);

    const byStatus = await call("GET", `/v1/leads?company=${encodeURIComponent(company)}&status=qualified`, { token: rep });
    expect(byStatus.body.data).toEqual([]);
    expectProblem(await call("GET", "/v1/leads?status=NEW", { token: rep }), 400, "status");
  });

  test("update with a stale ETag: 412; without If-Match: 428; with the current one: 200", async () => {
    const { body: lead, headers } = await createLead();
    const etag = headers.get("etag")!;
    const first = await call("PATCH", `/v1/leads/${lead.id}`, { token: rep, body: { title: "CTO" }, headers: { "If-Match": etag } });
    expect(first.status).toBe(200);
    expect(first.body.title).toBe("CTO");
    expect(first.headers.get("etag")).not.toBe(etag);
    const stale = await call("PATCH", `/v1/leads/${lead.id}`, { token: rep2, body: { title: "CEO" }, headers: { "If-Match": etag } });
    expectProblem(stale, 412);
    expectProblem(await call("PATCH", `/v1/leads/${lead.id}`, { token: rep, body: { title: "CEO" } }), 428, "If-Match");
    const current = await call("GET", `/v1/leads/${lead.id}`, { token: rep });
    expect(current.body.title).toBe("CTO");
  });

  test("convert twice, then concurrently: one account, contact and opportunity", async () => {
    const { body: lead } = await createLead();
    const convert = { opportunityName: `Engines deal ${runId}`, amount: { amount: "12500.00", currency: "EUR" }, expectedCloseDate: "2027-06-30" };
    const first = await call("POST", `/v1/leads/${lead.id}/convert`, { token: rep, body: convert });
    expect(first.status).toBe(200);
    expect(first.body.lead.status).toBe("converted");
    const again = await call("POST", `/v1/leads/${lead.id}/convert`, { token: rep, body: convert });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ accountId: first.body.accountId, contactId: first.body.contactId, opportunityId: first.body.opportunityId });

    const { body: lead2 } = await createLead();
    const results = await Promise.all(Array.from({ length: 5 }, () => call("POST", `/v1/leads/${lead2.id}/convert`, { token: rep, body: {} })));
    for (const r of results) expect(r.status).toBe(200);
    expect(new Set(results.map((r) => r.body.accountId)).size).toBe(1);
    expect(new Set(results.map((r) => r.body.contactId)).size).toBe(1);
    expect(new Set(results.map((r) => r.body.opportunityId)).size).toBe(1);

    const account = await call("GET", `/v1/accounts/${results[0]!.body.accountId}`, { token: rep });
    expect(account.status).toBe(200);
    expect(account.body.name).toBe(lead2.company);
    const opportunities = await call("GET", `/v1/opportunities?accountId=${results[0]!.body.accountId}`, { token: rep });
    expect(opportunities.body.data).toHaveLength(1);
    const contacts = await call("GET", `/v1/contacts?accountId=${results[0]!.body.accountId}`, { token: rep });
    expect(contacts.body.data).toHaveLength(1);
  });

  test("a lead of another tenant is not found (404), and cannot be changed", async () => {
    const { body: lead } = await createLead();
    expectProblem(await call("GET", `/v1/leads/${lead.id}`, { token: globexRep }), 404);
    expectProblem(await call("PATCH", `/v1/leads/${lead.id}`, { token: globexRep, body: { title: "x" }, headers: { "If-Match": "*" } }), 404);
    expectProblem(await call("POST", `/v1/leads/${lead.id}/convert`, { token: globexRep, body: {} }), 404);
    const list = await call("GET", `/v1/leads?company=${encodeURIComponent(lead.company)}`, { token: globexRep });
    expect(list.body.data).toEqual([]);
  });

  test("naming another tenant in X-Relata-Tenant: 403; the body cannot carry a tenant", async () => {
    expectProblem(await call("GET", "/v1/leads", { token: rep, headers: { "X-Relata-Tenant": "globex" } }), 403, "X-Relata-Tenant");
    expectProblem(await call("POST", "/v1/leads", { token: rep, body: { ...uniqueLead(), tenantId: "globex" } }), 400, "tenantId");
  });

  test("a platform admin reads a tenant it names, and writes nothing", async () => {
    const admin = await as("platform-admin");
    const { body: lead } = await createLead();
    const read = await call("GET", `/v1/leads/${lead.id}`, { token: admin, headers: { "X-Relata-Tenant": "acme" } });
    expect(read.status).toBe(200);
    expectProblem(await call("GET", `/v1/leads/${lead.id}`, { token: admin, headers: { "X-Relata-Tenant": "globex" } }), 404);
    expectProblem(await call("POST", "/v1/leads", { token: admin, body: uniqueLead(), headers: { "X-Relata-Tenant": "acme" } }), 403);
  });
});

describe("authentication and roles", () => {
  test("no token: 401 with WWW-Authenticate: Bearer", async () => {
    const res = await call("GET", "/v1/leads");
    expectProblem(res, 401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  test("a bad token: 401 invalid_token; a tampered real token: 401", async () => {
    const bad = await call("GET", "/v1/leads", { token: "eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl" });
    expectProblem(bad, 401);
    expect(bad.headers.get("www-authenticate")).toMatch(/error="invalid_token"/);
    const [h, p, s] = rep.split(".");
    const claims = { ...tokenClaims(rep), tenant: "globex" };
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${s}`;
    expect(p).not.toBe(forged.split(".")[1]);
    expectProblem(await call("GET", "/v1/leads", { token: forged }), 401);
  });

  test("wrong role: a support agent cannot create (or read) leads: 403", async () => {
    expectProblem(await call("POST", "/v1/leads", { token: supportAgent, body: uniqueLead() }), 403);
    expectProblem(await call("GET", "/v1/leads", { token: supportAgent }), 403);
    const accounts = await call("GET", "/v1/accounts?limit=1", { token: supportAgent });
    expect(accounts.status).toBe(200);
  });

  test("pipeline configuration: a rep may read it but not change it", async () => {
    const pipeline = await call("GET", "/v1/pipeline", { token: rep });
    expect(pipeline.status).toBe(200);
    expect(pipeline.body.stages.some((s: { kind: string }) => s.kind === "won")).toBe(true);
    expectProblem(await call("PUT", "/v1/pipeline", { token: rep, body: { stages: pipeline.body.stages } }), 403);
    const rule = await call("GET", "/v1/lead-assignment", { token: manager });
    expect(rule.status).toBe(200);
  });
});

describe("input and limits", () => {
  test("a malformed body: 400 naming the field", async () => {
    const { lastName: _drop, ...noLastName } = uniqueLead();
    expectProblem(await call("POST", "/v1/leads", { token: rep, body: noLastName }), 400, "lastName");
    expectProblem(await call("POST", "/v1/leads", { token: rep, body: uniqueLead({ email: "not-an-email" }) }), 400, "email");
    expectProblem(await call("POST", "/v1/leads", { token: rep, body: uniqueLead({ shoeSize: 42 }) }), 400, "shoeSize");
    expectProblem(await call("POST", "/v1/leads", { token: rep, raw: '{"lastName": "Unclosed' }), 400, "body");
    const { body: lead } = await createLead();
    expectProblem(
      await call("POST", `/v1/leads/${lead.id}/convert`, { token: rep, body: { amount: { amount: "12,5", currency: "EUR" } } }),
      400,
      "amount.amount",
    );
  });

  test("an oversized body: 413", async () => {
    const res = await call("POST", "/v1/leads", { token: rep, body: uniqueLead({ title: "x".repeat(200 * 1024) }) });
    expectProblem(res, 413);
  });

  test("a repeated Idempotency-Key: the same response and one record; another body with it: 409", async () => {
    const body = uniqueLead();
    const key = `e2e-${runId}-idem`;
    const first = await call("POST", "/v1/leads", { token: rep, body, headers: { "Idempotency-Key": key } });
    const second = await call("POST", "/v1/leads", { token: rep, body, headers: { "Idempotency-Key": key } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("location")).toBe(first.headers.get("location"));
    const list = await call("GET", `/v1/leads?company=${encodeURIComponent(body.company)}`, { token: rep });
    expect(list.body.data).toHaveLength(1);
    expectProblem(await call("POST", "/v1/leads", { token: rep, body: { ...body, title: "Other" }, headers: { "Idempotency-Key": key } }), 409, "Idempotency-Key");
  });
});

describe("partner clients (client credentials)", () => {
  test("acme-partner (sales:read sales:write) creates and lists leads of its tenant", async () => {
    const token = await partner("acme");
    expect(tokenClaims(token)).toMatchObject({ tenant: "acme" });
    const body = uniqueLead();
    const created = await call("POST", "/v1/leads", { token, body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ source: "partner", tenantId: "acme" });
    const list = await call("GET", `/v1/leads?company=${encodeURIComponent(body.company)}`, { token });
    expect(list.status).toBe(200);
    expect(list.body.data.map((l: { id: string }) => l.id)).toEqual([created.body.id]);
    expectProblem(await call("POST", `/v1/leads/${created.body.id}/convert`, { token, body: {} }), 403);
  });

  test("globex-partner (sales:read) reads but cannot write", async () => {
    const token = await partner("globex");
    expect((await call("GET", "/v1/leads?limit=1", { token })).status).toBe(200);
    const res = await call("POST", "/v1/leads", { token, body: uniqueLead() });
    expectProblem(res, 403);
    expect(res.headers.get("www-authenticate")).toMatch(/insufficient_scope/);
  });
});

describe("the platform's public face", () => {
  test("readiness, the OpenAPI document and the docs page", async () => {
    const ready = await call("GET", "/readyz");
    expect(ready.status).toBe(200);
    const doc = await call("GET", "/v1/openapi.json");
    expect(doc.body.openapi).toBe("3.1.0");
    const docs = await fetch(new URL("/docs", doc.body.servers[0].url));
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger-ui/);
  });
});
