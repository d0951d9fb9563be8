import type { PromiseClients } from "@relata/platform";
import { CampaignServiceService } from "@relata/proto/marketing/v1/campaign";
import { CallListServiceService } from "@relata/proto/marketing/v1/call_list";
import { SurveyServiceService } from "@relata/proto/marketing/v1/survey";
import { ConsentServiceService } from "@relata/proto/marketing/v1/consent";
import { MarketingListServiceService } from "@relata/proto/marketing/v1/marketing_list";
import { CampaignResultsServiceService } from "@relata/proto/marketing/v1/results";
import { ResponseServiceService } from "@relata/proto/marketing/v1/response";
import { ScoringRuleServiceService } from "@relata/proto/marketing/v1/scoring";
import { SegmentServiceService } from "@relata/proto/marketing/v1/segment";

/**
 * Marketing's gRPC services by a short name: every caller (the gateway, the tests) builds its
 * clients from this map. This module imports no runtime of the service, so callers import it
 * through `@relata/marketing/client`.
 */
export const marketingServices = {
  campaigns: CampaignServiceService,
  callLists: CallListServiceService,
  surveys: SurveyServiceService,
  consents: ConsentServiceService,
  lists: MarketingListServiceService,
  results: CampaignResultsServiceService,
  responses: ResponseServiceService,
  scoringRules: ScoringRuleServiceService,
  segments: SegmentServiceService,
};

/** Promise clients of every Marketing gRPC service. */
export type MarketingClients = PromiseClients<typeof marketingServices>;
