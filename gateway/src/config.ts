import { env, loadConfig } from "@relata/platform";
import { z } from "zod";
import { addressVariable, BACKENDS, backendAddressEnv, type BackendName } from "./backends";

/** Every variable the gateway reads, validated once at start-up (a bad one stops the process, named). */
export const gatewayEnv = {
  PORT: env.port(8080),
  /** The realm's issuer, exactly as it appears in tokens' `iss` (http://localhost:8180/realms/relata). */
  OIDC_ISSUER: env.url(),
  /** The audience every token must carry in `aud`. */
  OIDC_AUDIENCE: z.string().min(1).default("relata-api"),
  /** Where to fetch the realm's keys; defaults to the issuer's Keycloak certs endpoint. Set it
   * when the gateway reaches Keycloak by another address than the public issuer URL. */
  OIDC_JWKS_URL: env.url().optional(),
  /** The public base URL of the API, used in Location and Link headers and the OpenAPI servers. */
  PUBLIC_URL: env.url().optional(),
  LOG_LEVEL: env.logLevel(),
  /** The deadline of one request, carried into every gRPC call it makes. */
  REQUEST_TIMEOUT_MS: env.durationMs(5_000),
  /** Largest accepted request body ("100kb", "1mb" or a number of bytes). */
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)?$/i, 'must be a size like "100kb", "1mb" or a number of bytes')
    .default("100kb"),
  SHUTDOWN_GRACE_MS: env.durationMs(10_000),
  /** Prometheus /metrics on a port of its own, never on the public one; 0 picks a free port.
   * 9465 by default so that it does not collide with a service's 9464 on one host. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  /** Sustained requests a minute per caller (tenant + user or partner client); 0 turns limiting off. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  /** Requests a caller may send at once above the sustained rate. */
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(300),
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

/** Validates the gateway's variables and every backend's `<NAME>_GRPC_ADDR` (see backends.ts). */
export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig({ ...gatewayEnv, ...backendAddressEnv }, source);
  const publicUrl = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, "");
  const issuer = config.OIDC_ISSUER.replace(/\/+$/, "");
  return {
    ...config,
    PUBLIC_URL: publicUrl,
    OIDC_ISSUER: issuer,
    OIDC_JWKS_URL: config.OIDC_JWKS_URL ?? `${issuer}/protocol/openid-connect/certs`,
    /** Each backend's gRPC address, by backend name. */
    backendAddresses: Object.fromEntries(BACKENDS.map((b) => [b.name, config[addressVariable(b.name)]])) as Record<BackendName, string>,
  };
}
