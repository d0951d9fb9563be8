import { status as GrpcStatus } from "@grpc/grpc-js";
import type { EventBus } from "@relata/platform";
import { ArticleVisibility, CreateArticleRequest, UpdateArticleRequest } from "@relata/proto/knowledge/v1/article";
import { SearchNoResults, SearchPerformed } from "@relata/proto/events/v1/knowledge";
import type { SearchArticlesRequest } from "@relata/proto/knowledge/v1/search";
import { createLogger } from "@relata/platform";
import { localStack, testServerPort } from "@relata/testing";
import { rebuildSearchIndex } from "../../src/search/rebuild";
import { searchClient } from "../../src/search/engine";
import { ArticleIndex } from "../../src/search/index";
import { ARTICLE_CHANGED_SUBJECTS } from "../../src/events/builders";
import {
  as,
  asPartner,
  caseCopyDurable,
  connectBus,
  deleteDurables,
  createDurableFromNow,
  dropDatabase,
  KNOWLEDGE,
  eventually,
  failureOf,
  knowledgeClientsAt,
  nextSequence,
  publishCase,
  readStream,
  runId,
  SERVICE,
  startKnowledgeProcess,
  type KnowledgeClients,
  type KnowledgeProcess,
} from "./support";

jest.setTimeout(120_000);

// The built service against real FerretDB, NATS and OpenSearch, with an index alias and
// consumers of its own (names of this run), so other test files never meet its index.
const alias = `relata-knowledge-test-${runId()}`;
const durable = `knowledge-search-${runId()}`;
let server: KnowledgeProcess;
let client: KnowledgeClients;
let bus: EventBus;
const tenant = `kbs-${runId()}`;
const other = `${tenant}-b`;
const product = `Printer-${runId()}`;

const editor = (t = tenant) => as(t, "ann", ["kb-editor"]);
const reviewer = (t = tenant) => as(t, "bob", ["kb-editor"]);
const agent = (t = tenant) => as(t, "agent", ["support-agent"]);

beforeAll(async () => {
  bus = await connectBus("knowledge-search-test");
  // The index of this file is fed from now on (the stack's stream may hold many other articles).
  await createDurableFromNow(bus, durable, ARTICLE_CHANGED_SUBJECTS);
  server = await startKnowledgeProcess({
    port: testServerPort(301),
    env: { SEARCH_INDEX_ALIAS: alias, SEARCH_INDEX_DURABLE: durable, OPENSEARCH_URL: localStack.opensearchUrl },
    echo: process.env.ECHO_SERVER === "1",
  });
  client = knowledgeClientsAt(server.address);
});

afterAll(async () => {
  client?.close();
  await server?.stop();
  if (bus) await deleteDurables(bus, [{ stream: KNOWLEDGE, name: durable }, { stream: SERVICE, name: caseCopyDurable }]);
  await bus?.close();
  if (server) await dropDatabase(server.database);
  const engine = searchClient(localStack.opensearchUrl);
  await engine.indices.delete({ index: `${alias}*` }).catch(() => undefined);
  await engine.close();
});

async function publish(fields: Partial<CreateArticleRequest>, t = tenant) {
  const a = await client.articles.createArticle(CreateArticleRequest.fromPartial({ product, ...fields }), editor(t));
  await client.articles.submitArticle({ id: a.id, expectedVersion: "0", comment: "" }, editor(t));
  return client.articles.approveArticle({ id: a.id, expectedVersion: "0", comment: "" }, reviewer(t));
}

const search = (q: Partial<SearchArticlesRequest>, who = agent()) =>
  client.search.searchArticles({ query: "", category: "", language: "", product: "", visibility: ArticleVisibility.ARTICLE_VISIBILITY_UNSPECIFIED, pageSize: 0, cursor: "", ...q }, who);

/** Searches until the index answers with `ok` (it is fed by events, moments after the writes). */
const searchUntil = (q: Partial<SearchArticlesRequest>, ok: (ids: string[]) => boolean, what: string, who = agent()) =>
  eventually(() => search(q, who), (r) => ok(r.hits.map((h) => h.articleId)), what);

let printerEn: string;
let printerDe: string;
let printerRu: string;
let vpn: string;

beforeAll(async () => {
  printerEn = (await publish({ title: "Printer shows offline", summary: "When printers stop printing", body: "Restart the **printer** and check the cable.", category: "hardware", language: "en" })).id;
  printerDe = (await publish({ title: "Drucker ist offline", summary: "Wenn Drucker nicht drucken", body: "Starten Sie den Drucker neu.", category: "hardware", language: "de" })).id;
  printerRu = (await publish({ title: "Принтер не печатает", summary: "Когда принтеры не работают", body: "Перезапустите принтер.", category: "hardware", language: "ru" })).id;
  vpn = (await publish({ title: "Connect to the VPN", summary: "Remote access", body: "Install the client, then sign in with your password. The printer is not involved.", category: "network", language: "en", visibility: ArticleVisibility.ARTICLE_VISIBILITY_PUBLIC })).id;
  await searchUntil({ query: "vpn", product }, (ids) => ids.includes(vpn), "the articles indexed");
});

