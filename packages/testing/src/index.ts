export * from "./stack";
export * from "./tokens";
export * from "./wait";
export * from "./process";
export * from "./clients";
export * from "./workloads";
export * from "./workload-process";
export * from "./resource-samples";
