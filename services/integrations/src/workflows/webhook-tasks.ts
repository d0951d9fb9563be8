import { publishSchedule, type EventBus } from "@relata/platform";

/** A delivery's next attempt, as a message on the work stream. */
export interface DeliveryTask {
  deliveryId: string;
  tenantId: string;
  webhookId: string;
  /** The attempt's number (1 for the first), across series. */
  attempt: number;
  /** The series it belongs to: a task of an earlier series (before a redelivery by hand) is dropped. */
  series: number;
}

export const DELIVERY_SUBJECT_PREFIX = "integrations-work.delivery";
export const RETRY_SUBJECT_PREFIX = "integrations-work.retry";

export const deliverySubject = (webhookId: string) => `${DELIVERY_SUBJECT_PREFIX}.${webhookId}`;

export function encodeTask(task: DeliveryTask): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(task));
}

export function decodeTask(data: Uint8Array): DeliveryTask {
  const t = JSON.parse(new TextDecoder().decode(data)) as DeliveryTask;
  if (typeof t.deliveryId !== "string" || typeof t.tenantId !== "string" || typeof t.webhookId !== "string" || !Number.isInteger(t.attempt) || !Number.isInteger(t.series)) {
    throw new Error("not a delivery task");
  }
  return t;
}

/**
 * The de-duplication id of an attempt's task: `<deliveryId>:<attempt>`, and the series after a
 * redelivery by hand (whose attempt numbers may meet a schedule of the earlier series).
 */
export const taskId = (task: DeliveryTask) => (task.series === 1 ? `${task.deliveryId}:${task.attempt}` : `${task.deliveryId}:${task.attempt}:s${task.series}`);

/** The task of an attempt now, de-duplicated on its taskId. */
export async function publishDeliveryTask(bus: EventBus, task: DeliveryTask): Promise<void> {
  await bus.publish(deliverySubject(task.webhookId), encodeTask(task), {
    msgId: taskId(task),
    headers: { "relata-tenant": task.tenantId },
  });
}

/**
 * The task of a later attempt, as a JetStream message schedule: the server publishes it at `at`
 * even while every replica is down. One schedule per delivery (a newer one replaces it).
 */
export async function scheduleDeliveryTask(bus: EventBus, task: DeliveryTask, at: Date): Promise<void> {
  await publishSchedule(bus, {
    subject: `${RETRY_SUBJECT_PREFIX}.${task.deliveryId}`,
    at,
    target: deliverySubject(task.webhookId),
    data: encodeTask(task),
    headers: { "relata-tenant": task.tenantId },
    scheduleId: taskId(task),
  });
}