test("ranked by BM25 with highlights: a title match before a body mention", async () => {
  const res = await searchUntil({ query: "printer", language: "en", product }, (ids) => ids.length === 2, "both English matches");
  expect(res.hits.map((h) => h.articleId)).toEqual([printerEn, vpn]);
  expect(res.hits[0]!.score).toBeGreaterThan(res.hits[1]!.score);
  expect(res.hits[0]!.highlights?.title).toEqual(["<mark>Printer</mark> shows offline"]);
  expect(res.hits[0]!.highlights?.body.join(" ")).toContain("<mark>printer</mark>");
});

test("language-aware: English, German and Russian stemming", async () => {
  expect((await search({ query: "printing", language: "en", product })).hits.map((h) => h.articleId)).toContain(printerEn);
  expect((await search({ query: "Druckern", language: "de", product })).hits.map((h) => h.articleId)).toEqual([printerDe]);
  expect((await search({ query: "принтера", language: "ru", product })).hits.map((h) => h.articleId)).toEqual([printerRu]);
});

test("typos are tolerated", async () => {
  expect((await search({ query: "priner ofline", language: "en", product })).hits[0]?.articleId).toBe(printerEn);
});

test("filters narrow the matches; the counts per category ignore the category filter", async () => {
  const all = await search({ query: "printer offline vpn", product });
  expect(all.categories).toEqual(expect.arrayContaining([{ category: "hardware", count: expect.any(Number) }, { category: "network", count: 1 }]));
  const network = await search({ query: "printer offline vpn", product, category: "network" });
  expect(network.hits.map((h) => h.articleId)).toEqual([vpn]);
  expect(network.categories).toEqual(all.categories);
  expect((await search({ query: "printer", product, visibility: ArticleVisibility.ARTICLE_VISIBILITY_PUBLIC })).hits.map((h) => h.articleId)).toEqual([vpn]);
  expect((await search({ query: "printer", product: `${product}-none` })).total).toBe(0);
});

test("pages by cursor: every match once", async () => {
  const category = `paging-${runId()}`;
  const made = [];
  for (let i = 0; i < 7; i++) made.push((await publish({ title: `Toner cartridge ${i}`, body: "Replace the toner.", category, language: "en" })).id);
  await searchUntil({ query: "toner", category }, (ids) => ids.length === 7, "7 toner articles", agent());
  const seen: string[] = [];
  let cursor = "";
  do {
    const page = await search({ query: "toner", category, pageSize: 3, cursor });
    seen.push(...page.hits.map((h) => h.articleId));
    cursor = page.nextCursor;
  } while (cursor);
  expect(seen.sort()).toEqual(made.sort());
  expect((await failureOf(search({ query: "toner", cursor: "garbage" }))).field).toBe("cursor");
});

test("two tenants with identical text never see each other's articles, suggestions or counts", async () => {
  const text = { title: `Twin article ${runId()}`, body: "Identical words in both tenants.", category: "twins", language: "en" };
  const mine = await publish(text);
  const theirs = await publish(text, other);
  const own = await searchUntil({ query: text.title }, (ids) => ids.length === 1, "mine indexed");
  expect(own.hits.map((h) => h.articleId)).toEqual([mine.id]);
  expect(own.categories).toEqual([{ category: "twins", count: 1 }]);
  const their = await searchUntil({ query: text.title }, (ids) => ids.length === 1, "theirs indexed", agent(other));
  expect(their.hits.map((h) => h.articleId)).toEqual([theirs.id]);
  expect(their.total).toBe(1);
  // The other tenant's case resembling both gets its own article only.
  const caseId = `case-${runId()}`;
  await publishCase(bus, "service.case.opened", { tenantId: other, id: caseId, subject: text.title, description: text.body, product, version: 1 });
  const suggested = await eventually(
    () => client.search.suggestArticles({ caseId, language: "", limit: 5 }, agent(other)).catch(() => null),
    (r) => r !== null && r.hits.length > 0,
    "suggestions for the other tenant's case",
  );
  expect(suggested!.hits.map((h) => h.articleId)).toEqual([theirs.id]);
});

test("partner clients find public articles only", async () => {
  const res = await search({ query: "printer vpn", product }, asPartner(tenant));
  expect(res.hits.map((h) => h.articleId)).toEqual([vpn]);
});

