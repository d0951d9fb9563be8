import { waitFor } from "@relata/testing";
import { as, call, expectProblem, partner, runId, type ApiResponse } from "./support/api";

/**
 * Search and suggestions through the real gateway → knowledge gRPC → OpenSearch, fed by the
 * service's own events: the journey of an article from its draft to the first suggestion for a
 * case that resembles it, and two tenants with identical text that never see each other's.
 */

let editor: string;
let admin: string;
let agent: string;
let globexEditor: string;
let globexAdmin: string;
let globexAgent: string;
let acmePartner: string;

beforeAll(async () => {
  [editor, admin, agent, globexEditor, globexAdmin, globexAgent, acmePartner] = await Promise.all([
    as("acme-kb-editor"),
    as("acme-tenant-admin"),
    as("acme-support-agent"),
    as("globex-kb-editor"),
    as("globex-tenant-admin"),
    as("globex-support-agent"),
    partner("acme"),
  ]);
});

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  let value!: T;
  await waitFor(async () => ok((value = await read())), { timeoutMs: 30_000, what });
  return value;
}

function ok(res: ApiResponse, status = 200): Record<string, any> {
  expect({ status: res.status, body: res.body }).toMatchObject({ status });
  return res.body;
}

/** Every article of this file is of this run's product: no other data of the stack can match. */
const product = `Laserjet-${runId}`;
const category = `kb-search-${runId}`;

async function publish(body: Record<string, unknown>, [writer, reviewer] = [editor, admin]) {
  const a = ok(await call("POST", "/v1/articles", { token: writer, body: { product, category, ...body } }), 201);
  ok(await call("POST", `/v1/articles/${a.id}/submit`, { token: writer, body: {} }));
  return ok(await call("POST", `/v1/articles/${a.id}/approve`, { token: reviewer, body: { comment: "ok" } }));
}

const search = (query: string, token = agent) => call("GET", `/v1/articles/search?${query}`, { token });
const found = (body: Record<string, any>) => (body.data as { articleId: string }[]).map((h) => h.articleId);

test("written, reviewed by another editor, published, found in its language with highlights, first suggestion for a resembling case; a later version in review stays invisible", async () => {
  const draft = ok(
    await call("POST", "/v1/articles", {
      token: editor,
      body: { title: "Drucker zeigt offline an", summary: "Wenn der Drucker nicht mehr druckt", body: "Starten Sie den **Drucker** neu und prüfen Sie das Netzwerkkabel.", language: "de", product, category },
    }),
    201,
  );
  ok(await call("POST", `/v1/articles/${draft.id}/submit`, { token: editor, body: {} }));
  expectProblem(await call("POST", `/v1/articles/${draft.id}/approve`, { token: editor, body: {} }), 409);
  ok(await call("POST", `/v1/articles/${draft.id}/approve`, { token: admin, body: { comment: "passt" } }));
  // A distractor in English that mentions the printer in passing.
  await publish({ title: "Printer cables", body: "Which cable a printer needs.", language: "en" });

  const hit = await eventually(() => search(`q=Druckern&language=de&product=${product}`), (r) => r.status === 200 && found(r.body).includes(draft.id), "the article found in German");
  expect(found(hit.body)).toEqual([draft.id]);
  expect(hit.body.data[0].highlights.title).toEqual(["<mark>Drucker</mark> zeigt offline an"]);
  expect(hit.body.data[0].highlights.body.join(" ")).toContain("<mark>Drucker</mark>");
  expect(hit.body.categories).toEqual([{ category, count: 1 }]);

  // A case of the Service whose text resembles it gets it first.
  const opened = ok(await call("POST", "/v1/cases", { token: agent, body: { subject: "Drucker offline", description: "Unser Drucker druckt nicht mehr, Netzwerkkabel geprüft", product } }), 201);
  const suggested = await eventually(
    () => call("GET", `/v1/cases/${opened.id}/suggested-articles?language=de`, { token: agent }),
    (r) => r.status === 200 && r.body.data.length > 0,
    "suggestions for the case",
  );
  expect(suggested.body.data[0].articleId).toBe(draft.id);

  // A later version in review: readers and search keep the published one until it is approved.
  const current = ok(await call("GET", `/v1/articles/${draft.id}`, { token: editor }));
  ok(await call("PATCH", `/v1/articles/${draft.id}`, { token: editor, body: { title: "Scanner blockiert" }, headers: { "if-match": `"${current.version}"` } }));
  ok(await call("POST", `/v1/articles/${draft.id}/submit`, { token: editor, body: {} }));
  const marker = await publish({ title: `Marker ${runId}`, body: "Marker.", language: "en" });
  await eventually(() => search(`q=Marker ${runId}&product=${product}`), (r) => r.status === 200 && found(r.body).includes(marker.id), "a later article indexed");
  expect(ok(await call("GET", `/v1/articles/${draft.id}`, { token: agent })).title).toBe("Drucker zeigt offline an");
  expect(found(ok(await search(`q=Scanner&language=de&product=${product}`)))).toEqual([]);
  expect(found(ok(await search(`q=Drucker&language=de&product=${product}`)))).toEqual([draft.id]);

  ok(await call("POST", `/v1/articles/${draft.id}/approve`, { token: admin, body: {} }));
  expect(ok(await call("GET", `/v1/articles/${draft.id}`, { token: agent })).title).toBe("Scanner blockiert");
  await eventually(() => search(`q=Scanner&language=de&product=${product}`), (r) => r.status === 200 && found(r.body).includes(draft.id), "the new version searched");
});

