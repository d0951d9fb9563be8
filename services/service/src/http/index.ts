// The Service's REST face: its routes per resource (the kit's crudRoutes plus custom verbs) and
// the custom verbs' schemas. The gateway hosts them through `@relata/service/gateway`.
export * from "./routes/cases";
export * from "./routes/entitlements";
export * from "./routes/scheduling";
export * from "./schemas/scheduling";
export * from "./routes/queues";
export * from "./routes/escalation-rules";
export * from "./routes/assignment";
export * from "./routes/case-extras";
export * from "./routes/sla";
