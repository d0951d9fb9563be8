import { buildEvent, type Actor, type PendingEvent } from "@relata/platform";
import { WebhookChanged } from "@relata/proto/events/v1/integrations";
import { toWebhook } from "../codec/webhook";
import type { WebhookRecord } from "../domain/webhook";

export type WebhookEventKind = "created" | "updated" | "deleted" | "restored" | "disabled";

/** integrations.webhook.<kind> with the webhook as it is after the change (never its secret). */
export function webhookEvent(kind: WebhookEventKind, r: WebhookRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(`integrations.webhook.${kind}`, r._id, actor, at, (meta) => WebhookChanged.encode({ meta, webhook: toWebhook(r) }).finish());
}
