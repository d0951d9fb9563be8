export * from "./stack";
export * from "./tokens";
export * from "./wait";
export * from "./process";
