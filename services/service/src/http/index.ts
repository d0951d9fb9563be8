// The Service's REST face: its routes per resource (the kit's crudRoutes plus custom verbs) and
// the custom verbs' schemas. The gateway hosts them through `@relata/service/gateway`.
export * from "./routes/cases";
export * from "./routes/sla";