test("a later version in review is not searched until approved; archived articles leave the index", async () => {
  const a = await publish({ title: `Scanner jam ${runId()}`, body: "Open the lid.", language: "en" });
  await searchUntil({ query: "scanner jam" }, (ids) => ids.includes(a.id), "version 1 indexed");
  await client.articles.updateArticle(UpdateArticleRequest.fromPartial({ id: a.id, expectedVersion: "0", title: `Feeder blocked ${runId()}` }), editor());
  await client.articles.submitArticle({ id: a.id, expectedVersion: "0", comment: "" }, editor());
  // An article published after the submit is indexed after the submit's event was applied.
  const marker = await publish({ title: `Marker ${runId()} after submit`, body: "Marker.", language: "en" });
  await searchUntil({ query: `Marker ${runId()}` }, (ids) => ids.includes(marker.id), "the marker indexed");
  expect((await search({ query: "feeder blocked" })).hits.map((h) => h.articleId)).not.toContain(a.id);
  expect((await search({ query: "scanner jam" })).hits.map((h) => h.articleId)).toContain(a.id);
  await client.articles.approveArticle({ id: a.id, expectedVersion: "0", comment: "" }, reviewer());
  await searchUntil({ query: "feeder blocked" }, (ids) => ids.includes(a.id), "version 2 indexed");
  await client.articles.archiveArticle({ id: a.id, expectedVersion: "0", comment: "" }, editor());
  await searchUntil({ query: "feeder blocked" }, (ids) => !ids.includes(a.id), "archived: gone from the index");
});

/** This tenant's `knowledge.search.performed` events from `seq` on for `query`, once there are `n`. */
const performed = (seq: number, query: string, n = 1) =>
  eventually(
    async () => (await readStream(bus, seq, "knowledge.search.performed", (d) => SearchPerformed.decode(d).meta)).map((m) => SearchPerformed.decode(m.data)).filter((e) => e.query === query && e.meta?.tenantId === tenant),
    (e) => e.length >= n,
    "the performed events",
  );

test("a search that finds nothing publishes knowledge.search.no_results and knowledge.search.performed with 0", async () => {
  const seq = await nextSequence(bus);
  const words = `zzyzx${runId()}`;
  expect((await search({ query: words, language: "en" })).total).toBe(0);
  const events = await eventually(
    () => readStream(bus, seq, "knowledge.search.no_results", (d) => SearchNoResults.decode(d).meta),
    (e) => e.some((m) => SearchNoResults.decode(m.data).query === words),
    "the no_results event",
  );
  const event = SearchNoResults.decode(events.find((m) => SearchNoResults.decode(m.data).query === words)!.data);
  expect([event.meta?.tenantId, event.language]).toEqual([tenant, "en"]);
  const [done] = await performed(seq, words);
  expect([done!.meta?.tenantId, done!.language, done!.resultCount]).toEqual([tenant, "en", 0]);
});

test("every search publishes knowledge.search.performed with its result count; a further page does not", async () => {
  const seq = await nextSequence(bus);
  const first = await search({ query: "printer", product, pageSize: 1 });
  expect(first.total).toBeGreaterThan(1);
  await search({ query: "printer", product, pageSize: 1, cursor: first.nextCursor });
  // A later search shows the earlier ones are out; only the first page of "printer" was a search.
  const marker = `marker${runId()}`;
  await search({ query: marker });
  await performed(seq, marker);
  const events = await performed(seq, "printer");
  expect(events.map((e) => [e.meta?.tenantId, e.product, e.resultCount])).toEqual([[tenant, product, first.total]]);
  const none = await readStream(bus, seq, "knowledge.search.no_results", (d) => SearchNoResults.decode(d).meta);
  expect(none.filter((m) => m.meta.tenantId === tenant).map((m) => SearchNoResults.decode(m.data).query)).not.toContain("printer");
});

test("suggestions for a case: the article most like its text first, by its product", async () => {
  const caseId = `case-${runId()}`;
  await publishCase(bus, "service.case.opened", { tenantId: tenant, id: caseId, subject: "My printer shows offline", description: "It stopped printing this morning", product, version: 1 });
  const res = await eventually(
    () => client.search.suggestArticles({ caseId, language: "en", limit: 3 }, agent()).catch(() => null),
    (r) => r !== null && r.hits.length > 0,
    "suggestions",
  );
  expect(res!.hits[0]!.articleId).toBe(printerEn);
  const elsewhere = `case-${runId()}`;
  await publishCase(bus, "service.case.opened", { tenantId: tenant, id: elsewhere, subject: "My printer shows offline", product: `${product}-other`, version: 1 });
  const none = await eventually(() => client.search.suggestArticles({ caseId: elsewhere, language: "", limit: 3 }, agent()).catch(() => null), (r) => r !== null, "the other case");
  expect(none!.hits).toEqual([]);
  expect((await failureOf(client.search.suggestArticles({ caseId: "no-such-case", language: "", limit: 3 }, agent()))).code).toBe(GrpcStatus.NOT_FOUND);
});

test("the index is rebuilt by replaying the events behind its alias, every article still found", async () => {
  const engine = searchClient(localStack.opensearchUrl);
  const index = new ArticleIndex(engine, alias);
  try {
    const before = await index.aliasedIndexes();
    const { index: rebuilt } = await rebuildSearchIndex(bus, index, createLogger("reindex-test", "silent"));
    expect(await index.aliasedIndexes()).toEqual([rebuilt]);
    expect(before).not.toContain(rebuilt);
    const res = await search({ query: "printer offline vpn Drucker принтер", product, pageSize: 50 });
    expect(res.hits.map((h) => h.articleId)).toEqual(expect.arrayContaining([printerEn, printerDe, printerRu, vpn]));
  } finally {
    await engine.close();
  }
});
