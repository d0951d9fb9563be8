import { EVENT_HEADERS, stableEventId, type EventBus, type Logger } from "@relata/platform";
import type { DeliveryRecord, WebhookRecord } from "../domain/webhook";
import { subscribes } from "../domain/webhook-patterns";
import { deliveryBody } from "../codec/webhook-payload";
import { catalogueEntry, FANOUT_STREAMS, streamSubjects } from "../events/catalogue";
import type { WebhookModels } from "../store/webhooks";
import { publishDeliveryTask } from "./webhook-tasks";

export interface FanoutOptions {
  /** Durable name prefix: one consumer per stream, `${durable}-${stream.toLowerCase()}`. */
  durable: string;
}

/** The new delivery of an event to a webhook; its id follows from both, so a repeated event makes none twice. */
export function newDelivery(
  webhookId: string,
  tenantId: string,
  eventId: string,
  eventType: string,
  body: string,
  now: Date,
): DeliveryRecord {
  return {
    _id: stableEventId(webhookId, eventId),
    tenantId,
    webhookId,
    eventId,
    eventType,
    body,
    status: "pending",
    attempts: 0,
    series: 1,
    seriesStart: 1,
    nextAttemptAt: now,
    attemptLog: [],
    createdAt: now,
    updatedAt: now,
  };
}

/** Inserts the delivery once; the one stored (this one or an earlier insert's). */
export async function insertDelivery(models: WebhookModels, delivery: DeliveryRecord): Promise<DeliveryRecord> {
  try {
    await models.deliveries.create(delivery);
    return delivery;
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
    const stored = await models.deliveries.findOne({ _id: delivery._id, tenantId: delivery.tenantId }).lean<DeliveryRecord>();
    return stored ?? delivery;
  }
}

/**
 * The fan-out: one durable consumer per stream, filtered to the catalogue's subjects. Each event
 * is matched against the tenant's active webhooks (one equality query: tenant and status), and
 * each match gets a delivery (inserted once, by its derived id) and a task on the work stream
 * (de-duplicated on `<deliveryId>:1`). A redelivered event makes nothing twice.
 */
export async function startWebhookFanout(bus: EventBus, models: WebhookModels, logger: Logger, options: FanoutOptions): Promise<() => Promise<void>> {
  const loops = await Promise.all(
    FANOUT_STREAMS.map((stream) =>
      bus.consume<Uint8Array>({
        stream,
        durable: `${options.durable}-${stream.toLowerCase()}`,
        filterSubjects: streamSubjects(stream),
        awaitStream: true,
        // A webhook hears what happens after it is made: a first start does not replay history.
        startFrom: "new",
        decode: (data) => data,
        handle: async ({ subject, event, headers }) => {
          const entry = catalogueEntry(subject);
          if (!entry) return;
          // Decoded only for a tenant with a matching webhook: most events have none.
          let decoded: ReturnType<typeof entry.data> | undefined;
          const payload = () => (decoded ??= entry.data(event));
          const tenantId = headers[EVENT_HEADERS.tenant] || payload().meta?.tenantId;
          if (!tenantId) {
            logger.warn({ subject }, "event without a tenant; no webhook gets it");
            return;
          }
          const hooks = await models.webhooks.find({ tenantId, status: "active" }, { _id: 1, eventTypes: 1, deletedAt: 1, createdAt: 1 }).lean<WebhookRecord[]>();
          if (hooks.length === 0) return;
          const occurredAt = payload().meta?.occurredAt;
          // Nor what happened before it was made (a replayed or long-delayed event); a minute's
          // grace for the clocks of two services.
          const madeBefore = (h: WebhookRecord) => !occurredAt || !h.createdAt || new Date(h.createdAt).getTime() <= new Date(occurredAt).getTime() + 60_000;
          const matching = hooks.filter((h) => !h.deletedAt && madeBefore(h) && subscribes(h.eventTypes, subject));
          if (matching.length === 0) return;
          const { meta, data } = payload();
          const eventId = meta?.id || headers[EVENT_HEADERS.eventId] || headers["Nats-Msg-Id"];
          if (!eventId || (meta?.tenantId && meta.tenantId !== tenantId)) {
            logger.warn({ subject }, "event without an id, or of another tenant than its header says; no webhook gets it");
            return;
          }
          const body = deliveryBody({ type: subject, id: eventId, tenantId, timestamp: meta?.occurredAt ?? new Date().toISOString(), data });
          const now = new Date();
          for (const hook of matching) {
            const delivery = await insertDelivery(models, newDelivery(hook._id, tenantId, eventId, subject, body, now));
            // Sent already (a late redelivery of the event): its own tasks carry it on.
            if (delivery.status !== "pending" || delivery.attempts > 0) continue;
            await publishDeliveryTask(bus, { deliveryId: delivery._id, tenantId, webhookId: hook._id, attempt: 1, series: 1 });
          }
        },
      }),
    ),
  );
  return async () => {
    await Promise.all(loops.map((l) => l.stop()));
  };
}
