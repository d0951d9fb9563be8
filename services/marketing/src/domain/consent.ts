import { InvalidArgument } from "@relata/platform";
import type { ConsentStatus, MarketingChannel } from "./types";

/**
 * One change of a person's consent on a channel, kept as proof: inserted once under a unique
 * `_id` and never changed (only its outbox is emptied once its event is published).
 */
export interface ConsentChangeRecord {
  _id: string;
  tenantId: string;
  personId: string;
  channel: MarketingChannel;
  status: ConsentStatus;
  /** Where it was given or withdrawn: "web form", "unsubscribe link", "campaign response"... */
  source: string;
  /** When the person gave or withdrew it: the current consent follows the latest by this time. */
  at: Date;
  /** When Marketing recorded it, and who did ("anonymous" for an unsubscribe link). */
  recordedAt: Date;
  recordedBy: string;
  /** The campaign whose link or response caused it; "" otherwise. */
  campaignId: string;
}

/** How far ahead of this server's clock a change may be dated (the caller's clock may run ahead a little). */
export const CONSENT_CLOCK_SKEW_MS = 60_000;

/** When a change happened: now when not given; never in the future. */
export function consentTime(at: Date | undefined, now: Date): Date {
  if (!at) return now;
  if (at.getTime() > now.getTime() + CONSENT_CLOCK_SKEW_MS) throw new InvalidArgument("at", "at: must not be in the future");
  return at;
}

/**
 * The order of changes of one person and channel: the latest `at` wins; among changes made at
 * the same moment, the one recorded last, then the greater id, so that every reader agrees.
 */
export const LATEST_FIRST = { at: -1, recordedAt: -1, _id: -1 } as const;

/** The sources Marketing itself writes. */
export const CONSENT_SOURCES = { unsubscribeLink: "unsubscribe link", campaignResponse: "campaign response" } as const;
