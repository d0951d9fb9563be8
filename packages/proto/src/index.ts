// Generated code lives under ./gen (from proto/ by `buf generate`); import a file's module
// through the package's subpath exports, e.g. "@relata/proto/common/v1/common". What belongs to
// one service (its service map, its events) is exported by that service's own package, not here.
export * as common from "./gen/relata/common/v1/common";
export * as eventMeta from "./gen/relata/events/v1/meta";
