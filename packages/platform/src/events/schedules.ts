import type { EventBus } from "./bus";
import { EVENT_HEADERS } from "./envelope";
import type { PendingEvent } from "./outbox";

/**
 * JetStream message schedules (ADR-51, nats-server 2.12+): a message published with
 * `Nats-Schedule: @at <RFC 3339 instant>` and `Nats-Schedule-Target: <subject>` is held by the
 * stream on its own subject and, at that instant, the server publishes its data and headers onto
 * the target (a subject of the same stream) and removes the schedule. The server does it, so a
 * timer fires even while every process that set it is down, and once whatever number of
 * replicas set it.
 *
 * What the server does, as observed on 2.12 to 2.15 and relied on here:
 * - one schedule per subject: publishing again on the subject replaces the earlier schedule;
 * - an instant already past fires at once;
 * - the produced message keeps the schedule's headers except `Nats-Msg-Id` (it gains
 *   `Nats-Scheduler`, the schedule's subject, and `Nats-Schedule-Next: purge`), so the event id
 *   travels in `Relata-Event-Id` and consumers de-duplicate on the id inside the payload;
 * - the schedule publish itself is de-duplicated on its `Nats-Msg-Id` within the stream's
 *   duplicate window, even after it fired: a replica publishing the same schedule late does
 *   not make it fire twice;
 * - purging the schedule's subject cancels it.
 */
export interface MessageSchedule {
  /** The subject holding the schedule, inside a stream with `allowMsgSchedules`. */
  subject: string;
  at: Date;
  /** Where the message is published at `at`: a subject of the same stream. */
  target: string;
  data: Uint8Array;
  /** Copied onto the produced message. */
  headers?: Record<string, string>;
  /**
   * De-duplicates this publish (Nats-Msg-Id). Give the same id for the same decision (every
   * replica handling the same change computes it), a new one for a new decision, even when it
   * lands on an instant used before.
   */
  scheduleId: string;
}

/** Sets (or replaces) the schedule on `schedule.subject`; `duplicate` when this exact decision was published before. */
export async function publishSchedule(bus: EventBus, schedule: MessageSchedule): Promise<{ seq: number; duplicate: boolean }> {
  return bus.publish(schedule.subject, schedule.data, {
    msgId: schedule.scheduleId,
    headers: schedule.headers,
    schedule: { at: schedule.at, target: schedule.target },
  });
}

/**
 * A schedule that publishes an event built on the kit's envelope (`buildEvent`, or a pending
 * event with a deterministic id) onto its own subject at `at`.
 */
export function eventSchedule(subject: string, at: Date, event: PendingEvent, scheduleId: string): MessageSchedule {
  return {
    subject,
    at,
    target: event.subject,
    data: event.data,
    headers: { ...event.headers, [EVENT_HEADERS.eventId]: event.id },
    scheduleId,
  };
}

/**
 * Cancels every schedule whose subject matches `subjectFilter` (wildcards allowed, e.g. all the
 * timers of one record) by purging those subjects of `stream`; returns how many were removed.
 * Cancelling what already fired, or never existed, removes nothing and is not an error.
 */
export async function cancelSchedules(bus: EventBus, stream: string, subjectFilter: string): Promise<number> {
  const response = await bus.jsm.streams.purge(stream, { filter: subjectFilter });
  return response.purged;
}
