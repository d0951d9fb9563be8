import type { ResourceRecord } from "@relata/platform/resource";
import type { article, articleStatus, articleVisibility } from "../resources";

/**
 * The Knowledge-Base's records as the service keeps them. Enumerations are short lowercase
 * names here (the database and the rules speak them); the gRPC layer maps them to the proto enums.
 */

export type ArticleStatus = (typeof articleStatus.words)[number];
export type ArticleVisibility = (typeof articleVisibility.words)[number];

/** What an article's answer counts when it is read. */
export type CountField = "casesSolved" | "helpfulCount" | "notHelpfulCount" | "viewCount";

/** What a version of an article holds: its content, as written. */
export interface ArticleContent {
  title: string;
  body: string;
  summary?: string;
  category?: string;
  tags: string[];
  language: string;
  product?: string;
  visibility: ArticleVisibility;
}

export const CONTENT_FIELDS = ["title", "body", "summary", "category", "tags", "language", "product", "visibility"] as const satisfies readonly (keyof ArticleContent)[];

/** The version readers are served, copied into the article by the approval that published it. */
export interface PublishedContent extends ArticleContent {
  bodyHtml: string;
  contentVersion: number;
  authorId: string;
  publishedAt: Date;
}

/**
 * An article as stored: its latest version's content (what editors work on) and, apart, the
 * published version readers see, so that publishing a new one replaces it in one write. Its
 * counts (cases solved, feedback, views) are counted when read, never stored.
 */
export type ArticleRecord = Omit<ResourceRecord<typeof article.fields>, CountField | "status" | "visibility" | "language" | "tags"> & {
  status: ArticleStatus;
  visibility: ArticleVisibility;
  language: string;
  tags: string[];
  /** Absent while no version is published, and once archived. */
  published?: PublishedContent | null;
  /** The version in review (0 when none is). */
  reviewVersion?: number;
};

/** One version of an article's content, kept as the edit left it (never changed). */
export interface ArticleVersionRecord extends ArticleContent {
  /** `<tenantId>/<articleId>:<number>`: the unique insert that claims the number. */
  _id: string;
  tenantId: string;
  articleId: string;
  number: number;
  authorId: string;
  createdAt: Date;
}
