// Generated code lives under ./gen (from proto/ by `buf generate`); import a file's module
// through the package's subpath exports, e.g. "@relata/proto/sales/v1/lead".
export * as common from "./gen/relata/common/v1/common";
export * as events from "./gen/relata/events/v1/sales";
export * as eventMeta from "./gen/relata/events/v1/meta";

import { AccountServiceService } from "./gen/relata/sales/v1/account";
import { ActivityServiceService } from "./gen/relata/sales/v1/activity";
import { ContactServiceService } from "./gen/relata/sales/v1/contact";
import { LeadServiceService } from "./gen/relata/sales/v1/lead";
import { OpportunityServiceService } from "./gen/relata/sales/v1/opportunity";
import { PipelineServiceService } from "./gen/relata/sales/v1/pipeline";
import { TimelineServiceService } from "./gen/relata/sales/v1/timeline";

/** The Sales gRPC services by a short name: every caller builds its clients from this map. */
export const salesServices = {
  accounts: AccountServiceService,
  contacts: ContactServiceService,
  leads: LeadServiceService,
  opportunities: OpportunityServiceService,
  pipeline: PipelineServiceService,
  activities: ActivityServiceService,
  timeline: TimelineServiceService,
};
