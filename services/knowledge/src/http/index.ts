// The Knowledge-Base's REST face: its routes (the kit's crudRoutes plus custom verbs) and the
// custom verbs' schemas. The gateway hosts them through `@relata/knowledge/gateway`.
export * from "./routes/articles";
export * from "./routes/cases";
export * from "./schemas/articles";
export * from "./routes/search";
export * from "./schemas/search";
