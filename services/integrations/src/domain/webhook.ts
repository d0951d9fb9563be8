import { randomBytes } from "node:crypto";
import type { ResourceRecord } from "@relata/platform/resource";
import type { TenantRecord } from "@relata/platform";
import type { webhook } from "../resources";

/** A webhook as stored: the described fields plus its signing secrets (never served in lists or events). */
export type WebhookRecord = ResourceRecord<typeof webhook.fields> & {
  secret: string;
  /** The secret before the last rotation, signing alongside until previousSecretExpiresAt. */
  previousSecret?: string;
  previousSecretExpiresAt?: Date;
};

export type DisabledReason = "gone" | "manual";

/** `whsec_` and 24 random bytes in base64: the Standard Webhooks secret format. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** The secrets an attempt at `now` is signed with: the current one, and the previous one while its overlap lasts. */
export function signingSecrets(w: Pick<WebhookRecord, "secret" | "previousSecret" | "previousSecretExpiresAt">, now: Date): string[] {
  const secrets = [w.secret];
  if (w.previousSecret && w.previousSecretExpiresAt && w.previousSecretExpiresAt.getTime() > now.getTime()) secrets.push(w.previousSecret);
  return secrets;
}

export type DeliveryStatusWord = "pending" | "succeeded" | "failed" | "cancelled";

export interface AttemptLogEntry {
  attempt: number;
  at: Date;
  responseStatus: number;
  latencyMs: number;
  responseBody: string;
  error: string;
}

/** One event (or ping) to send to one webhook, with every attempt made. Its id is the webhook-id header. */
export interface DeliveryRecord extends TenantRecord {
  webhookId: string;
  eventId: string;
  eventType: string;
  /** The JSON body, fixed at creation: every attempt sends the same bytes (signed afresh). */
  body: string;
  status: DeliveryStatusWord;
  /** Attempts made so far (the last attempt's number). */
  attempts: number;
  /** Series of attempts: 1, then one more per redelivery by hand; attempt numbers go on across series. */
  series: number;
  /** The attempt number that starts the current series (retries are counted from it). */
  seriesStart: number;
  nextAttemptAt?: Date;
  attemptLog: AttemptLogEntry[];
  createdAt: Date;
  updatedAt: Date;
}

/** The most of an endpoint's answer a delivery keeps. */
export const RESPONSE_BODY_LIMIT = 1024;
