// Marketing's REST face: its routes (the kit's crudRoutes plus custom verbs) and the custom
// verbs' schemas. The gateway hosts them through `@relata/marketing/gateway`.
export * from "./routes/campaigns";
export * from "./routes/call-list";
export * from "./routes/survey";
export * from "./routes/consent";
export * from "./schemas/consent";
export * from "./routes/list";
export * from "./schemas/list";
export * from "./routes/results";
export * from "./schemas/results";
export * from "./routes/responses";
export * from "./routes/scoring";
export * from "./routes/segments";
