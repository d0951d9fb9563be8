import { actorOf, registry, type EventBus, type Logger } from "@relata/platform";
import { Counter, Histogram } from "prom-client";
import type { AttemptLogEntry, DeliveryRecord, DeliveryStatusWord, WebhookRecord } from "../domain/webhook";
import { signingSecrets } from "../domain/webhook";
import type { EndpointPolicy } from "../domain/webhook-network";
import { parseRetryAfter, retryDelayMs } from "../domain/webhook-retry";
import { signedHeaders } from "../codec/webhook-payload";
import { webhookEvent } from "../events/webhook";
import type { WebhookModels, WebhookRepositories } from "../store/webhooks";
import { postDelivery, type AttemptResult } from "./webhook-sender";
import { decodeTask, DELIVERY_SUBJECT_PREFIX, scheduleDeliveryTask, type DeliveryTask } from "./webhook-tasks";


export const webhookMetrics = {
  deliveries: new Counter({
    name: "relata_webhook_deliveries_total",
    help: "Webhook deliveries finished, by outcome (succeeded, failed, gone, cancelled)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  }),
  attempts: new Counter({
    name: "relata_webhook_attempts_total",
    help: "Webhook delivery attempts, by result (2xx, 4xx, 5xx, error, refused)",
    labelNames: ["result"] as const,
    registers: [registry],
  }),
  attemptLatency: new Histogram({
    name: "relata_webhook_attempt_duration_seconds",
    help: "Time of one webhook delivery attempt, from resolving the host to the end of the answer",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }),
};

export interface DeliveryWorkerOptions {
  durable: string;
  concurrency: number;
  timeoutMs: number;
  /** Delays between attempts of a series (ms); its length is how many retries follow the first attempt. */
  retrySchedule: readonly number[];
  policy: EndpointPolicy;
}

const SYSTEM_ACTOR = (tenantId: string) => ({ tenantId, actorId: "system:webhooks", requestId: "" });

function resultLabel(r: AttemptResult): string {
  if (r.refused) return "refused";
  if (r.status === 0) return "error";
  return `${Math.floor(r.status / 100)}xx`;
}

/**
 * Handles one delivery task: one attempt, logged in the delivery under its number (a task
 * handled again after a crash replaces its own entry), then the outcome: succeeded (2xx);
 * failed and the webhook disabled (410); otherwise the next attempt as a message schedule
 * (Retry-After of a 429 or 503, else the schedule with jitter), or failed when it is spent.
 */
export function deliveryHandler(bus: EventBus, models: WebhookModels, repos: WebhookRepositories, logger: Logger, options: DeliveryWorkerOptions) {
  const finish = async (delivery: DeliveryRecord, set: Partial<DeliveryRecord>) => {
    await models.deliveries.updateOne({ _id: delivery._id, tenantId: delivery.tenantId }, { $set: { ...set, updatedAt: new Date() } });
  };

  return async (task: DeliveryTask): Promise<void> => {
    const delivery = await models.deliveries.findOne({ _id: task.deliveryId, tenantId: task.tenantId }).lean<DeliveryRecord>();
    // Gone, finished, of an earlier series, or overtaken by a later attempt: nothing to do.
    if (!delivery || delivery.status !== "pending" || delivery.series !== task.series || delivery.attempts > task.attempt) return;
    const hook = await models.webhooks.findOne({ _id: delivery.webhookId, tenantId: delivery.tenantId }).lean<WebhookRecord>();
    if (!hook || hook.deletedAt || hook.status !== "active") {
      await finish(delivery, { status: "cancelled", nextAttemptAt: undefined });
      webhookMetrics.deliveries.inc({ outcome: "cancelled" });
      return;
    }
    const at = new Date();
    const headers = signedHeaders(delivery._id, delivery.body, signingSecrets(hook, at), at);
    const result = await postDelivery(hook.url, delivery.body, headers, options.policy, options.timeoutMs);
    webhookMetrics.attempts.inc({ result: resultLabel(result) });
    webhookMetrics.attemptLatency.observe(result.latencyMs / 1000);
    const entry: AttemptLogEntry = {
      attempt: task.attempt,
      at,
      responseStatus: result.status,
      latencyMs: result.latencyMs,
      responseBody: result.body,
      error: result.error,
    };
    const attemptLog = [...delivery.attemptLog.filter((a) => a.attempt !== task.attempt), entry];
    const base = { attemptLog, attempts: Math.max(delivery.attempts, task.attempt) };

    if (result.status >= 200 && result.status < 300) {
      await finish(delivery, { ...base, status: "succeeded", nextAttemptAt: undefined });
      webhookMetrics.deliveries.inc({ outcome: "succeeded" });
      return;
    }
    if (result.status === 410) {
      await finish(delivery, { ...base, status: "failed", nextAttemptAt: undefined });
      await disableGone(repos, hook);
      webhookMetrics.deliveries.inc({ outcome: "gone" });
      logger.info({ webhookId: hook._id }, "endpoint answered 410 Gone: webhook disabled");
      return;
    }
    const failedInSeries = task.attempt - delivery.seriesStart + 1;
    const scheduled = retryDelayMs(options.retrySchedule, failedInSeries);
    const retryAfter = result.status === 429 || result.status === 503 ? parseRetryAfter(result.retryAfter, at) : null;
    if (scheduled === null) {
      await finish(delivery, { ...base, status: "failed", nextAttemptAt: undefined });
      webhookMetrics.deliveries.inc({ outcome: "failed" });
      return;
    }
    const nextAt = new Date(Date.now() + (retryAfter ?? scheduled));
    // The log first: a crash before the schedule redelivers this task, which attempts again and schedules.
    await finish(delivery, { ...base, status: "pending" as DeliveryStatusWord, nextAttemptAt: nextAt });
    await scheduleDeliveryTask(bus, { ...task, attempt: task.attempt + 1 }, nextAt);
  };
}

/** The endpoint said 410 Gone: the webhook is disabled (reason "gone"), reported through its outbox. */
async function disableGone(repos: WebhookRepositories, hook: WebhookRecord): Promise<void> {
  const actor = SYSTEM_ACTOR(hook.tenantId);
  await repos.webhooks
    .in(actorOf(actor))
    .update(hook._id, 0, (current) => {
      if (current.status !== "active") return null;
      return { set: { status: "disabled", disabledReason: "gone" }, events: (next, a) => [webhookEvent("disabled", next, a)] };
    })
    .catch((err: unknown) => {
      // Deleted meanwhile: nothing left to disable.
      if ((err as { name?: string }).name !== "NotFound") throw err;
    });
}

/** The delivery worker: a durable consumer of the delivery tasks, handling up to `concurrency` at once. */
export async function startDeliveryWorker(bus: EventBus, models: WebhookModels, repos: WebhookRepositories, logger: Logger, options: DeliveryWorkerOptions) {
  const handle = deliveryHandler(bus, models, repos, logger, options);
  const loop = await bus.consume<DeliveryTask>({
    stream: "INTEGRATIONS_WORK",
    durable: options.durable,
    filterSubjects: [`${DELIVERY_SUBJECT_PREFIX}.>`],
    concurrency: options.concurrency,
    // An attempt takes at most the timeout; the answer and the log write a little more.
    ackWaitMs: Math.max(30_000, options.timeoutMs * 3),
    // A task fails (rather than its attempt) only while the database or NATS is away: keep trying for a while.
    maxDeliver: 50,
    decode: (data) => decodeTask(data),
    handle: async ({ event }) => handle(event),
  });
  return () => loop.stop();
}
