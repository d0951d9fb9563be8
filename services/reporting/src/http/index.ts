// Reporting's REST face: its routes (the kit's crudRoutes for quotas plus the analytics verbs)
// and their schemas. The gateway hosts them through `@relata/reporting/gateway`.
export * from "./routes/store";
export * from "./routes/customer-value";
