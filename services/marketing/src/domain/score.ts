import { stableEventId } from "@relata/platform";
import type { LeadAttributes, ScoredBehaviour } from "./scoring";

/** What Sales' lead events say of a lead: its attributes at a record version, deleted or not. */
export interface LeadFacts {
  leadId: string;
  version: number;
  attributes: LeadAttributes;
  deleted: boolean;
}

/**
 * A Sales lead's scoring state: `<tenantId>/<leadId>`. Its attributes are copied from Sales'
 * lead events (only a newer record version replaces them); its behaviours are the responses
 * that count for it. `score` and `scoredAt` are what was last sent to Sales.
 */
export interface LeadScoreRecord {
  _id: string;
  tenantId: string;
  leadId: string;
  /** The lead's record version the attributes come from; 0 while Sales' events have not told of it yet. */
  leadVersion: number;
  attributes: LeadAttributes;
  /** The lead is deleted in Sales: nothing is sent for it until it is restored. */
  leadDeleted: boolean;
  behaviours: ScoredBehaviour[];
  /** The score last sent to Sales; before the first, 0 (a new lead's score there). */
  score: number;
  /** When the score last sent was computed: increasing per lead, the order Sales applies them in. */
  scoredAt?: Date;
  /** Optimistic concurrency of this document (every change is conditional on it). */
  version: number;
  updatedAt: Date;
}

export const leadScoreId = (tenantId: string, leadId: string) => `${tenantId}/${leadId}`;

/**
 * The id of the lead an interested response becomes, derived from the tenant and the response id
 * and carried in its event (`ResponseRecorded.lead_id`): Sales inserts the lead under it (the one
 * atomic step FerretDB offers, so however often the event is delivered exactly one lead is made),
 * and Marketing's scoring knows the lead a response became without asking.
 */
export const leadIdOfResponse = (tenantId: string, responseId: string) => stableEventId("relata.marketing.response-lead", tenantId, responseId);
