import type { BaseRecord } from "@relata/platform";
import type { responseType } from "../resources";
import type { MarketingChannel, PersonKind } from "./types";

/** A response's type as the service keeps it: "opened", "clicked", ..., "interested". */
export type ResponseTypeWord = (typeof responseType.words)[number];

/** Who responded: a campaign member's details as fixed at launch, or a web form's. */
export interface RespondentDetails {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  company: string;
}

/**
 * One response to a campaign, recorded once (its create is idempotent by Idempotency-Key), with
 * its `marketing.response.recorded` event in its own outbox.
 */
export interface ResponseRecord extends BaseRecord, RespondentDetails {
  campaignId: string;
  type: ResponseTypeWord;
  /** The campaign member who responded (a Sales contact or lead id); "" for a web-form respondent. */
  personId: string;
  /** What the member is in Sales; "" for a web-form respondent. */
  personKind: PersonKind | "";
  /** "" when not given. */
  channel: MarketingChannel | "";
  occurredAt: Date;
  note: string;
  /** The user or partner client who recorded it. */
  recordedBy: string;
}

/** A response may be recorded while its campaign runs, and only then. */
export const RESPONDING_STATUS = "running";
