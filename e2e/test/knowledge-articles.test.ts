import { waitFor } from "@relata/testing";
import { as, call, expectProblem, partner, runId, type ApiResponse } from "./support/api";

/**
 * The Knowledge-Base's articles through the real gateway → knowledge gRPC → FerretDB/NATS, with
 * tokens from the real Keycloak: the review workflow with two editors, readers served the
 * published version only, partner clients public articles only, versions, feedback, links to
 * a real case of the Service, and the roles and tenants of every route (the generic verbs are
 * also held to the conformance suite).
 */

let editor: string; // acme-kb-editor
let admin: string; // acme-tenant-admin: an editor too
let agent: string;
let rep: string;
let analyst: string;
let globexEditor: string;
let globexAgent: string;
let acmePartner: string;
let globexPartner: string;

beforeAll(async () => {
  [editor, admin, agent, rep, analyst, globexEditor, globexAgent, acmePartner, globexPartner] = await Promise.all([
    as("acme-kb-editor"),
    as("acme-tenant-admin"),
    as("acme-support-agent"),
    as("acme-sales-rep"),
    as("acme-analyst"),
    as("globex-kb-editor"),
    as("globex-support-agent"),
    partner("acme"),
    partner("globex"),
  ]);
});

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  let value!: T;
  await waitFor(async () => ok((value = await read())), { timeoutMs: 20_000, what });
  return value;
}

function ok(res: ApiResponse, status = 200): Record<string, any> {
  expect({ status: res.status, body: res.body }).toMatchObject({ status });
  return res.body;
}

let n = 0;
const articleBody = (extra: Record<string, unknown> = {}) => ({ title: `Reset a password ${runId} ${++n}`, body: "Open **Settings**, then *Security*.", category: `kb-${runId}`, ...extra });
const write = async (token = editor, extra: Record<string, unknown> = {}) => ok(await call("POST", "/v1/articles", { token, body: articleBody(extra) }), 201);
const step = (id: string, verb: "submit" | "approve" | "reject" | "archive", token: string, comment?: string) =>
  call("POST", `/v1/articles/${id}/${verb}`, { token, body: comment === undefined ? {} : { comment } });

async function published(extra: Record<string, unknown> = {}) {
  const a = await write(editor, extra);
  ok(await step(a.id, "submit", editor));
  return ok(await step(a.id, "approve", admin, "good"));
}

describe("the review workflow", () => {
  test("written, sent for review, approved by another editor: readers see it; a later version in review stays invisible until approved", async () => {
    const a = await write(editor, { body: "Version one <script>alert(1)</script>" });
    expect(a).toMatchObject({ status: "draft", contentVersion: 1, publishedVersion: 0, authorId: expect.any(String), language: "en", visibility: "internal" });
    expect(a.bodyHtml).not.toContain("<script");
    expectProblem(await call("GET", `/v1/articles/${a.id}`, { token: agent }), 404);

    ok(await step(a.id, "submit", editor));
    expectProblem(await step(a.id, "approve", editor), 409, "authorId");
    expectProblem(await step(a.id, "reject", admin, ""), 400, "comment");
    const approved = ok(await step(a.id, "approve", admin, "clear and short"));
    expect(approved).toMatchObject({ status: "published", publishedVersion: 1 });
    expect(ok(await call("GET", `/v1/articles/${a.id}`, { token: agent }))).toMatchObject({ status: "published", contentVersion: 1, body: a.body });

    const edited = ok(await call("PATCH", `/v1/articles/${a.id}`, { token: editor, body: { body: "Version two" }, headers: { "if-match": `"${approved.version}"` } }));
    expect(edited).toMatchObject({ status: "draft", contentVersion: 2, publishedVersion: 1 });
    ok(await step(a.id, "submit", editor));
    for (const token of [agent, rep, analyst]) expect(ok(await call("GET", `/v1/articles/${a.id}`, { token }))).toMatchObject({ body: a.body, contentVersion: 1 });
    const listed = ok(await call("GET", `/v1/articles?category=${a.category}&limit=200`, { token: agent }));
    expect(listed.data.find((x: { id: string }) => x.id === a.id)).toMatchObject({ body: a.body });

    ok(await step(a.id, "approve", admin));
    expect(ok(await call("GET", `/v1/articles/${a.id}`, { token: agent }))).toMatchObject({ body: "Version two", contentVersion: 2 });

    const versions = ok(await call("GET", `/v1/articles/${a.id}/versions`, { token: editor }));
    expect(versions.data.map((v: { number: number; body: string }) => [v.number, v.body])).toEqual([
      [2, "Version two"],
      [1, a.body],
    ]);
    expect(versions.data.every((v: { authorId: string; createdAt: string }) => v.authorId && v.createdAt)).toBe(true);

    ok(await step(a.id, "archive", editor));
    expectProblem(await call("GET", `/v1/articles/${a.id}`, { token: agent }), 404);
    expectProblem(await step(a.id, "archive", editor), 409, "status");
  });

  test("feedback once per reader per published version; views once per reader per hour", async () => {
    const a = await published();
    expect(ok(await call("POST", `/v1/articles/${a.id}/feedback`, { token: agent, body: { helpful: true } }), 201)).toMatchObject({ helpful: true, articleVersion: 1 });
    expectProblem(await call("POST", `/v1/articles/${a.id}/feedback`, { token: agent, body: { helpful: false } }), 409);
    ok(await call("POST", `/v1/articles/${a.id}/feedback`, { token: analyst, body: { helpful: false, comment: "unclear" } }), 201);
    for (let i = 0; i < 3; i++) ok(await call("GET", `/v1/articles/${a.id}`, { token: agent }));
    expect(ok(await call("GET", `/v1/articles/${a.id}`, { token: rep }))).toMatchObject({ helpfulCount: 1, notHelpfulCount: 1, viewCount: 2 });
  });
});

