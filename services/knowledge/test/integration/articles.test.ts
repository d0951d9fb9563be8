import { ArticleStatus, ArticleVisibility, CreateArticleRequest, UpdateArticleRequest } from "@relata/proto/knowledge/v1/article";
import { ArticleChanged, ArticleViewed } from "@relata/proto/events/v1/knowledge";
import { status as GrpcStatus } from "@grpc/grpc-js";
import { testServerPort } from "@relata/testing";
import { stableEventId, type EventBus } from "@relata/platform";
import { viewHour } from "../../src/domain/workflow";
import {
  as,
  asPartner,
  caseCopyDurable,
  connectBus,
  deleteDurables,
  dropDatabase,
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

jest.setTimeout(90_000);

let server: KnowledgeProcess;
let client: KnowledgeClients;
let bus: EventBus;
const tenant = `kb-${runId()}`;
const other = `${tenant}-b`;

const ann = as(tenant, "ann", ["kb-editor"]);
const bob = as(tenant, "bob", ["tenant-admin"]);
const agent = as(tenant, "agent", ["support-agent"]);
const partner = asPartner(tenant);

beforeAll(async () => {
  server = await startKnowledgeProcess({ port: testServerPort(300), echo: process.env.ECHO_SERVER === "1" });
  client = knowledgeClientsAt(server.address);
  bus = await connectBus("knowledge-articles-test");
});

afterAll(async () => {
  client?.close();
  await server?.stop();
  if (bus) await deleteDurables(bus, [{ stream: SERVICE, name: caseCopyDurable }]);
  await bus?.close();
  if (server) await dropDatabase(server.database);
});

const write = (fields: Partial<CreateArticleRequest>, who = ann) =>
  client.articles.createArticle(CreateArticleRequest.fromPartial({ title: "Reset a password", body: "Open **Settings**.", ...fields }), who);

async function publishArticle(fields: Partial<CreateArticleRequest> = {}) {
  const a = await write(fields);
  await client.articles.submitArticle({ id: a.id, expectedVersion: "0", comment: "" }, ann);
  return client.articles.approveArticle({ id: a.id, expectedVersion: "0", comment: "clear" }, bob);
}

test("an article is written as a draft, version 1, with its body rendered and sanitised", async () => {
  const a = await write({ body: "Hi <script>x()</script> **there**", tags: { values: ["login", "security"] } });
  expect(a.status).toBe(ArticleStatus.ARTICLE_STATUS_DRAFT);
  expect(a.contentVersion).toBe(1);
  expect(a.publishedVersion).toBe(0);
  expect(a.authorId).toBe("ann");
  expect(a.language).toBe("en");
  expect(a.visibility).toBe(ArticleVisibility.ARTICLE_VISIBILITY_INTERNAL);
  expect(a.variantGroup).toBe(a.id);
  expect(a.bodyHtml).toContain("<strong>there</strong>");
  expect(a.bodyHtml).not.toContain("<script");
  expect(a.tags?.values).toEqual(["login", "security"]);
});

test("every edit makes a kept version with who and when; an edit that changes nothing makes none", async () => {
  const a = await write({});
  await client.articles.updateArticle(UpdateArticleRequest.fromPartial({ id: a.id, expectedVersion: a.version, title: "Reset your password" }), bob);
  const same = await client.articles.updateArticle(UpdateArticleRequest.fromPartial({ id: a.id, expectedVersion: "0", title: "Reset your password" }), bob);
  expect(same.contentVersion).toBe(2);
  const third = await client.articles.updateArticle(UpdateArticleRequest.fromPartial({ id: a.id, expectedVersion: "0", body: "Open **Security**." }), ann);
  expect(third.contentVersion).toBe(3);
  expect(third.authorId).toBe("ann");
  const { versions } = await client.articles.listArticleVersions({ id: a.id }, ann);
  expect(versions.map((v) => [v.number, v.title, v.body, v.authorId])).toEqual([
    [3, "Reset your password", "Open **Security**.", "ann"],
    [2, "Reset your password", "Open **Settings**.", "bob"],
    [1, "Reset a password", "Open **Settings**.", "ann"],
  ]);
  expect(versions.every((v) => Boolean(v.createdAt))).toBe(true);
  // A stale version is refused, and makes no version.
  const stale = await failureOf(client.articles.updateArticle(UpdateArticleRequest.fromPartial({ id: a.id, expectedVersion: a.version, title: "Stale" }), ann));
  expect(stale.code).toBe(GrpcStatus.FAILED_PRECONDITION);
  expect((await client.articles.listArticleVersions({ id: a.id }, ann)).versions).toHaveLength(3);
  // Readers do not read versions.
  expect((await failureOf(client.articles.listArticleVersions({ id: a.id }, agent))).code).toBe(GrpcStatus.NOT_FOUND);
});

test("20 concurrent edits of one article make distinct versions, none lost or twice", async () => {
  const a = await write({});
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) => client.articles.updateArticle(UpdateArticleRequest.fromPartial({ id: a.id, expectedVersion: "0", summary: `take ${i}` }), ann)),
  );
  const made = results.filter((r) => r.status === "fulfilled").length;
  const { versions } = await client.articles.listArticleVersions({ id: a.id }, ann);
  const numbers = versions.map((v) => v.number);
  expect(new Set(numbers).size).toBe(numbers.length);
  expect(numbers.length).toBe(made + 1);
  const current = await client.articles.getArticle({ id: a.id }, ann);
  expect(current.contentVersion).toBe(Math.max(...numbers));
});

