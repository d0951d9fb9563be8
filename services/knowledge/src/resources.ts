import { ROLES, type Role } from "@relata/platform";
import { enumCodec, f, resource } from "@relata/platform/resource";
import { Article, ArticleStatus, ArticleVisibility, CreateArticleRequest, ListArticlesRequest, UpdateArticleRequest } from "@relata/proto/knowledge/v1/article";

/**
 * The Knowledge-Base's CRUD resources, described once: the API's schemas, the service's input
 * checks, the collections and indexes, the record ↔ message codec, the event subjects and the
 * permission rows derive from these. This module imports no runtime of the service, so the
 * gateway can import it through `@relata/knowledge/resources`.
 */

/** Who writes articles and approves other editors' versions. */
export const KB_EDITORS: readonly Role[] = ["tenant-admin", "kb-editor"];
/** Every tenant role reads internal articles (their latest published version). */
export const KB_READERS: readonly Role[] = ROLES;
/** Who links an article to the case it solved: whoever works cases. */
export const CASE_WORKERS: readonly Role[] = ["tenant-admin", "support-agent", "support-manager"];

export const articleStatus = enumCodec(ArticleStatus, "ARTICLE_STATUS_");
export const articleVisibility = enumCodec(ArticleVisibility, "ARTICLE_VISIBILITY_");

/** A BCP 47 language tag as articles carry it: "en", "de", "ru", "pt-BR", "zh-Hant". */
export const LANGUAGE_TAG = { regex: /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, message: 'must be a BCP 47 language tag such as "en" or "pt-BR"' };

export const article = resource<Article, CreateArticleRequest, UpdateArticleRequest, ListArticlesRequest>()({
  name: "knowledge.article",
  path: "/v1/articles",
  collection: "articles",
  fields: {
    title: f.text(300).required().sortable(),
    body: f.text(100_000).required().describe("Markdown. Raw HTML in it is kept out of body_html."),
    bodyHtml: f.text(400_000).readOnly().describe("The body rendered to HTML and sanitised: safe to show as it is."),
    summary: f.text(1_000).clearable(),
    category: f.text(100).clearable().filter(),
    tags: f.list(f.text(50), 20),
    language: f.text(35, { pattern: LANGUAGE_TAG }).defaulted('A BCP 47 language tag; defaults to "en".').filter(),
    product: f.text(200).clearable().filter(),
    visibility: f.enum(articleVisibility).defaulted('"internal" (every person of the tenant, the default) or "public" (partner portals too).').filter(),
    variantGroup: f
      .ref("knowledge.article")
      .createOnly()
      .defaulted("Another article this one is a language variant of (its group is joined); defaults to a group of its own (its id).")
      .filter(),
    status: f.enum(articleStatus).readOnly().filter(),
    contentVersion: f.int(1, 1_000_000).readOnly().describe("The number of the version this answer holds: the latest for editors, the published one for readers."),
    publishedVersion: f.int(0, 1_000_000).readOnly().describe("The published version's number; 0 while none has been."),
    publishedAt: f.timestamp().readOnly(),
    authorId: f.owner().readOnly().describe("Who wrote the version this answer holds."),
    casesSolved: f.int(0, 1_000_000_000).readOnly().describe("Cases an agent linked it to as their solution."),
    helpfulCount: f.int(0, 1_000_000_000).readOnly(),
    notHelpfulCount: f.int(0, 1_000_000_000).readOnly(),
    viewCount: f.int(0, 1_000_000_000).readOnly().describe("Views of the published article, one per reader per hour."),
  },
  access: {
    read: KB_READERS,
    write: KB_EDITORS,
    scopes: { read: "knowledge:read", create: "knowledge:write", update: "knowledge:write" },
    says: { update: "write, review and archive articles" },
  },
});

/** Every CRUD resource of the Knowledge-Base, in the order the API lists them. */
export const KNOWLEDGE_RESOURCES = [article] as const;
