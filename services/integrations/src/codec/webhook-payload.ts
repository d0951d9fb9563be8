import { Webhook as StandardWebhook } from "standardwebhooks";

/** The JSON body of a delivery (Standard Webhooks' recommended shape: type, timestamp, data). */
export interface DeliveryPayload {
  type: string;
  id: string;
  tenantId: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export function deliveryBody(payload: DeliveryPayload): string {
  return JSON.stringify(payload);
}

/**
 * The Standard Webhooks headers of one attempt: `webhook-signature` carries one `v1,<sig>` per
 * secret in force, space separated (during a rotation's overlap, the new one first), so a
 * receiver holding either secret verifies it.
 */
export function signedHeaders(deliveryId: string, body: string, secrets: readonly string[], at: Date): Record<string, string> {
  const signatures = secrets.map((secret) => new StandardWebhook(secret).sign(deliveryId, at, body));
  return {
    "webhook-id": deliveryId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}
