import type { Logger, Sequence } from "@relata/platform";
import type { ServiceModels } from "../store/models";
import type { ServiceRepositories } from "../store/repositories";

/** What the gRPC handlers are built from (wired in main.ts). */
export interface ServiceDeps {
  repos: ServiceRepositories;
  /** Per-key numbers unique across replicas: case numbers, round-robin turns. */
  sequence: Sequence;
  logger: Logger;
  /** The models, for what is not a repository's: claims of entitlement units and appointment slots. */
  models: ServiceModels;
}
