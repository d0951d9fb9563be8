import type { StreamSpec } from "@relata/platform";

/** The stream every Sales event is published on. */
export const SALES_STREAM: StreamSpec = { name: "SALES", subjects: ["sales.>"] };

/** Every subject the Sales service publishes (the event catalogue). */
export const SUBJECTS = {
  accountCreated: "sales.account.created",
  accountUpdated: "sales.account.updated",
  contactCreated: "sales.contact.created",
  contactUpdated: "sales.contact.updated",
  leadCreated: "sales.lead.created",
  leadUpdated: "sales.lead.updated",
  leadQualified: "sales.lead.qualified",
  leadDisqualified: "sales.lead.disqualified",
  leadAssigned: "sales.lead.assigned",
  leadConverted: "sales.lead.converted",
  opportunityCreated: "sales.opportunity.created",
  opportunityUpdated: "sales.opportunity.updated",
  opportunityStageChanged: "sales.opportunity.stage_changed",
  opportunityWon: "sales.opportunity.won",
  opportunityLost: "sales.opportunity.lost",
  activityLogged: "sales.activity.logged",
  activityUpdated: "sales.activity.updated",
  activityCompleted: "sales.activity.completed",
} as const;

export type SalesSubject = (typeof SUBJECTS)[keyof typeof SUBJECTS];

