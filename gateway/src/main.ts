// Tracing first: the instrumentations patch http, express and grpc before they are loaded.
import "@relata/platform/register";
import { ConfigError, createLogger, serveMetrics, stopTelemetry } from "@relata/platform";
import { createServer } from "node:http";
import { createApp } from "./app";
import { createTokenVerifier } from "./auth/verifier";
import { connectBackends } from "./backends";
import { loadGatewayConfig, type GatewayConfig } from "./config";
import { allRoutes, longestUploadMs } from "./routes/index";

/** Composition root: configuration, logger, token verifier, gRPC channels, HTTP server. */
async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadGatewayConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`gateway: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger("gateway", config.LOG_LEVEL);
  const verifier = createTokenVerifier({ issuer: config.OIDC_ISSUER, audience: config.OIDC_AUDIENCE, jwksUrl: config.OIDC_JWKS_URL });
  const backends = connectBackends(config.backendAddresses, config.REQUEST_TIMEOUT_MS);
  let draining = false;

  const app = createApp(
    {
      publicUrl: config.PUBLIC_URL,
      issuer: config.OIDC_ISSUER,
      requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
      bodyLimit: config.BODY_LIMIT,
      rateLimit: { perMinute: config.RATE_LIMIT_PER_MINUTE, burst: config.RATE_LIMIT_BURST },
    },
    {
      logger,
      verifier,
      clients: backends.clients,
      readiness: [{ name: "keycloak-jwks", check: () => verifier.keysReachable() }, ...backends.readiness],
      isDraining: () => draining,
    },
  );

  const metricsServer = await serveMetrics(config.METRICS_PORT);

  const server = createServer(app);
  // An upload streamed to a backend (a CSV of a gigabyte) takes as long as its route allows.
  server.requestTimeout = Math.max(config.REQUEST_TIMEOUT_MS * 2, longestUploadMs(allRoutes(backends.clients)));
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(config.PORT, resolve));
  logger.info(
    { port: config.PORT, metricsPort: (metricsServer.address() as { port?: number } | null)?.port, publicUrl: config.PUBLIC_URL, issuer: config.OIDC_ISSUER, backends: config.backendAddresses },
    `gateway listening; API ${config.PUBLIC_URL}/v1, docs ${config.PUBLIC_URL}/docs`,
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    draining = true;
    logger.info({ signal }, "shutting down: not ready, finishing requests in flight");
    const force = setTimeout(() => {
      logger.warn("grace period over; closing remaining connections");
      server.closeAllConnections();
    }, config.SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(() => {
      backends.close();
      metricsServer.close();
      void stopTelemetry().finally(() => {
        logger.info("stopped");
        process.exit(0);
      });
    });
    server.closeIdleConnections();
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
