import { DOMAIN_BACKENDS } from "@relata/backends";
import type { PublicEvent } from "@relata/platform/http";
import { INTEGRATIONS_PUBLIC_EVENTS } from "../public-events";

/**
 * The events a webhook may subscribe to: the public events each backend declares (its
 * `src/public-events.ts`), Integrations' own, and webhook.ping. Every public subject of
 * docs/events.md is here (a unit test keeps the two in step); a new service's events join
 * through its entry in `@relata/backends`, with no change here.
 */
export const EVENT_CATALOGUE: readonly PublicEvent[] = [...DOMAIN_BACKENDS.flatMap((b) => b.events), ...INTEGRATIONS_PUBLIC_EVENTS];

export const PING_TYPE = "webhook.ping";

const byType = new Map(EVENT_CATALOGUE.map((e) => [e.type, e]));

export function catalogueEntry(type: string): PublicEvent | undefined {
  return byType.get(type);
}

/** Every type a webhook may subscribe to, the ping included. */
export const SUBSCRIBABLE_TYPES: readonly string[] = [...EVENT_CATALOGUE.map((e) => e.type), PING_TYPE];

/** The streams the catalogue's events are published on: one fan-out consumer each. */
export const FANOUT_STREAMS: readonly string[] = [...new Set(EVENT_CATALOGUE.map((e) => e.stream))];

/** The catalogue's subjects on one stream: the fan-out consumer's filter. */
export function streamSubjects(stream: string): string[] {
  return EVENT_CATALOGUE.filter((e) => e.stream === stream).map((e) => e.type);
}

/** One line on each type, for GET /v1/webhooks/event-types. */
export function eventTypeDescription(type: string): string {
  if (type === PING_TYPE) return "A test delivery sent by POST /v1/webhooks/{id}/ping.";
  const e = byType.get(type);
  return e ? `${e.message} (see docs/events.md)` : "";
}
