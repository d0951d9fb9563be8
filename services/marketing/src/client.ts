import type { PromiseClients } from "@relata/platform";
import { CampaignServiceService } from "@relata/proto/marketing/v1/campaign";
import { ResponseServiceService } from "@relata/proto/marketing/v1/response";
import { ScoringRuleServiceService } from "@relata/proto/marketing/v1/scoring";

/**
 * Marketing's gRPC services by a short name: every caller (the gateway, the tests) builds its
 * clients from this map. This module imports no runtime of the service, so callers import it
 * through `@relata/marketing/client`.
 */
export const marketingServices = {
  campaigns: CampaignServiceService,
  responses: ResponseServiceService,
  scoringRules: ScoringRuleServiceService,
};

/** Promise clients of every Marketing gRPC service. */
export type MarketingClients = PromiseClients<typeof marketingServices>;
