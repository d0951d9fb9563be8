import { z } from "zod";

/**
 * Reads and validates configuration from the environment once, at start-up. A missing or
 * malformed variable stops the process with a message that names it.
 */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join(".");
    return env[name] === undefined
      ? `${name} is required but not set`
      : `${name} is invalid: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/** Reusable variable schemas, so every process reads the same variable the same way. */
export const env = {
  port: (fallback?: number) =>
    fallback === undefined
      ? z.coerce.number().int().min(1).max(65535)
      : z.coerce.number().int().min(1).max(65535).default(fallback),
  url: () => z.string().url(),
  mongoUri: () =>
    z.string().regex(/^mongodb(\+srv)?:\/\/.+\/[A-Za-z0-9_-]+/, "must be a mongodb:// URI that names its database"),
  logLevel: () => z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
  durationMs: (fallback: number) => z.coerce.number().int().min(1).default(fallback),
  flag: (fallback: boolean) =>
    z
      .enum(["true", "false", "1", "0"])
      .default(fallback ? "true" : "false")
      .transform((v) => v === "true" || v === "1"),
};

/** The variables every service reads. */
export const serviceEnv = {
  GRPC_PORT: env.port(50051),
  MONGO_URI: env.mongoUri(),
  NATS_URL: z.string().min(1),
  /** NATS credentials, when the server requires them: user and password, a token, or a creds file. */
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  NATS_TOKEN: z.string().optional(),
  NATS_CREDS_FILE: z.string().optional(),
  LOG_LEVEL: env.logLevel(),
  SHUTDOWN_GRACE_MS: env.durationMs(10_000),
  /** Prometheus scrapes /metrics here; 0 picks a free port (tests). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
};
