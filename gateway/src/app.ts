import type { Logger } from "@relata/platform";
import express, { type Express } from "express";
import type { TokenVerifier } from "./auth/verifier";
import type { BackendClients } from "./backends";
import { authenticate } from "./middleware/auth";
import { rateLimit, type RateLimitOptions } from "./middleware/rate-limit";
import { errorHandler, notFound } from "./middleware/errors";
import { accessLog, requestContext, securityHeaders } from "./middleware/request-context";
import { openApiDocument } from "./openapi/document";
import { docsRoutes } from "./openapi/docs";
import { mountRoutes, mountTokenlessRoutes } from "./routes/define";
import { healthRoutes, type ReadinessCheck } from "./routes/health";
import { allRoutes } from "./routes/index";

export interface AppOptions {
  publicUrl: string;
  issuer: string;
  requestTimeoutMs: number;
  bodyLimit: string;
  /** Per-caller limits; absent: no limiting. */
  rateLimit?: RateLimitOptions;
}

export interface AppDeps {
  logger: Logger;
  verifier: TokenVerifier;
  /** Each backend's clients, by name (backends.ts). */
  clients: BackendClients;
  readiness: ReadinessCheck[];
  isDraining?: () => boolean;
}

/** The whole HTTP surface, built from its dependencies (main.ts wires the real ones, tests fakes). */
export function createApp(options: AppOptions, deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false); // ETags are record versions, set by the routes
  app.set("query parser", "simple");
  app.set("trust proxy", false);

  app.use(requestContext(options.requestTimeoutMs));
  app.use(accessLog(deps.logger));
  app.use(securityHeaders);
  app.use(healthRoutes(deps.readiness, deps.isDraining));

  const routes = allRoutes(deps.clients);
  const document = openApiDocument(routes, { publicUrl: options.publicUrl, issuer: options.issuer });
  app.get("/v1/openapi.json", (_req, res) => {
    res.setHeader("Cache-Control", "public, max-age=300");
    res.json(document);
  });
  app.use(docsRoutes());

  // Routes a signed link serves (an unsubscribe link in an email): before authentication.
  const tokenless = routes.filter((r) => r.tokenless);
  if (tokenless.length > 0) app.use(mountTokenlessRoutes(tokenless, { publicUrl: options.publicUrl, logger: deps.logger, rateLimit: options.rateLimit }));

  app.use("/v1", authenticate(deps.verifier));
  if (options.rateLimit) app.use("/v1", rateLimit(options.rateLimit));
  app.use("/v1", express.json({ limit: options.bodyLimit, strict: true, type: ["application/json", "application/*+json"] }));
  app.use(mountRoutes(routes.filter((r) => !r.tokenless), { publicUrl: options.publicUrl, logger: deps.logger }));

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
