import type { Logger, PublishAfterWrite, Sequence } from "@relata/platform";
import type { ServiceModels } from "../store/models";
import type { ServiceRepositories } from "../store/repositories";
import type { SalesRefs } from "../store/sales-refs";
import type { CommentReplies } from "../workflows/comment-replies";
import type { ServiceSettingsStore } from "../store/settings";

/** What the gRPC handlers are built from (wired in main.ts). */
export interface ServiceDeps {
  repos: ServiceRepositories;
  /** Per-key numbers unique across replicas: case numbers, round-robin turns. */
  sequence: Sequence;
  logger: Logger;
  /** The models, and the relay's nudge after a write, for stores written outside a repository (a case's feedback). */
  models: ServiceModels;
  publish: PublishAfterWrite;
  /** The tenant's settings (the reopen window). */
  settings: ServiceSettingsStore;
  /** A case's account and contact: the local copy of Sales' records, and Sales where it lags. */
  salesRefs: SalesRefs;
  /** A public reply's second step (the case), and the sweep that finishes interrupted ones. */
  replies: CommentReplies;
}
