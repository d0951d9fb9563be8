// Generated code lives under ./gen (from proto/ by `buf generate`); import a file's module
// through the package's subpath exports, e.g. "@relata/proto/sales/v1/lead".
export * as common from "./gen/relata/common/v1/common";
export * as events from "./gen/relata/events/v1/sales";
export * as eventMeta from "./gen/relata/events/v1/meta";