test("review: submit, the author cannot approve, another editor approves and readers see it at once", async () => {
  const seq = await nextSequence(bus);
  const a = await write({ title: "Printer offline" });
  // Readers see nothing of a draft.
  expect((await failureOf(client.articles.getArticle({ id: a.id }, agent))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await failureOf(client.articles.approveArticle({ id: a.id, expectedVersion: "0", comment: "" }, bob))).code).toBe(GrpcStatus.ABORTED);
  const submitted = await client.articles.submitArticle({ id: a.id, expectedVersion: "0", comment: "" }, ann);
  expect(submitted.status).toBe(ArticleStatus.ARTICLE_STATUS_IN_REVIEW);
  // Only editors review, whatever reaches the service.
  expect((await failureOf(client.articles.approveArticle({ id: a.id, expectedVersion: "0", comment: "" }, agent))).code).toBe(GrpcStatus.PERMISSION_DENIED);
  expect((await failureOf(client.articles.rejectArticle({ id: a.id, expectedVersion: "0", comment: "no" }, partner))).code).toBe(GrpcStatus.PERMISSION_DENIED);
  const own = await failureOf(client.articles.approveArticle({ id: a.id, expectedVersion: "0", comment: "" }, ann));
  expect(own.code).toBe(GrpcStatus.ABORTED);
  expect(own.field).toBe("author_id");
  const noReason = await failureOf(client.articles.rejectArticle({ id: a.id, expectedVersion: "0", comment: "" }, bob));
  expect([noReason.code, noReason.field]).toEqual([GrpcStatus.INVALID_ARGUMENT, "comment"]);
  const approved = await client.articles.approveArticle({ id: a.id, expectedVersion: "0", comment: "clear" }, bob);
  expect(approved.status).toBe(ArticleStatus.ARTICLE_STATUS_PUBLISHED);
  expect(approved.publishedVersion).toBe(1);
  const read = await client.articles.getArticle({ id: a.id }, agent);
  expect([read.title, read.status, read.contentVersion]).toEqual(["Printer offline", ArticleStatus.ARTICLE_STATUS_PUBLISHED, 1]);
  // The approval is an event carrying the published version, with the reviewer's comment.
  // The outbox relays the event a moment after the write.
  const approvedEvent = async () =>
    (await readStream(bus, seq, "knowledge.article.approved", (d) => ArticleChanged.decode(d).meta)).map((e) => ArticleChanged.decode(e.data)).find((e) => e.article?.id === a.id);
  const mine = await eventually(approvedEvent, (e) => e !== undefined, "the article's approved event");
  expect(mine?.published?.title).toBe("Printer offline");
  expect(mine?.comment).toBe("clear");
});

