import { trace } from "@opentelemetry/api";
import pino from "pino";

export type Logger = pino.Logger;

/** JSON logs on stdout, one line per event, with the process's service name on every line. */
export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    level,
    base: { service },
    messageKey: "msg",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Every line written inside a span names it, so logs and traces join up.
    mixin() {
      const span = trace.getActiveSpan()?.spanContext();
      return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
    },
    // Personal data never goes to logs: redact the usual carriers if a caller passes them.
    redact: { paths: ["*.email", "*.phone", "*.firstName", "*.lastName", "email", "phone"], censor: "[redacted]" },
  });
}