describe("roles and tenants", () => {
  test("editors (kb-editor, tenant-admin) write and review; every other role reads; partners: public articles, acme's client writes", async () => {
    for (const token of [agent, rep, analyst, globexPartner]) expectProblem(await call("POST", "/v1/articles", { token, body: articleBody() }), 403);
    const byAdmin = await write(admin);
    const byPartner = await write(acmePartner);
    expect(byPartner.status).toBe("draft");
    for (const token of [agent, rep]) {
      expectProblem(await step(byAdmin.id, "submit", token), 403);
      expectProblem(await call("GET", `/v1/articles/${byAdmin.id}/versions`, { token }), 403);
    }
    ok(await step(byAdmin.id, "submit", admin));
    // Partner clients never review.
    expectProblem(await step(byAdmin.id, "approve", acmePartner), 403);
    for (const token of [agent, rep]) expectProblem(await step(byAdmin.id, "approve", token), 403);

    const internal = await published();
    const pub = await published({ visibility: "public" });
    expectProblem(await call("GET", `/v1/articles/${internal.id}`, { token: acmePartner }), 404);
    expect(ok(await call("GET", `/v1/articles/${pub.id}`, { token: acmePartner })).visibility).toBe("public");
    const listed = ok(await call("GET", `/v1/articles?category=${pub.category}&limit=200`, { token: acmePartner }));
    expect(listed.data.map((x: { id: string }) => x.id)).toContain(pub.id);
    expect(listed.data.every((x: { visibility: string }) => x.visibility === "public")).toBe(true);
  });

  test("another tenant sees none of acme's articles on any route", async () => {
    const pub = await published({ visibility: "public" });
    for (const token of [globexEditor, globexAgent, globexPartner]) {
      expectProblem(await call("GET", `/v1/articles/${pub.id}`, { token }), 404);
      expect(ok(await call("GET", `/v1/articles?category=${pub.category}&limit=200`, { token })).data).toEqual([]);
    }
    expectProblem(await call("GET", `/v1/articles/${pub.id}/versions`, { token: globexEditor }), 404);
    for (const verb of ["submit", "approve", "archive"] as const) expectProblem(await step(pub.id, verb, globexEditor), 404);
    expectProblem(await call("POST", `/v1/articles/${pub.id}/feedback`, { token: globexAgent, body: { helpful: true } }), 404);
  });

  test("unauthenticated calls are refused", async () => {
    expectProblem(await call("GET", "/v1/articles"), 401);
    expectProblem(await call("GET", "/v1/articles/search?q=x"), 401);
  });
});

describe("linked articles of a case", () => {
  test("an agent links the article that solved a real case; the article counts the cases it solved; other tenants see nothing", async () => {
    const a = await published();
    const opened = ok(await call("POST", "/v1/cases", { token: agent, body: { subject: `Cannot log in ${runId}` } }), 201);
    const link = await eventually(
      () => call("POST", `/v1/cases/${opened.id}/linked-articles`, { token: agent, body: { articleId: a.id } }),
      (res) => res.status === 200,
      "the Knowledge-Base hearing of the case",
    );
    expect(link.body).toMatchObject({ caseId: opened.id, articleId: a.id, article: { id: a.id, title: a.title } });
    ok(await call("POST", `/v1/cases/${opened.id}/linked-articles`, { token: agent, body: { articleId: a.id } }));
    expect(ok(await call("GET", `/v1/cases/${opened.id}/linked-articles`, { token: rep })).data.map((l: { articleId: string }) => l.articleId)).toEqual([a.id]);
    expect(ok(await call("GET", `/v1/articles/${a.id}`, { token: agent })).casesSolved).toBe(1);

    // Sales reps and partners do not link; another tenant knows neither the case nor the article.
    expectProblem(await call("POST", `/v1/cases/${opened.id}/linked-articles`, { token: rep, body: { articleId: a.id } }), 403);
    expectProblem(await call("POST", `/v1/cases/${opened.id}/linked-articles`, { token: acmePartner, body: { articleId: a.id } }), 403);
    expectProblem(await call("GET", `/v1/cases/${opened.id}/linked-articles`, { token: globexAgent }), 404);
    expectProblem(await call("POST", `/v1/cases/${opened.id}/linked-articles`, { token: globexAgent, body: { articleId: a.id } }), 404);
    expectProblem(await call("POST", `/v1/cases/no-such-case/linked-articles`, { token: agent, body: { articleId: a.id } }), 404);
  });
});
