import { createRequire } from "node:module";
import path from "node:path";
import express, { Router } from "express";

/**
 * The docs page: Swagger UI served from the swagger-ui-dist package (no CDN), pointed at
 * /v1/openapi.json. The initializer is a file of its own so no inline script is needed.
 */
export function docsRoutes(): Router {
  const dist = path.dirname(createRequire(__filename).resolve("swagger-ui-dist/package.json"));
  const router = Router();
  const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Relata API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/relata-init.js"></script>
</body>
</html>
`;
  const init = `window.ui = SwaggerUIBundle({
  url: "/v1/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout",
});
`;
  const html = (_req: express.Request, res: express.Response) => {
    res.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'");
    res.type("html").send(page);
  };
  router.get("/docs", html);
  router.get("/docs/", html);
  router.get("/docs/index.html", html);
  router.get("/docs/relata-init.js", (_req, res) => {
    res.type("application/javascript").send(init);
  });
  router.use("/docs", express.static(dist, { index: false, immutable: true, maxAge: "1d" }));
  return router;
}
