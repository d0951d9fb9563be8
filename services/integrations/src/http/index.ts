// Integrations' REST face: the routes and schemas the gateway mounts (src/gateway.ts).
export * from "./routes/exports";
export * from "./schemas/exports";
