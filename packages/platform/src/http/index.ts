// The declaration side of a REST face: what a service's route files need to describe their
// operations. The gateway mounts them (Express, permissions, errors, OpenAPI); this entry loads
// no HTTP server and no database driver of its own.
export * from "./route";
export * from "./responses";
export * from "./csv";
export * from "./crud";
export * from "./problem";
export * from "./conditional";
export * from "./registry";
export * from "./schemas";
export * from "./backend";
export * from "./public-events";
export * from "./parts";
export { PERIOD_PATTERN } from "../codec/period";
