// Local analytical read models on DuckDB fed from JetStream (`@relata/platform/projection`).
// A subpath of its own: only the services that keep such a model load the DuckDB engine.
export * from "./projection";
export * from "./upsert";
