import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
} from "@opentelemetry/api";
import type { MsgHdrs } from "@nats-io/transport-node";
import { getRPCMetadata } from "@opentelemetry/core";

export const tracer = trace.getTracer("@relata/platform");

/** Span attributes the platform sets: never personal data, only ids. */
export const ATTR = {
  tenant: "relata.tenant_id",
  requestId: "relata.request_id",
  entityId: "relata.entity_id",
} as const;

/** The current trace context as carrier headers (traceparent, tracestate). */
export function currentTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** Reads trace context from NATS message headers (MsgHdrs is not a plain object). */
export const natsHeaderGetter: TextMapGetter<MsgHdrs | undefined> = {
  keys: (headers) => (headers ? [...headers.keys()] : []),
  get: (headers, key) => {
    if (!headers) return undefined;
    for (const k of headers.keys()) if (k.toLowerCase() === key.toLowerCase()) return headers.get(k) || undefined;
    return undefined;
  },
};

export function contextFromNatsHeaders(headers: MsgHdrs | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, headers, natsHeaderGetter);
}

export function contextFromRecord(headers: Record<string, string>): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** Runs `fn` in a span that ends with it and records a thrown error. */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Record<string, string | number | boolean>; parent?: Context },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  return tracer.startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * Adds the platform's attributes to the span the instrumentation made for this call, and to the
 * HTTP server span of the request when there is one (Express middleware runs in spans of its
 * own), so that a search by request id or tenant finds the request's root span.
 */
export function annotateActiveSpan(attributes: Partial<Record<keyof typeof ATTR, string | undefined>>): void {
  const spans = new Set([trace.getActiveSpan(), getRPCMetadata(context.active())?.span]);
  for (const span of spans) {
    if (!span) continue;
    for (const [key, value] of Object.entries(attributes)) {
      if (value) span.setAttribute(ATTR[key as keyof typeof ATTR], value);
    }
  }
}

export { SpanKind };
