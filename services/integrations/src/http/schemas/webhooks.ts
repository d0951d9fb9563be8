import type { WebhookDelivery, WebhookSecret } from "@relata/proto/integrations/v1/webhook";
import { DateTime, Id, named, PAGE_CURSOR, PAGE_LIMIT, pageOf } from "@relata/platform/http";
import { z } from "zod";
import { deliveryStatusWord } from "../../codec/webhook";

export const DELIVERY_STATUSES = ["pending", "succeeded", "failed", "cancelled"] as const;

export const WebhookSecretJson = named(
  "WebhookSecret",
  z.object({
    webhookId: Id,
    secret: z.string().meta({ description: 'The signing secret ("whsec_" and base64): verify webhook-signature with it.', example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }),
    previousSecret: z.string().nullable().meta({ description: "The secret before the last rotation while its overlap lasts (attempts carry both signatures); null otherwise." }),
    previousExpiresAt: DateTime.nullable().meta({ description: "When the previous secret stops signing." }),
  }),
  "The secrets a webhook's deliveries are signed with.",
);

export function webhookSecretJson(s: WebhookSecret): z.output<typeof WebhookSecretJson> {
  return { webhookId: s.webhookId, secret: s.secret, previousSecret: s.previousSecret || null, previousExpiresAt: s.previousExpiresAt ?? null };
}

export const RotateSecretInput = named(
  "RotateWebhookSecret",
  z.strictObject({
    overlapSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600)
      .optional()
      .meta({ description: "How long the previous secret keeps signing alongside the new one (default 86400, one day; at most 7 days)." }),
  }),
);

export const WebhookEventTypeList = named(
  "WebhookEventTypeList",
  z.object({ data: z.array(z.object({ type: z.string().meta({ example: "sales.lead.created" }), description: z.string() })) }),
  "The event types a webhook may subscribe to.",
);

const AttemptJson = z.object({
  attempt: z.number().int().meta({ description: "1 for the first attempt; numbers go on across redeliveries." }),
  at: DateTime,
  responseStatus: z.number().int().nullable().meta({ description: "The endpoint's HTTP status; null when it gave none (refused, timed out, address not allowed)." }),
  latencyMs: z.number().int(),
  responseBody: z.string().meta({ description: "The start of the endpoint's answer (at most 1 KiB)." }),
  error: z.string().nullable().meta({ description: "What went wrong without a response." }),
});

export const WebhookDeliveryJson = named(
  "WebhookDelivery",
  z.object({
    id: Id.meta({ description: "Also the webhook-id header, the same on every attempt: receivers de-duplicate on it." }),
    webhookId: Id,
    eventId: z.string(),
    eventType: z.string().meta({ example: "sales.lead.created" }),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: DateTime.nullable().meta({ description: "When the next attempt is due, while pending." }),
    attemptLog: z.array(AttemptJson),
    createdAt: DateTime,
    updatedAt: DateTime,
  }),
  "One event sent to one webhook, with every attempt.",
);

export const WebhookDeliveryPage = pageOf("WebhookDeliveryPage", WebhookDeliveryJson);

export const DeliveryParams = z.strictObject({ id: Id, deliveryId: Id });

export const DeliveriesQuery = z.strictObject({
  limit: PAGE_LIMIT.optional(),
  cursor: PAGE_CURSOR.optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  eventType: z.string().max(200).optional().meta({ example: "sales.lead.created" }),
});

export function webhookDeliveryJson(d: WebhookDelivery): z.output<typeof WebhookDeliveryJson> {
  return {
    id: d.id,
    webhookId: d.webhookId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: deliveryStatusWord(d.status) ?? "pending",
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt ?? null,
    attemptLog: d.attemptLog.map((a) => ({
      attempt: a.attempt,
      at: a.at ?? "",
      responseStatus: a.responseStatus || null,
      latencyMs: a.latencyMs,
      responseBody: a.responseBody,
      error: a.error || null,
    })),
    createdAt: d.createdAt ?? "",
    updatedAt: d.updatedAt ?? "",
  };
}
