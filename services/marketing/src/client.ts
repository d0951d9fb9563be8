import type { PromiseClients } from "@relata/platform";
import { CampaignServiceService } from "@relata/proto/marketing/v1/campaign";
import { SegmentServiceService } from "@relata/proto/marketing/v1/segment";

/**
 * Marketing's gRPC services by a short name: every caller (the gateway, the tests) builds its
 * clients from this map. This module imports no runtime of the service, so callers import it
 * through `@relata/marketing/client`.
 */
export const marketingServices = {
  campaigns: CampaignServiceService,
  segments: SegmentServiceService,
};

/** Promise clients of every Marketing gRPC service. */
export type MarketingClients = PromiseClients<typeof marketingServices>;
