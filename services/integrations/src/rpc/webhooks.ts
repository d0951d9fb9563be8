import { randomUUID } from "node:crypto";
import { implement, InvalidArgument, NotFound, StateConflict, RecycleBinInput, recycleBinHandlers, validate, id, type CallContext, type NewFields, type ServiceRegistration } from "@relata/platform";
import { resourceHandlers, serviceSchemas, toJson } from "@relata/platform/resource";
import { DeliveryStatus, WebhookServiceService, type WebhookSecret } from "@relata/proto/integrations/v1/webhook";
import { z } from "zod";
import { deliveryStatusWord, toDelivery, toWebhook } from "../codec/webhook";
import { deliveryBody } from "../codec/webhook-payload";
import { newWebhookSecret, signingSecrets, type DeliveryRecord, type WebhookRecord } from "../domain/webhook";
import { checkEndpoint, EndpointRefused, type EndpointPolicy } from "../domain/webhook-network";
import { firstUnmatchedPattern } from "../domain/webhook-patterns";
import { eventTypeDescription, PING_TYPE, SUBSCRIBABLE_TYPES } from "../events/catalogue";
import { webhookEvent } from "../events/webhook";
import { webhook } from "../resources";
import type { WebhookRepositories } from "../store/webhooks";
import { insertDelivery, newDelivery } from "../workflows/webhook-fanout";
import { publishDeliveryTask } from "../workflows/webhook-tasks";
import type { IntegrationsDeps } from "./context";

export interface WebhookServiceDeps {
  repos: WebhookRepositories;
  policy: EndpointPolicy;
  /** How long the previous secret keeps signing after a rotation that names no overlap. */
  defaultOverlapSeconds: number;
}

const described = serviceSchemas(webhook);

const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;

/** The request schemas of the RPCs beyond CRUD (exported for tests). */
export const webhookSchemas = {
  createWebhook: described.create,
  updateWebhook: described.update,
  getWebhook: described.get,
  listWebhooks: described.list,
  deleteWebhook: RecycleBinInput,
  restoreWebhook: RecycleBinInput,
  rotateWebhookSecret: z.object({
    id: id(),
    overlapSeconds: z.number().int().min(0, "must be at least 0").max(MAX_OVERLAP_SECONDS, `must be at most ${MAX_OVERLAP_SECONDS} (7 days)`).default(0),
  }),
  delivery: z.object({ webhookId: id(), id: id() }),
  listDeliveries: z.object({
    webhookId: id(),
    eventType: z.string().max(200, "must be at most 200 characters").default(""),
    status: z.string().default(""),
  }),
};

/** Each pattern must match a known event type: InvalidArgument naming `eventTypes.N`. */
function checkEventTypes(patterns: readonly string[] | undefined): void {
  if (!patterns || patterns.length === 0) throw new InvalidArgument("eventTypes", "eventTypes must name at least one event type");
  const bad = firstUnmatchedPattern(patterns, SUBSCRIBABLE_TYPES);
  if (bad >= 0) throw new InvalidArgument(`eventTypes.${bad}`, `eventTypes.${bad} (${patterns[bad]}) matches no event type (see GET /v1/webhooks/event-types)`);
}

/** The SSRF guard at create and update: InvalidArgument naming `url`. */
async function checkUrl(url: string, policy: EndpointPolicy): Promise<void> {
  try {
    await checkEndpoint(url, policy, "subscribe");
  } catch (err) {
    if (err instanceof EndpointRefused) throw new InvalidArgument("url", `url ${err.message}`);
    throw err;
  }
}

/**
 * Webhooks: subscriptions with the recycle bin, their secrets and rotation, the event types,
 * the delivery log, redelivery by hand and the test ping. Every read and write is the caller's
 * tenant's: another tenant's ids are not found.
 */
