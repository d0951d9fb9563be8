import type { Logger } from "@relata/platform";
import type { AssignmentRules } from "../store/assignment";
import type { Pipelines } from "../store/pipelines";
import type { SalesRepositories } from "../store/repositories";
import type { Conversions } from "../workflows/conversion";
import type { Territories } from "../workflows/territories";
import type { QuotaReader } from "../workflows/forecast";

/** What the gRPC handlers are built from (wired in main.ts). */
export interface SalesDeps {
  repos: SalesRepositories;
  pipelines: Pipelines;
  assignmentRules: AssignmentRules;
  conversions: Conversions;
  logger: Logger;
  /** Territory placement and reassignment. */
  territories: Territories;
  /** Reporting's quotas, for the forecast. */
  quotas: QuotaReader;
}
