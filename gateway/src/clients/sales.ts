import { promiseClient, type PromiseClient } from "@relata/platform";
import type { Client } from "@grpc/grpc-js";
import { AccountServiceService } from "@relata/proto/sales/v1/account";
import { ActivityServiceService } from "@relata/proto/sales/v1/activity";
import { ContactServiceService } from "@relata/proto/sales/v1/contact";
import { LeadServiceService } from "@relata/proto/sales/v1/lead";
import { OpportunityServiceService } from "@relata/proto/sales/v1/opportunity";
import { PipelineServiceService } from "@relata/proto/sales/v1/pipeline";
import { TimelineServiceService } from "@relata/proto/sales/v1/timeline";

/** Promise clients of every Sales service, sharing one channel. */
export interface SalesClients {
  accounts: PromiseClient<typeof AccountServiceService>;
  contacts: PromiseClient<typeof ContactServiceService>;
  leads: PromiseClient<typeof LeadServiceService>;
  opportunities: PromiseClient<typeof OpportunityServiceService>;
  pipeline: PromiseClient<typeof PipelineServiceService>;
  activities: PromiseClient<typeof ActivityServiceService>;
  timeline: PromiseClient<typeof TimelineServiceService>;
}

export function salesClients(channel: Client, defaultTimeoutMs: number): SalesClients {
  const options = { defaultTimeoutMs };
  return {
    accounts: promiseClient(AccountServiceService, channel, options),
    contacts: promiseClient(ContactServiceService, channel, options),
    leads: promiseClient(LeadServiceService, channel, options),
    opportunities: promiseClient(OpportunityServiceService, channel, options),
    pipeline: promiseClient(PipelineServiceService, channel, options),
    activities: promiseClient(ActivityServiceService, channel, options),
    timeline: promiseClient(TimelineServiceService, channel, options),
  };
}
