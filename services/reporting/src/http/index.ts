// Reporting's REST face: its routes (the kit's crudRoutes for quotas plus the analytics verbs)
// and their schemas. The gateway hosts them through `@relata/reporting/gateway`.
export * from "./routes/store";
export * from "./routes/query";
export * from "./routes/quotas";
export * from "./routes/sales";
export * from "./schemas/sales";
export * from "./routes/operations";
export * from "./routes/customer-value";
