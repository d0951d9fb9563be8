import type { Logger, Sequence } from "@relata/platform";
import type { ServiceRepositories } from "../store/repositories";

/** What the gRPC handlers are built from (wired in main.ts). */
export interface ServiceDeps {
  repos: ServiceRepositories;
  /** Per-key numbers unique across replicas: case numbers, round-robin turns. */
  sequence: Sequence;
  logger: Logger;
}