export function webhookService({ bus, models, logger }: IntegrationsDeps, { repos, policy, defaultOverlapSeconds }: WebhookServiceDeps): ServiceRegistration {
  const crud = resourceHandlers(webhook, repos.webhooks, webhookEvent, {
    async create(input) {
      checkEventTypes(input.eventTypes);
      await checkUrl(input.url, policy);
      return { ...input, status: "active", disabledReason: "", secret: newWebhookSecret() } as unknown as NewFields<WebhookRecord>;
    },
    async update(set) {
      if (set.eventTypes !== undefined) checkEventTypes(set.eventTypes ?? []);
      if (set.url) await checkUrl(set.url, policy);
      // A change of status says why it is disabled (by hand), or clears it (enabled again).
      if (set.status === "disabled") set.disabledReason = "manual";
      if (set.status === "active") set.disabledReason = "";
    },
  });
  const bin = recycleBinHandlers(repos.webhooks, toWebhook, webhookEvent);

  const secretOf = (w: WebhookRecord, now = new Date()): WebhookSecret => {
    const inForce = signingSecrets(w, now);
    return {
      webhookId: w._id,
      secret: w.secret,
      previousSecret: inForce[1] ?? "",
      previousExpiresAt: inForce[1] && w.previousSecretExpiresAt ? new Date(w.previousSecretExpiresAt).toISOString() : undefined,
    };
  };

  const deliveryOf = async (ctx: CallContext, webhookId: string, deliveryId: string): Promise<DeliveryRecord> => {
    const d = await models.deliveries.findOne({ tenantId: ctx.identity.tenantId, _id: deliveryId, webhookId }).lean<DeliveryRecord>();
    if (!d) throw new NotFound("delivery", deliveryId);
    return d;
  };

  const activeWebhook = async (ctx: CallContext, webhookId: string): Promise<WebhookRecord> => {
    const w = await repos.webhooks.in(ctx).get(webhookId);
    if (w.status !== "active") throw new StateConflict(`webhook ${webhookId} is disabled: enable it first`, "status");
    return w;
  };

  return implement(
    WebhookServiceService,
    {
      createWebhook: (request, ctx) => crud.create(request, ctx),
      getWebhook: (request, ctx) => crud.get(request, ctx),
      listWebhooks: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { webhooks: rows, page: { nextCursor } };
      },
      updateWebhook: (request, ctx) => crud.update(request, ctx),
      deleteWebhook: bin.delete,
      restoreWebhook: bin.restore,

      getWebhookSecret: async (request, ctx) => {
        const input = validate(described.get, request);
        return secretOf(await repos.webhooks.in(ctx).get(input.id));
      },

      rotateWebhookSecret: async (request, ctx) => {
        const input = validate(webhookSchemas.rotateWebhookSecret, request);
        const overlap = input.overlapSeconds || defaultOverlapSeconds;
        const now = new Date();
        const rotated = await repos.webhooks.in(ctx).update(input.id, 0, (current) => ({
          set: { secret: newWebhookSecret(), previousSecret: current.secret, previousSecretExpiresAt: new Date(now.getTime() + overlap * 1000) },
          // Secrets never travel in events; the webhook as served does not change.
          events: () => [],
        }));
        return secretOf(rotated, now);
      },

      listWebhookEventTypes: async () => ({
        eventTypes: SUBSCRIBABLE_TYPES.map((type) => ({ type, description: eventTypeDescription(type) })),
      }),

      listWebhookDeliveries: async (request, ctx) => {
        const input = validate(webhookSchemas.listDeliveries, request);
        const status = input.status && input.status !== DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED ? deliveryStatusWord(input.status) : undefined;
        if (input.status && input.status !== DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED && !status) throw new InvalidArgument("status", `status ${input.status} is not a delivery status`);
        // The webhook must be the caller's tenant's (404 otherwise).
        await repos.webhooks.in(ctx).get(input.webhookId);
        const { rows, nextCursor } = await repos.deliveries.in(ctx).list({ webhookId: input.webhookId, status, eventType: input.eventType || undefined }, request.page);
        return { deliveries: rows.map(toDelivery), page: { nextCursor } };
      },

      getWebhookDelivery: async (request, ctx) => {
        const input = validate(webhookSchemas.delivery, request);
        return toDelivery(await deliveryOf(ctx, input.webhookId, input.id));
      },

      redeliverWebhookDelivery: async (request, ctx) => {
        const input = validate(webhookSchemas.delivery, request);
        await activeWebhook(ctx, input.webhookId);
        const d = await deliveryOf(ctx, input.webhookId, input.id);
        const attempt = d.attempts + 1;
        const series = d.series + 1;
        const now = new Date();
        // A new series: the earlier one's pending retry (if any) is dropped by the worker.
        await models.deliveries.updateOne(
          { _id: d._id, tenantId: d.tenantId, series: d.series },
          { $set: { status: "pending", series, seriesStart: attempt, nextAttemptAt: now, updatedAt: now } },
        );
        await publishDeliveryTask(bus, { deliveryId: d._id, tenantId: d.tenantId, webhookId: d.webhookId, attempt, series });
        logger.info({ webhookId: d.webhookId, deliveryId: d._id }, "delivery sent again by hand");
        return toDelivery(await deliveryOf(ctx, input.webhookId, input.id));
      },

      pingWebhook: async (request, ctx) => {
        const input = validate(described.get, request);
        const w = await activeWebhook(ctx, input.id);
        const eventId = randomUUID();
        const now = new Date();
        const body = deliveryBody({
          type: PING_TYPE,
          id: eventId,
          tenantId: w.tenantId,
          timestamp: now.toISOString(),
          data: { record: { type: webhook.name, id: w._id }, webhook: toJson(webhook, toWebhook(w)) },
        });
        const d = await insertDelivery(models, newDelivery(w._id, w.tenantId, eventId, PING_TYPE, body, now));
        await publishDeliveryTask(bus, { deliveryId: d._id, tenantId: d.tenantId, webhookId: w._id, attempt: 1, series: 1 });
        return toDelivery(d);
      },
    },
    logger,
  );
}
