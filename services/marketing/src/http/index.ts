// Marketing's REST face: its routes (the kit's crudRoutes plus custom verbs) and the custom
// verbs' schemas. The gateway hosts them through `@relata/marketing/gateway`.
export * from "./routes/campaigns";
export * from "./routes/segments";
