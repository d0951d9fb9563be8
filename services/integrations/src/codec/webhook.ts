import { toMessage } from "@relata/platform/resource";
import { DeliveryStatus, type WebhookDelivery, type Webhook } from "@relata/proto/integrations/v1/webhook";
import type { DeliveryRecord, DeliveryStatusWord, WebhookRecord } from "../domain/webhook";
import { webhook } from "../resources";

export const toWebhook = (r: WebhookRecord): Webhook => toMessage(webhook, r);

const iso = (d: Date | undefined): string | undefined => (d ? new Date(d).toISOString() : undefined);

export const DELIVERY_STATUS: Record<DeliveryStatusWord, DeliveryStatus> = {
  pending: DeliveryStatus.DELIVERY_STATUS_PENDING,
  succeeded: DeliveryStatus.DELIVERY_STATUS_SUCCEEDED,
  failed: DeliveryStatus.DELIVERY_STATUS_FAILED,
  cancelled: DeliveryStatus.DELIVERY_STATUS_CANCELLED,
};

export function deliveryStatusWord(value: DeliveryStatus | string): DeliveryStatusWord | undefined {
  return (Object.entries(DELIVERY_STATUS).find(([, v]) => v === value)?.[0] as DeliveryStatusWord | undefined) ?? undefined;
}

export function toDelivery(d: DeliveryRecord): WebhookDelivery {
  return {
    id: d._id,
    tenantId: d.tenantId,
    webhookId: d.webhookId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: DELIVERY_STATUS[d.status],
    attempts: d.attempts,
    nextAttemptAt: d.status === "pending" ? iso(d.nextAttemptAt) : undefined,
    attemptLog: [...d.attemptLog]
      .sort((a, b) => a.attempt - b.attempt)
      .map((a) => ({
        attempt: a.attempt,
        at: iso(a.at),
        responseStatus: a.responseStatus,
        latencyMs: a.latencyMs,
        responseBody: a.responseBody,
        error: a.error,
      })),
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
  };
}
