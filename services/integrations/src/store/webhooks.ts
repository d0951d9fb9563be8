import { repository, readRepository, type PublishAfterWrite, type Stored } from "@relata/platform";
import { mongooseSchema } from "@relata/platform/resource";
import { Schema, type Connection, type Model } from "mongoose";
import type { DeliveryRecord, WebhookRecord } from "../domain/webhook";
import { webhook } from "../resources";

export const webhookSchema = mongooseSchema(webhook) as unknown as Schema<Stored<WebhookRecord>>;
webhookSchema.add({
  secret: { type: String, required: true },
  previousSecret: { type: String, required: false },
  previousSecretExpiresAt: { type: Date, required: false },
});
// The fan-out's one query per event: the tenant's active webhooks (equality filters only).
webhookSchema.index({ tenantId: 1, status: 1 });

const attemptSchema = new Schema(
  {
    attempt: { type: Number, required: true },
    at: { type: Date, required: true },
    responseStatus: { type: Number, default: 0 },
    latencyMs: { type: Number, default: 0 },
    responseBody: { type: String, default: "" },
    error: { type: String, default: "" },
  },
  { _id: false },
);

export const deliverySchema = new Schema<DeliveryRecord>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    webhookId: { type: String, required: true },
    eventId: { type: String, required: true },
    eventType: { type: String, required: true },
    body: { type: String, required: true },
    status: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    series: { type: Number, default: 1 },
    seriesStart: { type: Number, default: 1 },
    nextAttemptAt: { type: Date, required: false },
    attemptLog: { type: [attemptSchema], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, strict: true, minimize: false, id: false, collection: "webhook_deliveries" },
);
// The delivery log of one webhook, newest first, optionally by status or event type.
deliverySchema.index({ tenantId: 1, webhookId: 1, createdAt: -1, _id: -1 });
deliverySchema.index({ tenantId: 1, webhookId: 1, status: 1, createdAt: -1, _id: -1 });
deliverySchema.index({ tenantId: 1, webhookId: 1, eventType: 1, createdAt: -1, _id: -1 });

export interface WebhookModels {
  webhooks: Model<Stored<WebhookRecord>>;
  deliveries: Model<DeliveryRecord>;
}

export function createWebhookModels(db: Connection): WebhookModels {
  return {
    webhooks: db.model<Stored<WebhookRecord>>("Webhook", webhookSchema),
    deliveries: db.model<DeliveryRecord>("WebhookDelivery", deliverySchema),
  };
}

export function webhookRepositories(models: WebhookModels, publish: PublishAfterWrite) {
  return {
    webhooks: repository<WebhookRecord>(models.webhooks, { what: "webhook", sortable: webhook.sorts, defaultSort: webhook.defaultSort, publish }),
    deliveries: readRepository<DeliveryRecord>(models.deliveries, { what: "delivery", sortable: ["createdAt"], defaultSort: "-createdAt" }),
  };
}

export type WebhookRepositories = ReturnType<typeof webhookRepositories>;
