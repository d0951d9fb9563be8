import type { EventBus } from "@relata/platform";
import { Article, ArticleStatus } from "@relata/proto/knowledge/v1/article";
import { CaseChannel, CaseStatus } from "@relata/proto/service/v1/case";
import { testServerPort } from "@relata/testing";
import { randomUUID } from "node:crypto";
import {
  article, articleFeedback, articleLinked, articleViewed, as, connectBus, dropDatabase, failureOf, publishAll, reportingClientsAt, search, serviceCase,
  startReportingProcess, testTenant, type ReportingClients, type ReportingProcess, type TestEvent, storeHolds,
} from "./support";

// The Knowledge-Base dashboard on a hand-computed example of July 2026.
let bus: EventBus;
let reporting: ReportingProcess;
let clients: ReportingClients;

beforeAll(async () => {
  bus = await connectBus("reporting-knowledge-test");
  reporting = await startReportingProcess({ port: testServerPort(532) });
  clients = reportingClientsAt(reporting.address);
});

afterAll(async () => {
  clients?.close();
  await reporting?.stop();
  if (reporting?.database) await dropDatabase(reporting.database);
  await bus?.close();
});

const applied = (tenant: string, expected: Record<string, number>) => storeHolds(clients, tenant, expected);

/** An article event whose snapshot has every field at a valid default (the encoder refuses missing enums and numbers). */
const kbArticle = (tenantId: string, a: Partial<Article> & { id: string }, verb?: string) =>
  article(tenantId, { ...Article.fromPartial({ tenantId, status: ArticleStatus.ARTICLE_STATUS_PUBLISHED, version: "1", ...a }), id: a.id }, verb);

const tenant = testTenant("kb");
const other = testTenant("kb-other");
const ask = (request: Record<string, string | number>, who = as(tenant, ["kb-editor"])) =>
  clients.operations.getKnowledgeDashboard({ from: "", to: "", category: "", language: "", timeZone: "", limit: 0, ...request }, who);
const july = { from: "2026-07-01", to: "2026-07-31" };

const a1 = { articleId: "a1", category: "account", language: "en" };
const a2 = { articleId: "a2", category: "billing", language: "en" };
const a3 = { articleId: "a3", category: "billing", language: "de" };
const a4 = { articleId: "a4", category: "account", language: "en" };
const day = (d: string, time = "10:00:00") => `2026-07-${d}T${time}Z`;

beforeAll(async () => {
  // A view published twice (JetStream drops the second) and one copied under another message id (kept once: views are keyed by event id).
  const twice = articleViewed(tenant, a1, day("02"));
  const copied = articleViewed(tenant, a1, day("03"));
  // A search (and its no-result event) published twice: counted once.
  const repeatedSearch = search(tenant, { query: "  Refund ", resultCount: 0 }, day("08"));
  const events: TestEvent[] = [
    kbArticle(tenant, { id: "a1", title: "Reset your password", category: "account", language: "en" }),
    kbArticle(tenant, { id: "a2", title: "Invoices", category: "billing", language: "en" }),
    kbArticle(tenant, { id: "a3", title: "Rechnungen", category: "billing", language: "de" }),
    kbArticle(tenant, { id: "a4", title: "Old", category: "account", language: "en" }),
    kbArticle(tenant, { id: "a4", title: "Old", category: "account", language: "en", version: "2" }, "deleted"),
    kbArticle(other, { id: "a1", title: "Theirs", category: "their-cat", language: "en" }),
    // Views: a1 3 in July (UTC) and one at 06-30 22:30 UTC = 07-01 00:30 in Warsaw; a2 2, one at 07-31 22:30 UTC = 08-01 in Warsaw;
    // a3 1 (de); a4 4 (deleted since: counted in the views, never a top article).
    twice, twice, copied, { ...copied, id: randomUUID() },
    articleViewed(tenant, a1, day("10")),
    articleViewed(tenant, a1, "2026-06-30T22:30:00Z"),
    articleViewed(tenant, a2, day("05")),
    articleViewed(tenant, a2, day("31", "22:30:00")),
    articleViewed(tenant, a3, day("06")),
    ...[1, 2, 3, 4].map(() => articleViewed(tenant, a4, day("07"))),
    ...[1, 2, 3, 4, 5].map(() => articleViewed(other, { articleId: "a1", category: "their-cat", language: "en" }, day("07"))),
    // Feedback: a1 2 helpful, 1 not (and 1 helpful in June); a2 1 not helpful; a3 1 helpful.
    articleFeedback(tenant, { articleId: "a1", helpful: true }, day("02")),
    articleFeedback(tenant, { articleId: "a1", helpful: true }, day("04")),
    articleFeedback(tenant, { articleId: "a1", helpful: false }, day("04")),
    articleFeedback(tenant, { articleId: "a1", helpful: true }, "2026-06-15T10:00:00Z"),
    articleFeedback(tenant, { articleId: "a2", helpful: false }, day("05")),
    articleFeedback(tenant, { articleId: "a3", helpful: true }, day("06")),
    articleFeedback(other, { articleId: "a1", helpful: true }, day("06")),
    // Links: a1 to k1 (resolved) and k2 (in progress), a2 to k1; a1 to k3 in June.
    articleLinked(tenant, { articleId: "a1", caseId: "k1" }, day("09")),
    articleLinked(tenant, { articleId: "a1", caseId: "k2" }, day("09")),
    articleLinked(tenant, { articleId: "a2", caseId: "k1" }, day("09")),
    articleLinked(tenant, { articleId: "a1", caseId: "k3" }, "2026-06-20T10:00:00Z"),
    articleLinked(other, { articleId: "a1", caseId: "k1" }, day("09")),
    // Searches: 6 in July (UTC), 5 of them empty: "refund" 3 ways (one at 07-31 22:30 UTC = 08-01 in Warsaw), "vpn", "rechnung" (de, billing).
    ...search(tenant, { query: "Reset password", resultCount: 3 }, day("08")),
    ...repeatedSearch, ...repeatedSearch,
    ...search(tenant, { query: "refund", resultCount: 0 }, day("09")),
    ...search(tenant, { query: "REFUND", resultCount: 0 }, day("31", "22:30:00")),
    ...search(tenant, { query: "vpn", resultCount: 0 }, day("11")),
    ...search(tenant, { query: "Rechnung", resultCount: 0, language: "de", category: "billing" }, day("12")),
    ...search(other, { query: "refund", resultCount: 0 }, day("09")),
    serviceCase(tenant, { id: "k1", channel: CaseChannel.CASE_CHANNEL_EMAIL, status: CaseStatus.CASE_STATUS_RESOLVED, resolvedAt: day("09", "12:00:00") }),
    serviceCase(tenant, { id: "k2", channel: CaseChannel.CASE_CHANNEL_EMAIL, status: CaseStatus.CASE_STATUS_IN_PROGRESS }),
  ];
  await publishAll(bus, events);
  // The searches come last on the KNOWLEDGE stream: once they are in, so is the rest.
  await applied(tenant, { "knowledge.search.performed": 6, "knowledge.search.no_results": 5, "service.case.opened": 2 });
  await applied(other, { "knowledge.search.no_results": 1 });
});

