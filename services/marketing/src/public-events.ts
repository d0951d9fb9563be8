import { lifecycleTypes, publicEvents, type PublicEvent } from "@relata/platform/http";
import * as events from "@relata/proto/events/v1/marketing";
import { MARKETING_STREAM } from "./events/stream";
import { campaign, marketingList, scoringRule, segment } from "./resources";

/** The events partners' webhooks may subscribe to (docs/events.md); the campaign clock's schedules are internal. */
const stream = MARKETING_STREAM.name;
export const MARKETING_PUBLIC_EVENTS: readonly PublicEvent[] = [
  ...publicEvents(stream, events, "CampaignChanged", lifecycleTypes("marketing.campaign", "scheduled", "launched", "completed", "cancelled"), {
    resource: campaign,
    field: "campaign",
  }),
  ...publicEvents(stream, events, "CallLogged", ["marketing.call.logged"]),
  ...publicEvents(stream, events, "MarketingListChanged", lifecycleTypes("marketing.list"), { resource: marketingList, field: "list" }),
  ...publicEvents(stream, events, "ConsentChanged", ["marketing.consent.granted", "marketing.consent.withdrawn"]),
  ...publicEvents(stream, events, "ResponseRecorded", ["marketing.response.recorded"]),
  ...publicEvents(stream, events, "ScoringRuleChanged", lifecycleTypes("marketing.scoring_rule"), { resource: scoringRule, field: "scoringRule" }),
  ...publicEvents(stream, events, "LeadScored", ["marketing.lead.scored"]),
  ...publicEvents(stream, events, "SegmentChanged", lifecycleTypes("marketing.segment"), { resource: segment, field: "segment" }),
];
