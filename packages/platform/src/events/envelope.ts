import { createHash, randomUUID } from "node:crypto";
import type { Actor } from "../actor";
import { pendingEvent, type PendingEvent } from "./outbox";

/** The NATS headers every event carries, so consumers can route and trace without decoding. */
export const EVENT_HEADERS = {
  tenant: "relata-tenant",
  requestId: "x-request-id",
  /** Set by the relay when it publishes: the event id (also the Nats-Msg-Id). */
  eventId: "Relata-Event-Id",
} as const;

/** `relata.events.v1.EventMeta`, the envelope every event payload starts with. */
export interface EventMeta {
  id: string;
  /** The subject, e.g. "sales.lead.converted". */
  type: string;
  tenantId: string;
  entityId: string;
  actorId: string;
  requestId: string;
  occurredAt?: string | undefined;
}

/**
 * A pending event about one record, for the record's own outbox. One fresh id is at once
 * EventMeta.id, the outbox entry id and the JetStream Nats-Msg-Id; `encode` builds the payload
 * (its EventMeta first) from the envelope. An `id` fixed by the caller (derived from what the
 * event reports, `stableEventId`) makes every attempt and every producer of the same fact name it
 * alike, which JetStream and the consumers drop as a duplicate (e.g. an event prebuilt into a schedule).
 */
export function buildEvent(
  subject: string,
  entityId: string,
  actor: Actor,
  at: Date,
  encode: (meta: EventMeta) => Uint8Array,
  id: string = randomUUID(),
): PendingEvent {
  const meta: EventMeta = {
    id,
    type: subject,
    tenantId: actor.tenantId,
    entityId,
    actorId: actor.actorId,
    requestId: actor.requestId,
    occurredAt: at.toISOString(),
  };
  const headers: Record<string, string> = { [EVENT_HEADERS.tenant]: actor.tenantId };
  if (actor.requestId) headers[EVENT_HEADERS.requestId] = actor.requestId;
  return pendingEvent(subject, encode(meta), { id, headers, at });
}

/** A UUID-shaped event id derived from what identifies the fact, the same in every process. */
export function stableEventId(...parts: string[]): string {
  const hex = createHash("sha256").update(parts.join("\u0000")).digest("hex");
  // RFC 9562 version 8 (custom) with the RFC variant bits.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
