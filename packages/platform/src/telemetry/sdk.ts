import { NodeSDK } from "@opentelemetry/sdk-node";
import { ExpressInstrumentation } from "@opentelemetry/instrumentation-express";
import { GrpcInstrumentation } from "@opentelemetry/instrumentation-grpc";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { MongoDBInstrumentation } from "@opentelemetry/instrumentation-mongodb";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";

let sdk: NodeSDK | undefined;

/**
 * Starts the OpenTelemetry Node SDK. Exporter, endpoint, protocol and sampler come from the
 * standard OTEL_* variables; the service name from OTEL_SERVICE_NAME. Without an OTLP endpoint
 * nothing is exported, but context still propagates so the rest of a trace stays whole.
 */
export function startTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  if (sdk || env.OTEL_SDK_DISABLED === "true") return;
  const exporting = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  if (!exporting) env.OTEL_TRACES_EXPORTER ??= "none";
  // Metrics are served by prom-client on /metrics and logs go to stdout: OTLP carries traces.
  env.OTEL_METRICS_EXPORTER ??= "none";
  env.OTEL_LOGS_EXPORTER ??= "none";
  sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_VERSION]: env.RELATA_VERSION ?? "0.1.0",
      "deployment.environment.name": env.RELATA_ENVIRONMENT ?? "local",
    }),
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes would drown the traces that matter.
        ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz|metrics)/.test(req.url ?? ""),
        // List filters may carry personal data (?email=...): never into a span.
        redactedQueryParamsServer: ["email", "phone", "firstName", "lastName", "name"],
      }),
      new ExpressInstrumentation(),
      new GrpcInstrumentation({ ignoreGrpcMethods: ["Check", "Watch"] }),
      // Statements are recorded with their values masked: no personal data in spans.
      new MongoDBInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
}

/** Flushes and stops the SDK; called at graceful shutdown. */
export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
  sdk = undefined;
}
