// One description per resource, and everything generic derived from it.
// The kit's one enum codec, for descriptions' enum fields.
export { enumCodec, type EnumCodec, type EnumWord } from "../codec/enum";
export {
  f,
  Field,
  CalendarDate,
  CURRENCY_CODES,
  DECIMAL_AMOUNT_PATTERN,
  EMAIL_PATTERN,
  ENDPOINT_URL_PATTERN,
  HTTP_URL_PATTERN,
  ID_PATTERN,
  MoneyInput,
  NOT_BLANK_PATTERN,
  OWNER_ID_PATTERN,
  PHONE_PATTERN,
  RESOURCE_NAME_PATTERN,
  resourceNameInput,
  resourceNameValue,
  Subdocument,
  reference,
  relation,
  stateDependent,
  unique,
  type AnyField,
  type CustomValue,
  type FieldFlags,
  type FieldKind,
  type FieldRules,
  type FieldTypes,
  type ListTypes,
  type ListValue,
  type MoneyValue,
  type TextOptions,
  type ValueCodec,
  // The kinds' value types and flag steps, named so a service's descriptions can be exported.
  type BooleanTypes,
  type DefaultFlags,
  type EnumTypes,
  type RowOptions,
  type RowTypes,
  type MoneyTypes,
  type NotNull,
  type NumberTypes,
  type ReadOnlyFlags,
  type RecordRefTypes,
  type StringTypes,
  type TimestampTypes,
  type With,
} from "./fields";
export * from "./resource";
export * from "./gateway";
export * from "./service";
export * from "./store";
export * from "./access";
export * from "./handlers";
