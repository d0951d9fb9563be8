import type { StreamSpec } from "@relata/platform";
import { eventSubjects } from "@relata/platform/resource";
import { account, activity, contact, lead, opportunity } from "../resources";

/** The stream every Sales event is published on. */
// allowMsgSchedules: quotes expire on time through JetStream message schedules (docs/commerce.md).
export const SALES_STREAM: StreamSpec = { name: "SALES", subjects: ["sales.>"], allowMsgSchedules: true };

/** The generic changes of each CRUD resource, from its description: `sales.<resource>.created|updated|deleted|restored`. */
export const RESOURCE_SUBJECTS = {
  account: eventSubjects(account),
  contact: eventSubjects(contact),
  lead: eventSubjects(lead),
  opportunity: eventSubjects(opportunity),
  activity: eventSubjects(activity),
};

/** What the custom verbs report (the rest of the event catalogue). An activity's create is "logged". */
export const SUBJECTS = {
  leadQualified: "sales.lead.qualified",
  leadDisqualified: "sales.lead.disqualified",
  leadAssigned: "sales.lead.assigned",
  leadConverted: "sales.lead.converted",
  opportunityStageChanged: "sales.opportunity.stage_changed",
  opportunityWon: "sales.opportunity.won",
  opportunityLost: "sales.opportunity.lost",
  activityLogged: "sales.activity.logged",
  activityCompleted: "sales.activity.completed",
} as const;