test("typos are forgiven, filters and counts per category, pages by cursor, partners public only", async () => {
  const cat = `${category}-x`;
  const made: string[] = [];
  for (let i = 0; i < 5; i++) made.push((await publish({ title: `Password reset ${i}`, body: "Reset your password from the login page.", language: "en", category: cat, visibility: i === 0 ? "public" : "internal" })).id);
  const all = await eventually(() => search(`q=pasword&product=${product}&limit=2`), (r) => r.status === 200 && r.body.total === 5, "5 matches despite the typo");
  expect(all.body.categories).toEqual([{ category: cat, count: 5 }]);
  const seen = [...found(all.body)];
  let cursor = all.body.nextCursor;
  while (cursor) {
    const page = ok(await search(`q=pasword&product=${product}&limit=2&cursor=${encodeURIComponent(cursor)}`));
    seen.push(...found(page));
    cursor = page.nextCursor;
  }
  const publicOne = made[0];
  expect([...seen].sort()).toEqual([...made].sort());
  expect(found(ok(await search(`q=password&product=${product}`, acmePartner)))).toEqual([publicOne]);
  expect(found(ok(await search(`q=password&product=${product}&visibility=public`)))).toEqual([publicOne]);
  expectProblem(await search(`product=${product}`), 400, "q");
  expectProblem(await search(`q=x&cursor=garbage`), 400, "cursor");
});

test("two tenants with identical text never see each other's articles in search, suggestions or counts", async () => {
  const text = { title: `Twin article ${runId}`, body: "Identical words in both tenants about router firmware.", language: "en", category: `${category}-twins` };
  const mine = await publish(text);
  const theirs = await publish(text, [globexEditor, globexAdmin]);
  const q = `q=${encodeURIComponent("Twin article router firmware")}&product=${product}`;
  const acme = await eventually(() => search(q), (r) => r.status === 200 && found(r.body).includes(mine.id), "acme's indexed");
  const globex = await eventually(() => search(q, globexAgent), (r) => r.status === 200 && found(r.body).includes(theirs.id), "globex's indexed");
  expect([found(acme.body), acme.body.total, acme.body.categories]).toEqual([[mine.id], 1, [{ category: text.category, count: 1 }]]);
  expect([found(globex.body), globex.body.total, globex.body.categories]).toEqual([[theirs.id], 1, [{ category: text.category, count: 1 }]]);

  const globexCase = ok(await call("POST", "/v1/cases", { token: globexAgent, body: { subject: text.title, description: text.body, product } }), 201);
  const suggested = await eventually(
    () => call("GET", `/v1/cases/${globexCase.id}/suggested-articles`, { token: globexAgent }),
    (r) => r.status === 200 && r.body.data.length > 0,
    "suggestions in globex",
  );
  expect(found(suggested.body)).toEqual([theirs.id]);
  // Acme knows nothing of globex's case.
  expectProblem(await call("GET", `/v1/cases/${globexCase.id}/suggested-articles`, { token: agent }), 404);
});

test("roles: every tenant role searches and reads suggestions; partners need knowledge:read; unauthenticated is refused", async () => {
  for (const user of ["acme-sales-rep", "acme-analyst", "acme-marketer"]) expect((await search(`q=printer&product=${product}`, await as(user))).status).toBe(200);
  expect((await search(`q=printer&product=${product}`, acmePartner)).status).toBe(200);
  expectProblem(await call("GET", `/v1/articles/search?q=printer`), 401);
  expectProblem(await call("GET", `/v1/cases/any/suggested-articles`, { token: acmePartner }), 403);
});
