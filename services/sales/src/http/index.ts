// Sales' REST face: its routes per resource (the kit's crudRoutes plus custom verbs) and the
// custom verbs' schemas. The gateway hosts them through `@relata/sales/gateway`.
export * from "./routes/accounts";
export * from "./routes/activities";
export * from "./routes/contacts";
export * from "./routes/lead-assignment";
export * from "./routes/leads";
export * from "./routes/opportunities";
export * from "./routes/pipeline";
export * from "./schemas/leads";
export * from "./schemas/opportunities";
export * from "./schemas/pipeline";
export * from "./schemas/timeline";
export * from "./routes/competitors";
export * from "./routes/proposals";
export * from "./schemas/proposals";
export * from "./routes/catalogue";
export * from "./routes/quotes";
export * from "./routes/orders";
export * from "./schemas/commerce";
export * from "./routes/territories";
export * from "./routes/forecast";
export * from "./schemas/territories";
export * from "./schemas/forecast";