test("July in UTC: usage, top articles and top empty searches", async () => {
  expect(await ask(july)).toEqual({
    views: "10", // a1 3, a2 2, a3 1, a4 4
    searches: "6",
    searchesWithoutResults: "5",
    noResultRate: 5 / 6,
    helpful: "3",
    notHelpful: "2",
    linkedToCases: "3",
    topArticles: [
      { articleId: "a1", title: "Reset your password", views: "3", helpful: "2", notHelpful: "1", casesSolved: "1" },
      { articleId: "a2", title: "Invoices", views: "2", helpful: "0", notHelpful: "1", casesSolved: "1" },
      { articleId: "a3", title: "Rechnungen", views: "1", helpful: "1", notHelpful: "0", casesSolved: "0" },
    ],
    emptySearches: [
      { query: "refund", count: "3" },
      { query: "rechnung", count: "1" },
      { query: "vpn", count: "1" },
    ],
  });
});

test("July in Warsaw: the views and searches on either side of midnight move with the zone", async () => {
  const d = await ask({ ...july, timeZone: "Europe/Warsaw" });
  expect(d).toMatchObject({ views: "10", searches: "5", searchesWithoutResults: "4" });
  expect(d.topArticles.map((a) => [a.articleId, a.views])).toEqual([["a1", "4"], ["a2", "1"], ["a3", "1"]]);
  expect(d.emptySearches).toEqual([{ query: "refund", count: "2" }, { query: "rechnung", count: "1" }, { query: "vpn", count: "1" }]);
});

test("filters by language and category, and the limit", async () => {
  expect(await ask({ ...july, language: "de" })).toEqual({
    views: "1", searches: "1", searchesWithoutResults: "1", noResultRate: 1, helpful: "1", notHelpful: "0", linkedToCases: "0",
    topArticles: [{ articleId: "a3", title: "Rechnungen", views: "1", helpful: "1", notHelpful: "0", casesSolved: "0" }],
    emptySearches: [{ query: "rechnung", count: "1" }],
  });
  expect(await ask({ ...july, category: "billing" })).toMatchObject({ views: "3", searches: "1", searchesWithoutResults: "1", helpful: "1", notHelpful: "1", linkedToCases: "1" });
  const top2 = await ask({ ...july, limit: 2 });
  expect(top2.topArticles.map((a) => a.articleId)).toEqual(["a1", "a2"]);
  expect(top2.emptySearches.map((e) => e.query)).toEqual(["refund", "rechnung"]);
});

test("tenants never see each other's usage; another tenant's category gives zeros", async () => {
  expect(await ask(july, as(other, ["analyst"]))).toEqual({
    views: "5", searches: "1", searchesWithoutResults: "1", noResultRate: 1, helpful: "1", notHelpful: "0", linkedToCases: "1",
    topArticles: [{ articleId: "a1", title: "Theirs", views: "5", helpful: "1", notHelpful: "0", casesSolved: "0" }],
    emptySearches: [{ query: "refund", count: "1" }],
  });
  expect(await ask({ ...july, category: "their-cat" })).toEqual({
    views: "0", searches: "0", searchesWithoutResults: "0", noResultRate: 0, helpful: "0", notHelpful: "0", linkedToCases: "0", topArticles: [], emptySearches: [],
  });
});

test("the request is checked at the gRPC boundary", async () => {
  expect(await failureOf(ask({ limit: 101 }))).toMatchObject({ code: 3, field: "limit" });
  expect(await failureOf(ask({ from: "2026-07-02", to: "2026-07-01" }))).toMatchObject({ code: 3, field: "to" });
});
