import type { PromiseClients } from "@relata/platform";
import { ArticleServiceService } from "@relata/proto/knowledge/v1/article";
import { CaseArticleServiceService } from "@relata/proto/knowledge/v1/case_link";
import { ArticleSearchServiceService } from "@relata/proto/knowledge/v1/search";

/**
 * The Knowledge-Base's gRPC services by a short name: every caller (the gateway, the tests)
 * builds its clients from this map. This module imports no runtime of the service, so callers
 * import it through `@relata/knowledge/client`.
 */
export const knowledgeServices = {
  articles: ArticleServiceService,
  caseArticles: CaseArticleServiceService,
  search: ArticleSearchServiceService,
};

/** Promise clients of every Knowledge-Base gRPC service. */
export type KnowledgeClients = PromiseClients<typeof knowledgeServices>;
