import type { Dependent, Logger } from "@relata/platform";
import type { AssignmentRules } from "../store/assignment";
import type { Pipelines } from "../store/pipelines";
import type { SalesRepositories } from "../store/repositories";
import type { Conversions } from "../workflows/conversion";
import type { ProposalProfiles } from "../store/proposal-profiles";
import type { CallContext } from "@relata/platform";
import type { Quote } from "@relata/proto/sales/v1/quote";
import type { Territories } from "../workflows/territories";
import type { QuotaReader } from "../workflows/forecast";

/** What the gRPC handlers are built from (wired in main.ts). */
export interface SalesDeps {
  repos: SalesRepositories;
  pipelines: Pipelines;
  assignmentRules: AssignmentRules;
  conversions: Conversions;
  logger: Logger;
  proposalProfiles: ProposalProfiles;
  /** Reads a quote of the caller's tenant for its proposal document. */
  loadQuote: LoadQuote;
  /** Territory placement and reassignment. */
  territories: Territories;
  /** Reporting's quotas, for the forecast. */
  quotas: QuotaReader;
  /** What an opportunity may not be deleted from under: its orders (revenue Reporting counts). */
  opportunityDependents: readonly Dependent[];
}

/** Reads a quote of the caller's tenant (NOT_FOUND when it has none by that id); given by the composition root. */
export type LoadQuote = (ctx: CallContext, id: string) => Promise<Quote>;
