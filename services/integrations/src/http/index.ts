// Integrations' REST face: the routes and schemas the gateway mounts (src/gateway.ts).
export * from "./routes/webhooks";
export * from "./schemas/webhooks";
export * from "./routes/imports";
export * from "./schemas/imports";
export * from "./routes/exports";
export * from "./schemas/exports";
