import type { StreamSpec } from "@relata/platform";
import { eventSubjects } from "@relata/platform/resource";
import { campaign, marketingList, scoringRule, segment } from "../resources";

/**
 * The stream every Marketing event is published on. It holds message schedules too: a
 * campaign's start and end are fired by the server on time, whether or not Marketing is up.
 */
export const MARKETING_STREAM: StreamSpec = { name: "MARKETING", subjects: ["marketing.>"], allowMsgSchedules: true };

/** The generic changes of each CRUD resource, from its description: `marketing.campaign.created|updated|deleted|restored`. */
export const RESOURCE_SUBJECTS = { campaign: eventSubjects(campaign), marketingList: eventSubjects(marketingList), scoringRule: eventSubjects(scoringRule), segment: eventSubjects(segment) };

/** The rest of the event catalogue (docs/events.md). */
export const SUBJECTS = {
  // The campaign lifecycle (CampaignChanged; launched carries the launch report).
  campaignScheduled: "marketing.campaign.scheduled",
  campaignLaunched: "marketing.campaign.launched",
  campaignCompleted: "marketing.campaign.completed",
  campaignCancelled: "marketing.campaign.cancelled",
  // Published by the campaign's JetStream message schedules at its start and end (CampaignDue).
  campaignStartDue: "marketing.campaign.start_due",
  campaignEndDue: "marketing.campaign.end_due",
  // A call of a call list was made (CallLogged).
  callLogged: "marketing.call.logged",
  consentGranted: "marketing.consent.granted",
  consentWithdrawn: "marketing.consent.withdrawn",
  responseRecorded: "marketing.response.recorded",
  leadScored: "marketing.lead.scored",
} as const;

/**
 * Sales' stream, whose contact, account, lead and opportunity events build the audience and the
 * campaigns' attribution. The same spec as Sales' own (ensuring it is then a no-op), so either
 * may start first.
 */
export const SALES_STREAM: StreamSpec = { name: "SALES", subjects: ["sales.>"] };
