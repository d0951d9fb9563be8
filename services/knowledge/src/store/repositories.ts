import { repository, type PublishAfterWrite } from "@relata/platform";
import type { ArticleRecord } from "../domain/types";
import { article } from "../resources";
import type { KnowledgeModels } from "./models";

/** The Knowledge-Base's records, each bound to the caller's tenant per call (`repos.articles.in(ctx)`). */
export function knowledgeRepositories(models: KnowledgeModels, publish: PublishAfterWrite) {
  return {
    articles: repository<ArticleRecord>(models.articles, { what: "article", sortable: article.sorts, defaultSort: article.defaultSort, publish }),
  };
}

export type KnowledgeRepositories = ReturnType<typeof knowledgeRepositories>;