test("a later version in review stays invisible to readers until approved, then replaces the served one", async () => {
  const a = await publishArticle({ title: "VPN setup", body: "Version one." });
  await client.articles.updateArticle(UpdateArticleRequest.fromPartial({ id: a.id, expectedVersion: "0", body: "Version two." }), ann);
  await client.articles.submitArticle({ id: a.id, expectedVersion: "0", comment: "" }, ann);
  const editorView = await client.articles.getArticle({ id: a.id }, bob);
  expect([editorView.body, editorView.status, editorView.contentVersion, editorView.publishedVersion]).toEqual(["Version two.", ArticleStatus.ARTICLE_STATUS_IN_REVIEW, 2, 1]);
  const readerView = await client.articles.getArticle({ id: a.id }, agent);
  expect([readerView.body, readerView.status, readerView.contentVersion]).toEqual(["Version one.", ArticleStatus.ARTICLE_STATUS_PUBLISHED, 1]);
  const listed = (await client.articles.listArticles({ category: "", language: "", product: "", visibility: ArticleVisibility.ARTICLE_VISIBILITY_UNSPECIFIED, status: ArticleStatus.ARTICLE_STATUS_UNSPECIFIED, variantGroup: a.variantGroup }, agent)).articles;
  expect(listed.map((x) => x.body)).toEqual(["Version one."]);
  // A rejection sends it back to draft; readers still see version 1.
  const rejected = await client.articles.rejectArticle({ id: a.id, expectedVersion: "0", comment: "too short" }, bob);
  expect(rejected.status).toBe(ArticleStatus.ARTICLE_STATUS_DRAFT);
  expect((await client.articles.getArticle({ id: a.id }, agent)).body).toBe("Version one.");
  await client.articles.submitArticle({ id: a.id, expectedVersion: "0", comment: "" }, ann);
  await client.articles.approveArticle({ id: a.id, expectedVersion: "0", comment: "" }, bob);
  const now = await client.articles.getArticle({ id: a.id }, agent);
  expect([now.body, now.contentVersion]).toEqual(["Version two.", 2]);
  // Archived: gone for readers, kept for editors.
  await client.articles.archiveArticle({ id: a.id, expectedVersion: "0", comment: "" }, ann);
  expect((await failureOf(client.articles.getArticle({ id: a.id }, agent))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await client.articles.getArticle({ id: a.id }, ann)).status).toBe(ArticleStatus.ARTICLE_STATUS_ARCHIVED);
});

test("partner clients read published public articles only; other tenants read nothing", async () => {
  const internal = await publishArticle({ title: "Internal escalation path" });
  const pub = await publishArticle({ title: "Public FAQ", visibility: ArticleVisibility.ARTICLE_VISIBILITY_PUBLIC });
  expect((await failureOf(client.articles.getArticle({ id: internal.id }, partner))).code).toBe(GrpcStatus.NOT_FOUND);
  expect((await client.articles.getArticle({ id: pub.id }, partner)).title).toBe("Public FAQ");
  const listed = await client.articles.listArticles({ category: "", language: "", product: "", visibility: ArticleVisibility.ARTICLE_VISIBILITY_UNSPECIFIED, status: ArticleStatus.ARTICLE_STATUS_UNSPECIFIED, variantGroup: "" }, partner);
  expect(listed.articles.length).toBeGreaterThan(0);
  expect(listed.articles.every((x) => x.visibility === ArticleVisibility.ARTICLE_VISIBILITY_PUBLIC)).toBe(true);
  for (const who of [as(other, "ann", ["kb-editor"]), as(other, "agent", ["support-agent"]), asPartner(other)]) {
    expect((await failureOf(client.articles.getArticle({ id: pub.id }, who))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await client.articles.listArticles({ category: "", language: "", product: "", visibility: ArticleVisibility.ARTICLE_VISIBILITY_UNSPECIFIED, status: ArticleStatus.ARTICLE_STATUS_UNSPECIFIED, variantGroup: "" }, who)).articles).toEqual([]);
  }
});

test("language variants share a group", async () => {
  const en = await write({ title: "Reset a password", language: "en" });
  const de = await write({ title: "Passwort zurücksetzen", language: "de", variantGroup: en.id });
  expect(de.variantGroup).toBe(en.id);
  const missing = await failureOf(write({ variantGroup: "no-such-article" }));
  expect([missing.code, missing.field]).toEqual([GrpcStatus.INVALID_ARGUMENT, "variant_group"]);
});

