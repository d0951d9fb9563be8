import type { ArticleFeedback, ArticleVersion } from "@relata/proto/knowledge/v1/article";
import type { CaseArticleLink } from "@relata/proto/knowledge/v1/case_link";
import { toJson } from "@relata/platform/resource";
import { DateTime, Id, named, orNull, OwnerId, PAGE_CURSOR, PAGE_LIMIT, pageOf, crudSchemas, reference } from "@relata/platform/http";
import { z } from "zod";
import { article, articleVisibility } from "../../resources";

/** The article's record schema (registered by crudRoutes, so read after it). */
export const articleJson = () => crudSchemas(article).json;

export const ArticleReview = named(
  "ArticleReview",
  z.strictObject({ comment: z.string().max(2_000).optional().meta({ description: "The reviewer's comment: required to reject." }) }),
);

export const ArticleReject = named(
  "ArticleReject",
  z.strictObject({ comment: z.string().trim().min(1, "a rejection must say why").max(2_000).meta({ description: "Why the version is sent back." }) }),
);

export const VersionsQuery = z.strictObject({ limit: PAGE_LIMIT.optional(), cursor: PAGE_CURSOR.optional() });

const ArticleVersionJson = named(
  "ArticleVersion",
  z.object({
    articleId: Id,
    number: z.number().int().meta({ description: "1 for the article as first written, then one more per edit." }),
    title: z.string(),
    body: z.string(),
    summary: z.string().nullable(),
    category: z.string().nullable(),
    tags: z.array(z.string()),
    language: z.string(),
    product: z.string().nullable(),
    visibility: articleVisibility.schema,
    authorId: OwnerId.meta({ description: "Who made this version." }),
    createdAt: DateTime,
  }),
  "One version of an article, as the edit left it.",
);
export const ArticleVersionPage = pageOf("ArticleVersionPage", ArticleVersionJson);

export function articleVersionJson(v: ArticleVersion): z.output<typeof ArticleVersionJson> {
  return {
    articleId: v.articleId,
    number: v.number,
    title: v.title,
    body: v.body,
    summary: orNull(v.summary),
    category: orNull(v.category),
    tags: v.tags?.values ?? [],
    language: v.language,
    product: orNull(v.product),
    visibility: articleVisibility.fromProto(v.visibility) ?? "internal",
    authorId: v.authorId,
    createdAt: v.createdAt ?? "",
  };
}

export const FeedbackInput = named(
  "ArticleFeedbackInput",
  z.strictObject({
    helpful: z.boolean().meta({ description: "Whether the article helped." }),
    comment: z.string().max(2_000).optional(),
  }),
);

export const FeedbackJson = named(
  "ArticleFeedback",
  z.object({
    articleId: Id,
    articleVersion: z.number().int().meta({ description: "The published version the feedback is about." }),
    helpful: z.boolean(),
    comment: z.string().nullable(),
    readerId: OwnerId,
    createdAt: DateTime,
  }),
  "A reader's feedback: one per reader per published version.",
);

export function feedbackJson(f: ArticleFeedback): z.output<typeof FeedbackJson> {
  return { articleId: f.articleId, articleVersion: f.articleVersion, helpful: f.helpful, comment: orNull(f.comment), readerId: f.readerId, createdAt: f.createdAt ?? "" };
}

export const CaseIdParams = z.strictObject({ id: Id.meta({ description: "The Service's case id." }) });

export const LinkInput = named("CaseArticleLinkInput", z.strictObject({ articleId: Id.meta({ description: "The article that solved the case.", ...reference("knowledge.article") }) }));

/** A link's schema and its list's (after the article's routes: they embed the article). */
export function linkSchemas() {
  const Link = named(
    "CaseArticleLink",
    z.object({ caseId: Id, articleId: Id, linkedBy: OwnerId, linkedAt: DateTime, article: articleJson() }),
    "An article an agent linked to the case it solved.",
  );
  return { Link, LinkList: named("CaseArticleLinkList", z.object({ data: z.array(Link) })) };
}

export function linkJson(l: CaseArticleLink) {
  return { caseId: l.caseId, articleId: l.articleId, linkedBy: l.linkedBy, linkedAt: l.linkedAt ?? "", article: l.article ? toJson(article, l.article) : null };
}
