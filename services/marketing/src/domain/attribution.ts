import type { OpportunityVersion } from "./results";

/**
 * The facts results are computed from, each written once from one event under a unique `_id`
 * (a redelivered event writes nothing new) and never changed.
 */

/** A Sales lead that names a campaign: `<tenantId>/<leadId>`; the first campaign it named is kept. */
export interface AttributedLeadRecord {
  _id: string;
  tenantId: string;
  leadId: string;
  campaignId: string;
  /** When Sales reported it. */
  at: Date;
}

/** One version of an opportunity made from a lead: `<tenantId>/<opportunityId>:<version>`. */
export interface OpportunityVersionRecord extends OpportunityVersion {
  _id: string;
  tenantId: string;
  leadId: string;
  at: Date;
}

/** A response to a campaign: `<tenantId>/<responseId>`. */
export interface ResponseFactRecord {
  _id: string;
  tenantId: string;
  responseId: string;
  campaignId: string;
  personId: string;
  type: string;
  channel: string;
  at: Date;
}