test("feedback once per reader per published version; views once per reader per hour", async () => {
  const a = await publishArticle({ title: "Feedback article" });
  await client.articles.giveArticleFeedback({ id: a.id, helpful: true, comment: "" }, agent);
  const again = await failureOf(client.articles.giveArticleFeedback({ id: a.id, helpful: false, comment: "changed my mind" }, agent));
  expect(again.code).toBe(GrpcStatus.ABORTED);
  await client.articles.giveArticleFeedback({ id: a.id, helpful: false, comment: "unclear" }, as(tenant, "carol", ["analyst"]));
  await Promise.all(Array.from({ length: 5 }, () => client.articles.getArticle({ id: a.id }, agent)));
  const seen = await client.articles.getArticle({ id: a.id }, as(tenant, "carol", ["analyst"]));
  expect([seen.helpfulCount, seen.notHelpfulCount, seen.viewCount]).toEqual([1, 1, 2]);
  // An editor reading the draft counts no view.
  expect((await client.articles.getArticle({ id: a.id }, ann)).viewCount).toBe(2);
  // Lists count too.
  const listed = await client.articles.listArticles(
    { category: "", language: "", product: "", visibility: ArticleVisibility.ARTICLE_VISIBILITY_UNSPECIFIED, status: ArticleStatus.ARTICLE_STATUS_UNSPECIFIED, variantGroup: a.variantGroup },
    agent,
  );
  expect(listed.articles.map((x) => [x.id, x.helpfulCount, x.notHelpfulCount, x.viewCount])).toEqual([[a.id, 1, 1, 2]]);
});

test("a counted view publishes knowledge.article.viewed: once per reader per hour, with an id derived from the view", async () => {
  const a = await publishArticle({ title: "Viewed article", category: "Accounts", language: "en" });
  const seq = await nextSequence(bus);
  await client.articles.getArticle({ id: a.id }, agent);
  await client.articles.getArticle({ id: a.id }, agent);
  await client.articles.getArticle({ id: a.id }, ann);
  await client.articles.getArticle({ id: a.id }, as(tenant, "dave", ["support-agent"]));
  const read = async () =>
    (await readStream(bus, seq, "knowledge.article.viewed", (d) => ArticleViewed.decode(d).meta)).map((m) => ArticleViewed.decode(m.data)).filter((e) => e.articleId === a.id);
  // Both counted views are out: the repeated view and the editor's wrote none, so none can follow.
  const events = await eventually(read, (e) => ["agent", "dave"].every((v) => e.some((x) => x.viewerId === v)), "the viewed events");
  expect(events.map((e) => e.viewerId).sort()).toEqual(["agent", "dave"]);
  const first = events.find((e) => e.viewerId === "agent")!;
  expect([first.meta?.tenantId, first.meta?.entityId, first.title, first.category, first.language]).toEqual([tenant, a.id, "Viewed article", "Accounts", "en"]);
  const hour = viewHour(new Date(first.meta!.occurredAt!));
  expect(first.meta?.id).toBe(stableEventId("knowledge.article.viewed", `${tenant}/${a.id}:agent:${hour}`));
  expect((await client.articles.getArticle({ id: a.id }, ann)).viewCount).toBe(2);
});

test("articles are linked to cases the Service reported; an article counts the cases it solved", async () => {
  const a = await publishArticle({ title: "Toner replacement" });
  const caseId = `case-${runId()}`;
  expect((await failureOf(client.caseArticles.linkArticle({ caseId, articleId: a.id }, agent))).code).toBe(GrpcStatus.NOT_FOUND);
  await publishCase(bus, "service.case.opened", { tenantId: tenant, id: caseId, subject: "Toner empty", version: 1 });
  const link = await eventually(
    () => client.caseArticles.linkArticle({ caseId, articleId: a.id }, agent).catch(() => null),
    (l) => l !== null,
    "the case copy from the Service's event",
  );
  expect([link!.caseId, link!.articleId, link!.linkedBy, link!.article?.title]).toEqual([caseId, a.id, "agent", "Toner replacement"]);
  // Linking again answers the same link.
  expect((await client.caseArticles.linkArticle({ caseId, articleId: a.id }, agent)).linkedAt).toBe(link!.linkedAt);
  expect((await client.caseArticles.listLinkedArticles({ caseId }, agent)).links.map((l) => l.articleId)).toEqual([a.id]);
  expect((await client.articles.getArticle({ id: a.id }, agent)).casesSolved).toBe(1);
  // Another tenant knows neither the case nor the article.
  expect((await failureOf(client.caseArticles.listLinkedArticles({ caseId }, as(other, "agent", ["support-agent"])))).code).toBe(GrpcStatus.NOT_FOUND);
  // A deleted case is gone for links too.
  await publishCase(bus, "service.case.deleted", { tenantId: tenant, id: caseId, subject: "Toner empty", version: 2 });
  await eventually(
    () => failureOf(client.caseArticles.listLinkedArticles({ caseId }, agent)).catch(() => null),
    (f) => f?.code === GrpcStatus.NOT_FOUND,
    "the case deleted in the copy",
  );
});
