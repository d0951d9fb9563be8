import type { StreamSpec } from "@relata/platform";

/** The stream every Sales event is published on. */
export const SALES_STREAM: StreamSpec = { name: "SALES", subjects: ["sales.>"] };

/** Every subject the Sales service publishes (the event catalogue). */
export const SUBJECTS = {
  accountCreated: "sales.account.created",
  accountUpdated: "sales.account.updated",
  accountDeleted: "sales.account.deleted",
  accountRestored: "sales.account.restored",
  contactCreated: "sales.contact.created",
  contactUpdated: "sales.contact.updated",
  contactDeleted: "sales.contact.deleted",
  contactRestored: "sales.contact.restored",
  leadCreated: "sales.lead.created",
  leadUpdated: "sales.lead.updated",
  leadQualified: "sales.lead.qualified",
  leadDisqualified: "sales.lead.disqualified",
  leadAssigned: "sales.lead.assigned",
  leadConverted: "sales.lead.converted",
  leadDeleted: "sales.lead.deleted",
  leadRestored: "sales.lead.restored",
  opportunityCreated: "sales.opportunity.created",
  opportunityUpdated: "sales.opportunity.updated",
  opportunityStageChanged: "sales.opportunity.stage_changed",
  opportunityWon: "sales.opportunity.won",
  opportunityLost: "sales.opportunity.lost",
  opportunityDeleted: "sales.opportunity.deleted",
  opportunityRestored: "sales.opportunity.restored",
  activityLogged: "sales.activity.logged",
  activityUpdated: "sales.activity.updated",
  activityCompleted: "sales.activity.completed",
  activityDeleted: "sales.activity.deleted",
  activityRestored: "sales.activity.restored",
} as const;

export type SalesSubject = (typeof SUBJECTS)[keyof typeof SUBJECTS];

