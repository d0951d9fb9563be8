import { toMessage, type ResourceRecord } from "@relata/platform/resource";
import type { Article, ArticleFeedback, ArticleVersion } from "@relata/proto/knowledge/v1/article";
import type { ArticleAudience } from "../domain/workflow";
import type { ArticleRecord, ArticleVersionRecord } from "../domain/types";
import type { FeedbackRecord } from "../store/models";
import { article, articleVisibility } from "../resources";

/** What an article's answer counts when read (absent in an event's snapshot: 0). */
export interface ArticleCounts {
  casesSolved: number;
  helpfulCount: number;
  notHelpfulCount: number;
  viewCount: number;
}

const NO_COUNTS: ArticleCounts = { casesSolved: 0, helpfulCount: 0, notHelpfulCount: 0, viewCount: 0 };

/** The article as editors see it: its latest version and its workflow. */
export const toArticle = (r: ArticleRecord, counts: ArticleCounts = NO_COUNTS): Article => {
  const { published: _published, reviewVersion: _review, ...record } = r;
  return toMessage(article, { ...record, ...counts } as ResourceRecord<typeof article.fields>);
};

/** The article as readers see it: its published version, or null when they may not see it at all. */
export function servedRecord(r: ArticleRecord, audience: ArticleAudience): ArticleRecord | null {
  if (audience === "editor") return r;
  const published = r.published;
  if (!published) return null;
  if (audience === "public" && published.visibility !== "public") return null;
  return { ...r, ...published, status: "published", publishedVersion: published.contentVersion };
}

/** The published version as a message (an event's `published`), or undefined when none is served. */
export const toPublishedArticle = (r: ArticleRecord): Article | undefined => {
  const served = servedRecord(r, "reader");
  return served ? toArticle(served) : undefined;
};

export const toArticleVersion = (v: ArticleVersionRecord): ArticleVersion => ({
  articleId: v.articleId,
  number: v.number,
  title: v.title,
  body: v.body,
  summary: v.summary ?? "",
  category: v.category ?? "",
  tags: { values: v.tags ?? [] },
  language: v.language,
  product: v.product ?? "",
  visibility: articleVisibility.toProto(v.visibility),
  authorId: v.authorId,
  createdAt: v.createdAt.toISOString(),
});

export const toArticleFeedback = (f: FeedbackRecord): ArticleFeedback => ({
  articleId: f.articleId,
  articleVersion: f.articleVersion,
  helpful: f.helpful,
  comment: f.comment,
  readerId: f.readerId,
  createdAt: f.createdAt.toISOString(),
});
