import { Router } from "express";

export interface ReadinessCheck {
  name: string;
  /** Resolves to true when the dependency is usable now. */
  check: () => Promise<boolean>;
}

/**
 * /healthz: the process is up (liveness; no dependency is consulted, so a slow Keycloak never
 * gets the gateway restarted). /readyz: every dependency answers now (readiness).
 */
export function healthRoutes(checks: ReadinessCheck[], isDraining: () => boolean = () => false): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "up" });
  });
  router.get("/readyz", async (_req, res) => {
    const results = await Promise.all(checks.map(async (c) => [c.name, await c.check().catch(() => false)] as const));
    const ready = !isDraining() && results.every(([, up]) => up);
    res.status(ready ? 200 : 503).json({
      status: ready ? "ready" : "not ready",
      checks: Object.fromEntries(results.map(([name, up]) => [name, up ? "up" : "down"])),
      ...(isDraining() ? { draining: true } : {}),
    });
  });
  return router;
}
