import type { Logger, PublishAfterWrite } from "@relata/platform";
import type { KnowledgeModels } from "../store/models";
import type { KnowledgeRepositories } from "../store/repositories";

/** What the gRPC handlers are built from (wired in main.ts). */
export interface KnowledgeDeps {
  repos: KnowledgeRepositories;
  models: KnowledgeModels;
  /** Nudges the outbox relay after a write of a document with pending events. */
  publish: PublishAfterWrite;
  logger: Logger;
}
