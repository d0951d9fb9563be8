import { z } from "zod";
import type { EnumCodec } from "../codec/enum";

/** A value's three forms: in the generated message, in the API's JSON, in the service's record. */
export interface FieldTypes {
  proto: unknown;
  json: unknown;
  record: unknown;
}

/** What the type checker knows of a field: whether the API may serve null, where it is writable. */
export interface FieldFlags {
  nullable: boolean;
  required: boolean;
  clearable: boolean;
  filter: boolean;
  create: boolean;
  update: boolean;
}

/** The flags of a field no modifier has touched. */
export type DefaultFlags = { nullable: true; required: false; clearable: false; filter: false; create: true; update: true };

/** How one kind of value is checked and carried between the API, gRPC and the database. */
export interface ValueCodec<T extends FieldTypes> {
  readonly kind: FieldKind;
  /** The API's schema of a value a caller sends; the service applies the same one. */
  readonly input: z.ZodType<T["json"]>;
  /** The API's schema of a value it serves (nullability is the field's). */
  readonly output: z.ZodType<T["json"]>;
  /** Service: the check of a present, non-empty request value, giving the value as the record keeps it. */
  readonly service: z.ZodType<T["record"]>;
  /** Service: the request value as checked (strings trimmed). */
  normalise(value: unknown): unknown;
  /** Whether a normalised request value means "none" ("", UNSPECIFIED, an empty message). */
  isEmpty(value: unknown): boolean;
  /** What a message carries for "none"; "" for strings, which is how a PATCH clears them. */
  readonly emptyProto: T["proto"];
  readonly emptyRecord: T["record"];
  /** Whether the message's "none" is a value a proto3 `optional` field can carry (strings). */
  readonly clearable: boolean;
  toJson(value: T["proto"]): T["json"] | null;
  toProto(value: T["json"]): T["proto"];
  recordToProto(value: T["record"] | undefined): T["proto"];
  /**
   * The mongoose type of the stored value (required-ness and default are added per field): a
   * constructor (String, Date...) or a Subdocument, which store.ts makes a schema of, so that
   * describing a field loads no database driver.
   */
  readonly mongo: unknown;
}

/** A stored value made of several parts, kept as a subdocument without its own _id (`many`: a list of them). */
export class Subdocument {
  constructor(
    readonly definition: Record<string, unknown>,
    readonly many = false,
  ) {}
}

export type FieldKind =
  | "text"
  | "email"
  | "phone"
  | "httpUrl"
  | "date"
  | "timestamp"
  | "money"
  | "enum"
  | "ref"
  | "recordRef"
  | "int"
  | "boolean"
  | "owner"
  | "list"
  | "rows"
  | "custom";

export interface FieldRules {
  /** The create must carry a non-empty value; the API always serves one. */
  readonly required: boolean;
  /** A PATCH may send null, which clears the value. */
  readonly clearable: boolean;
  /** Lists may be sorted by it (`sort=name`, `sort=-name`). */
  readonly sortable: boolean;
  /** Lists may be filtered by it (exact match). */
  readonly filter: boolean;
  /** Writable on create / on update. */
  readonly create: boolean;
  readonly update: boolean;
  /** Whether the API serves null when the message carries "none". */
  readonly nullable: boolean;
  readonly description?: string;
  /**
   * What the value must name that exists when it is written: the resource a `ref` field points
   * at ("sales.account"), or another kind of thing ("stage of the tenant's pipeline").
   */
  readonly references?: string;
  /** A rule between this value and another that no schema can state ("after start"). */
  readonly relation?: string;
  /** What, besides the value, decides whether it is accepted (stored state, the installation's policy). */
  readonly stateDependent?: string;
  /** The resources a `recordRef` field may point at, by name; none: any resource. */
  readonly targets?: readonly string[];
  /** The name of the field's input schema in the OpenAPI document, with its description. */
  readonly schemaName?: { id: string; description?: string };
  /** A valid value, for the OpenAPI document and for generated samples where the kind has none of its own. */
  readonly example?: unknown;
}

export type With<G extends FieldFlags, K extends keyof FieldFlags, V extends boolean> = { [P in keyof FieldFlags]: P extends K ? V : G[P] };

/** One field of a resource: its kind of value and its rules, set by chained modifiers. */
export class Field<T extends FieldTypes, G extends FieldFlags = DefaultFlags> {
  /** Type-level only: the field's value types and flags (no runtime value). */
  declare readonly typeOnly: { types: T; flags: G };

  constructor(
    readonly codec: ValueCodec<T>,
    readonly rules: FieldRules,
  ) {}

  private with<N extends FieldFlags>(change: Partial<FieldRules>): Field<T, N> {
    return new Field<T, N>(this.codec, { ...this.rules, ...change });
  }

  /** The create must carry it, a PATCH cannot clear it, and the API always serves it. */
  required(): Field<T, With<With<G, "nullable", false>, "required", true>> {
    return this.with({ required: true, nullable: false, clearable: false });
  }

  /** Optional on create, the service fills it in (say how), so the API always serves it. */
  defaulted(description: string): Field<T, With<G, "nullable", false>> {
    return this.with({ nullable: false, description });
  }

  /** A PATCH may send null to clear it (proto "" in an `optional string`). */
  clearable(): Field<T, With<G, "clearable", true>> {
    if (!this.codec.clearable) throw new Error(`a ${this.codec.kind} field cannot be cleared through a proto3 optional field`);
    if (this.rules.required) throw new Error("a required field cannot be cleared");
    return this.with({ clearable: true });
  }

  sortable(): Field<T, G> {
    return this.with({ sortable: true });
  }

  filter(): Field<T, With<G, "filter", true>> {
    return this.with({ filter: true });
  }

  /** Served, never written through the generic create and update (a custom verb or the service sets it). */
  readOnly(): Field<T, With<With<With<G, "create", false>, "update", false>, "clearable", false>> {
    return this.with({ create: false, update: false, clearable: false });
  }

  createOnly(): Field<T, With<With<G, "update", false>, "clearable", false>> {
    return this.with({ update: false, clearable: false });
  }

  updateOnly(): Field<T, With<G, "create", false>> {
    return this.with({ create: false });
  }

  describe(description: string): Field<T, G> {
    return this.with({ description });
  }

  /** A valid value (the OpenAPI document shows it; generated samples use it where the kind has no value of its own). */
  example(value: T["json"]): Field<T, G> {
    return this.with({ example: value });
  }

  /** The value must name something that exists when it is written (no schema can say so). */
  references(what: string): Field<T, G> {
    return this.with({ references: what });
  }

  /** The value must stand in a relation to another that no schema can state ("after start"). */
  relatesTo(rule: string): Field<T, G> {
    return this.with({ relation: rule });
  }

  /** Whether a well-formed value is accepted depends on something no schema can state (say what). */
  dependsOn(rule: string): Field<T, G> {
    return this.with({ stateDependent: rule });
  }

  /** The API's schema of the field's input is a named component of the OpenAPI document. */
  named(id: string, description?: string): Field<T, G> {
    return this.with({ schemaName: description ? { id, description } : { id } });
  }
}

// ---- messages the API and the service share -------------------------------------------------

/**
 * Rules that no JSON schema can state are marked in the OpenAPI document, for clients and for
 * the API fuzzing stage: `x-relata-reference` names the kind of record (or server-issued token)
 * an input must name and that must exist; `x-relata-state-dependent` says which stored state
 * decides whether a well-formed value is accepted; `x-relata-relation` states a rule between the
 * value and another (an end after its start); `x-relata-unique` one among its siblings. A 400 naming such a field is not a broken
 * contract.
 */
export const reference = (what: string) => ({ "x-relata-reference": what });
export const stateDependent = (rule: string) => ({ "x-relata-state-dependent": rule });
export const relation = (rule: string) => ({ "x-relata-relation": rule });
/** `x-relata-unique`: a value must differ from its siblings in a way no schema states (after trimming, by a key). */
export const unique = (rule: string) => ({ "x-relata-unique": rule });

const atMost = (max: number) => `must be at most ${max} characters`;
const notString = { error: "must be a string" };

/**
 * A resource's name, `<service>.<resource>` in lower case ("sales.account",
 * "knowledge-base.article"): how descriptions name themselves and record references name a type.
 */
export const RESOURCE_NAME_PATTERN = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9_]*$/;
/** Record ids as services issue them (UUIDs) or accept them. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** A user's identity-provider subject or a partner client's id. */
export const OWNER_ID_PATTERN = /^[A-Za-z0-9@._:-]{1,128}$/;
// 3-32 characters of digits, spaces and ( ) . / -, after an optional "+"; spaces around it are
// trimmed by the service, so the first and last of those characters are not spaces.
export const PHONE_PATTERN = /^\s*\+?\s*[0-9()./-][0-9 ()./-]{1,30}[0-9()./-]\s*$/;
/**
 * http or https, any case, then a host start: the service's rule since the first release. U+FEFF
 * (in JavaScript's \s) is spelled out for the generators of other languages that read the pattern.
 */
export const HTTP_URL_PATTERN = /^[Hh][Tt][Tt][Pp][Ss]?:\/\/[^\s\uFEFF/$.?#][^\s\uFEFF]*$/;

// The parts of ENDPOINT_URL_PATTERN, spelled [0-9] rather than \d: other languages' \d is any
// Unicode digit, and their generators read the pattern too.
const DEC_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
const IPV4 = `${DEC_OCTET}(?:\\.${DEC_OCTET}){3}`;
const H16 = "[0-9A-Fa-f]{1,4}";
const LS32 = `(?:${H16}:${H16}|${IPV4})`;
const h16s = (n: number) => `(?:${H16}:){${n}}`;
const upTo = (n: number) => `(?:(?:${H16}:){0,${n}}${H16})?`;
/** RFC 3986's IPv6address, without a zone (the WHATWG parser takes none). */
const IPV6 = [
  `${h16s(6)}${LS32}`,
  `::${h16s(5)}${LS32}`,
  `${upTo(0)}::${h16s(4)}${LS32}`,
  `${upTo(1)}::${h16s(3)}${LS32}`,
  `${upTo(2)}::${h16s(2)}${LS32}`,
  `${upTo(3)}::${H16}:${LS32}`,
  `${upTo(4)}::${LS32}`,
  `${upTo(5)}::${H16}`,
  `${upTo(6)}::`,
].join("|");
// Labels of ASCII letters and digits with single inner hyphens: no "xn--" label, whose
// punycode the parser would decode and may refuse; the last starts with a letter, so the
// name is never read as an IPv4 number.
const HOST_NAME = "(?:[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\\.)*[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*";
const PORT = "(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}|0)";
/**
 * A URL the platform itself connects to (a webhook's endpoint): http(s), a host name, an IPv4
 * address or a bracketed IPv6 one, an optional port, then any path, query and fragment. Every
 * string it matches is a URL to the WHATWG parser (`new URL`), so the service never refuses as
 * malformed what the schema allows. No credentials; internationalised host names are not taken.
 */
export const ENDPOINT_URL_PATTERN = new RegExp(
  `^[Hh][Tt][Tt][Pp][Ss]?://(?:${HOST_NAME}|${IPV4}|\\[(?:${IPV6})\\])(?::${PORT})?(?:[/?#][^\\s\\uFEFF]*)?$`,
);
/**
 * Something besides blanks: what is left of required text once the service trims it
 * (JavaScript's trim: \s and U+FEFF, spelled out as above).
 */
export const NOT_BLANK_PATTERN = /[^\s\uFEFF]/;
/** An email address as both sides check it (zod's pattern); no `format`, which would promise more. */
export const EMAIL_PATTERN = z.regexes.email;
/** A calendar day written YYYY-MM-DD (no 2025-02-30), as the service's isCalendarDate reads it. */
export const CalendarDate = z.iso.date({ error: "must be a date written YYYY-MM-DD" }).meta({ example: "2026-06-30" });
/** At most 15 integer digits and 4 decimals, no sign, no exponent. */
export const DECIMAL_AMOUNT_PATTERN = /^\d{1,15}(\.\d{1,4})?$/;
/** The ISO 4217 codes this runtime knows (Intl), the one list the API, OpenAPI and the service share. */
export const CURRENCY_CODES = Intl.supportedValuesOf("currency") as [string, ...string[]];

// ---- kinds -----------------------------------------------------------------------------------

export type StringTypes = { proto: string; json: string; record: string };

const OPTIONAL_FLAGS = { required: false, clearable: false, sortable: false, filter: false, create: true, update: true, nullable: true };

function field<T extends FieldTypes, G extends FieldFlags = DefaultFlags>(
  codec: ValueCodec<T>,
  rules: Partial<FieldRules> = {},
): Field<T, G> {
  return new Field<T, G>(codec, { ...OPTIONAL_FLAGS, ...rules });
}

const trimmed = (value: unknown) => (typeof value === "string" ? value.trim() : value);

function stringCodec(
  kind: FieldKind,
  input: z.ZodType<string>,
  normalise: (value: string) => string = (v) => v,
  output: z.ZodType<string> = z.string(),
): ValueCodec<StringTypes> {
  return {
    kind,
    input,
    output,
    service: input.transform(normalise),
    normalise: trimmed,
    isEmpty: (value) => value === undefined || value === "",
    emptyProto: "",
    emptyRecord: "",
    clearable: true,
    toJson: (value) => (value === "" ? null : value),
    toProto: (value) => value,
    recordToProto: (value) => value ?? "",
    mongo: String,
  };
}

export interface TextOptions {
  /** A pattern the value must match, with the message that says so. */
  pattern?: { regex: RegExp; message: string };
}

const text = (max: number, options: TextOptions = {}) => {
  let input = z.string(notString).max(max, atMost(max));
  if (options.pattern) input = input.regex(options.pattern.regex, options.pattern.message);
  return field(stringCodec("text", input));
};

/** Fields with an `id` shaped value. */
const refInput = () => z.string(notString).regex(ID_PATTERN, "must be a record id").meta({ example: "6655f0c2a1b2c3d4e5f60718" });

/** Money as the messages carry it. */
export interface MoneyValue {
  amount: string;
  currency: string;
}

const currency = z.enum(CURRENCY_CODES, {
  error: (issue) =>
    typeof issue.input === "string" && /^[A-Z]{3}$/.test(issue.input)
      ? `${issue.input} is not an ISO 4217 currency`
      : "must be an ISO 4217 code of 3 upper-case letters",
});

const moneyShape = {
  amount: z.string(notString).regex(DECIMAL_AMOUNT_PATTERN, "must be a decimal string with at most 15 digits and 4 decimals, such as 12500.00"),
  currency,
};

/** The API's Money: strict, both parts required. */
export const MoneyInput = z.strictObject(moneyShape).meta({ description: "A decimal amount as a string (no precision lost) in an ISO 4217 currency." });

const moneyStore = new Subdocument({ amount: { type: String, required: true }, currency: { type: String, required: true } });

export type MoneyTypes = { proto: MoneyValue | undefined; json: MoneyValue; record: MoneyValue | undefined };

const moneyCodec: ValueCodec<MoneyTypes> = {
  kind: "money",
  input: MoneyInput,
  output: z.object({ amount: z.string(), currency: z.string() }),
  service: z.object(moneyShape),
  normalise: (value) =>
    value && typeof value === "object"
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, trimmed(v)]))
      : value,
  // An all-empty Money is how a message says "no amount".
  isEmpty: (value) => value === undefined || value === null || (typeof value === "object" && !(value as MoneyValue).amount && !(value as MoneyValue).currency),
  emptyProto: undefined,
  emptyRecord: undefined,
  clearable: false,
  toJson: (value) => (value && value.currency ? { amount: value.amount, currency: value.currency } : null),
  toProto: (value) => ({ amount: value.amount, currency: value.currency }),
  recordToProto: (value) => (value ? { amount: value.amount, currency: value.currency } : undefined),
  mongo: moneyStore,
};

/** An enum the message leaves UNSPECIFIED is undefined in the record. */
export type EnumTypes<E extends string, W extends string> = { proto: E; json: W; record: W | undefined };

function enumValueCodec<E extends string, W extends string>(codec: EnumCodec<E, W>): ValueCodec<EnumTypes<E, W>> {
  return {
    kind: "enum",
    input: codec.schema,
    output: codec.schema,
    service: z.string(notString).transform((value, ctx) => {
      const word = codec.fromProto(value);
      if (word !== null) return word;
      // Inside a message (a pipeline stage's kind), UNSPECIFIED is a value not given.
      const given = value !== "" && value !== `${codec.prefix}UNSPECIFIED`;
      ctx.addIssue({ code: "custom", message: given ? `is not a known value: ${value}` : "is required" });
      return z.NEVER;
    }),
    normalise: (value) => value,
    isEmpty: (value) => value === undefined || value === "" || value === `${codec.prefix}UNSPECIFIED`,
    emptyProto: `${codec.prefix}UNSPECIFIED` as E,
    emptyRecord: undefined,
    clearable: false,
    toJson: (value) => codec.fromProto(value),
    toProto: (value) => codec.toProto(value),
    recordToProto: (value) => (value === undefined ? (`${codec.prefix}UNSPECIFIED` as E) : codec.toProto(value)),
    mongo: String,
  };
}

const RESOURCE_NAME_MESSAGE = "must be a resource name such as sales.account";

/** The API's schema of a resource name: one of `targets`, or any well-formed name when none are given. */
export function resourceNameInput<const N extends string>(targets: readonly N[] = []): z.ZodType<N> {
  const schema = targets.length ? z.enum(targets as unknown as [N, ...N[]]) : z.string(notString).regex(RESOURCE_NAME_PATTERN, RESOURCE_NAME_MESSAGE);
  return (schema as z.ZodType<N>).meta({ example: targets[0] ?? "sales.account" });
}

/**
 * Service: a resource name in a message, with the API's limits; "" is a name not given, which
 * is refused as missing when `required` and is undefined otherwise.
 */
export function resourceNameValue<N extends string>(targets: readonly N[], options: { required: boolean }): z.ZodType<N | undefined> {
  return z.string(notString).transform((value, ctx) => {
    if (value === "" && !options.required) return undefined;
    const known = targets.length ? (targets as readonly string[]).includes(value) : RESOURCE_NAME_PATTERN.test(value);
    if (value !== "" && known) return value as N;
    ctx.addIssue({ code: "custom", message: value === "" ? "is required" : targets.length ? `must be one of ${targets.join(", ")}` : RESOURCE_NAME_MESSAGE });
    return z.NEVER;
  });
}

/** A reference names its record's resource in full ("sales.account") everywhere: message, JSON and record. */
export type RecordRefTypes<N extends string> = {
  proto: { type: string; id: string } | undefined;
  json: { type: N; id: string };
  record: { type: N; id: string } | undefined;
};

function recordRefCodec<N extends string>(targets: readonly N[]): ValueCodec<RecordRefTypes<N>> {
  const type = resourceNameInput(targets);
  // The id names a record of the given type that must exist.
  const input = z.strictObject({ type, id: refInput().meta(reference("record of the given type")) });
  return {
    kind: "recordRef",
    input,
    output: z.object({ type, id: z.string() }),
    service: z.object({ type: resourceNameValue(targets, { required: true }), id: refInput() }) as unknown as z.ZodType<{ type: N; id: string }>,
    normalise: (value) => (value && typeof value === "object" ? { ...value, id: trimmed((value as { id?: unknown }).id) } : value),
    isEmpty: (value) => value === undefined || value === null,
    emptyProto: undefined,
    emptyRecord: undefined,
    clearable: false,
    toJson: (value) => (value && value.type ? { type: value.type as N, id: value.id } : null),
    toProto: (value) => ({ type: value.type, id: value.id }),
    recordToProto: (value) => (value ? { type: value.type, id: value.id } : undefined),
    mongo: new Subdocument({ type: { type: String, required: true }, id: { type: String, required: true } }),
  };
}

export type TimestampTypes = { proto: string | undefined; json: string; record: Date | undefined };

const timestampCodec: ValueCodec<TimestampTypes> = {
  kind: "timestamp",
  input: z.iso.datetime({ offset: true, error: "must be an RFC 3339 timestamp" }),
  output: z.iso.datetime({ offset: true }),
  service: z.iso.datetime({ offset: true, error: "must be an RFC 3339 timestamp" }).transform((v) => new Date(v)),
  normalise: trimmed,
  isEmpty: (value) => value === undefined || value === "",
  emptyProto: undefined,
  emptyRecord: undefined,
  clearable: false,
  toJson: (value) => (value ? value : null),
  toProto: (value) => value,
  recordToProto: (value) => (value ? new Date(value).toISOString() : undefined),
  mongo: Date,
};

export type NumberTypes = { proto: number; json: number; record: number };

function intCodec(min: number, max: number): ValueCodec<NumberTypes> {
  const range = `must be from ${min} to ${max}`;
  const input = z.number({ error: "must be a number" }).int("must be a whole number").min(min, range).max(max, range);
  return {
    kind: "int",
    input,
    output: z.number().int().min(min).max(max),
    service: input,
    normalise: (value) => value,
    // Proto3 numbers have no "none": 0 is a value.
    isEmpty: (value) => value === undefined,
    emptyProto: 0,
    emptyRecord: 0,
    clearable: false,
    toJson: (value) => value,
    toProto: (value) => value,
    recordToProto: (value) => value ?? 0,
    mongo: Number,
  };
}

export type BooleanTypes = { proto: boolean; json: boolean; record: boolean };

const booleanCodec: ValueCodec<BooleanTypes> = {
  kind: "boolean",
  input: z.boolean({ error: "must be true or false" }),
  output: z.boolean(),
  service: z.boolean({ error: "must be true or false" }),
  normalise: (value) => value,
  isEmpty: (value) => value === undefined,
  emptyProto: false,
  emptyRecord: false,
  clearable: false,
  toJson: (value) => value,
  toProto: (value) => value,
  recordToProto: (value) => value ?? false,
  mongo: Boolean,
};

/**
 * A list as the messages carry it: a message wrapping the repeated values (`message MemberIds
 * { repeated string values = 1; }`), so that an update can tell "unchanged" (absent) from
 * "emptied" (an empty list), which a bare proto3 `repeated` field cannot.
 */
export interface ListValue<P> {
  values: P[];
}

export type ListTypes<T extends FieldTypes> = { proto: ListValue<T["proto"]> | undefined; json: T["json"][]; record: NonNullable<T["record"]>[] };

function listCodec<T extends FieldTypes>(item: ValueCodec<T>, maxItems: number, itemMarks: Record<string, string> = {}): ValueCodec<ListTypes<T>> {
  const tooMany = `must have at most ${maxItems} items`;
  // The schema says the items are distinct (uniqueItems); items that differ only in what the kind
  // normalises away (spaces around a text) are refused too, which the unique mark tells.
  const input = z
    .array(item.input.meta({ ...unique("among the list's items, after trimming"), ...itemMarks }), { error: "must be a list" })
    .max(maxItems, tooMany)
    .meta({ uniqueItems: true })
    .superRefine((values, ctx) => {
      values.forEach((value, i) => {
        if (values.indexOf(value) !== i) ctx.addIssue({ code: "custom", path: [i], message: "is listed twice" });
      });
    });
  return {
    kind: "list",
    input: input as unknown as z.ZodType<T["json"][]>,
    output: z.array(item.output),
    // Each item as the item's kind checks it (trimmed, then its rule), named by position; no blanks, no repeats.
    service: z.object({ values: z.array(z.unknown(), { error: "must be a list" }) }).transform((list, ctx) => {
      if (list.values.length > maxItems) {
        ctx.addIssue({ code: "custom", message: tooMany });
        return z.NEVER;
      }
      const out: NonNullable<T["record"]>[] = [];
      list.values.forEach((raw, i) => {
        const value = item.normalise(raw);
        if (item.isEmpty(value)) {
          ctx.addIssue({ code: "custom", path: [i], message: "must not be empty" });
          return;
        }
        const result = item.service.safeParse(value);
        if (!result.success) {
          for (const issue of result.error.issues) ctx.addIssue({ code: "custom", path: [i, ...issue.path], message: issue.message });
          return;
        }
        const checked = result.data as NonNullable<T["record"]>;
        if (out.includes(checked)) ctx.addIssue({ code: "custom", path: [i], message: "is listed twice" });
        else out.push(checked);
      });
      return out;
    }),
    normalise: (value) => value,
    isEmpty: (value) => value === undefined || value === null,
    emptyProto: undefined,
    emptyRecord: [],
    clearable: false,
    toJson: (value) => (value?.values ?? []).map((v) => item.toJson(v)).filter((v): v is T["json"] => v !== null),
    toProto: (value) => ({ values: value.map((v) => item.toProto(v)) }),
    recordToProto: (value) => ({ values: (value ?? []).map((v) => item.recordToProto(v)) }),
    mongo: [item.mongo],
  };
}

/**
 * Rows of one shape (a calendar's opening hours, a policy's targets): a JSON array in the API, in
 * the message a field of a wrapper message whose one field is `repeated ... values = 1`, so that
 * an update can tell "unchanged" (absent) from emptied (`{values: []}`). Rows have the same
 * shape in JSON, message and record (strings, numbers, booleans: no enums or timestamps), so one
 * row schema checks the API's body and the service's request alike.
 */
export type RowTypes<I> = { proto: { values: I[] } | undefined; json: I[]; record: I[] };

export interface RowOptions {
  min?: number;
  max: number;
  /** How the record keeps an item: a constructor (String) or a Subdocument of its parts. */
  mongo: unknown;
}

function rowsCodec<I>(item: z.ZodType<I>, options: RowOptions): ValueCodec<RowTypes<I>> {
  const min = options.min ?? 0;
  const input = z
    .array(item, { error: "must be a list" })
    .min(min, `must have at least ${min} item${min === 1 ? "" : "s"}`)
    .max(options.max, `must have at most ${options.max} rows`) as unknown as z.ZodType<I[]>;
  const stored = options.mongo instanceof Subdocument ? new Subdocument(options.mongo.definition, true) : [options.mongo];
  return {
    kind: "rows",
    input,
    output: input,
    service: input,
    // The service checks the rows themselves (the wrapper is only the message's way to be absent).
    normalise: (value) => (value && typeof value === "object" && "values" in value ? (value as { values: unknown }).values : value),
    isEmpty: (value) => value === undefined || value === null,
    emptyProto: undefined,
    emptyRecord: [],
    clearable: false,
    toJson: (value) => value?.values ?? [],
    toProto: (value) => ({ values: value }),
    recordToProto: (value) => ({ values: value ?? [] }),
    mongo: stored,
  };
}

/** A value the generic machinery serves but never writes: a nested message, a list of them. */
export interface CustomValue<T extends FieldTypes> {
  output: z.ZodType<T["json"]>;
  toJson(value: T["proto"]): T["json"];
  recordToProto(value: T["record"] | undefined): T["proto"];
  mongo: unknown;
  emptyRecord: T["record"];
}

export type NotNull<G extends FieldFlags> = With<G, "nullable", false>;
export type ReadOnlyFlags = { nullable: false; required: false; clearable: false; filter: false; create: false; update: false };

/**
 * The field kinds. Each carries one set of limits used by the API schema, the OpenAPI
 * document and the service's input validation alike.
 */
export const f = {
  /** Free text of at most `max` characters; the service trims it. */
  text,
  /** An email address; the service trims and lower-cases it. */
  email: (max = 200) =>
    field(
      stringCodec(
        "email",
        z.string(notString).max(max, atMost(max)).regex(EMAIL_PATTERN, "must be an email address").meta({ example: "ada@example.com" }),
        (v) => v.toLowerCase(),
      ),
    ),
  phone: () => field(stringCodec("phone", z.string(notString).regex(PHONE_PATTERN, "must be a phone number"))),
  /** An http(s) URL of at most `max` characters. */
  httpUrl: (max: number) =>
    field(
      stringCodec("httpUrl", z.string(notString).max(max, atMost(max)).regex(HTTP_URL_PATTERN, "must be an http(s) URL").meta({ example: "https://acme.example" })),
    ),
  /** An http(s) URL the platform connects to, of at most `max` characters (ENDPOINT_URL_PATTERN). */
  endpointUrl: (max: number) =>
    field(
      stringCodec(
        "httpUrl",
        z
          .string(notString)
          .max(max, atMost(max))
          .regex(ENDPOINT_URL_PATTERN, "must be an http(s) URL whose host is an ASCII host name (letters, digits, inner hyphens) or an IP address, without credentials")
          .meta({ example: "https://partner.example/hooks" }),
      ),
    ),
  /** A calendar day written YYYY-MM-DD (CalendarDate). */
  date: () => field(stringCodec("date", CalendarDate, undefined, z.iso.date())),
  /** An instant: RFC 3339 in the API, a Timestamp in the message, a Date in the record. */
  timestamp: () => field(timestampCodec),
  /** A decimal string amount and an ISO 4217 currency. */
  money: () => field(moneyCodec),
  /** A generated proto string enum, served as lower-case words. */
  enum: <E extends string, W extends string>(codec: EnumCodec<E, W>) => field(enumValueCodec(codec)),
  /** The id of a record of the named resource ("sales.account"). */
  ref: (resource: string) => field(stringCodec("ref", refInput()), { references: resource }),
  /**
   * A reference to a record of another resource, `{type, id}`, the type being the resource's
   * name: one of `targets` (the resources the service can check the record exists in), or any
   * resource when none are given.
   */
  recordRef: <const N extends string>(targets: readonly N[] = []) => field(recordRefCodec(targets), targets.length ? { targets } : {}),
  int: (min: number, max: number) => field<NumberTypes, NotNull<DefaultFlags>>(intCodec(min, max), { nullable: false }),
  boolean: () => field<BooleanTypes, NotNull<DefaultFlags>>(booleanCodec, { nullable: false }),
  /** The record's owner, a user or client id; the service defaults it to the caller. */
  owner: () =>
    field(stringCodec("owner", z.string(notString).regex(OWNER_ID_PATTERN, "must be a user or client id")), { description: "Defaults to the caller." }),
  /**
   * At most `maxItems` distinct values of one kind (`f.list(f.owner(), 200)`, `f.list(f.enum(codec), 4)`),
   * carried in a wrapper message (ListValue); a create without it stores an empty list, an
   * update with an empty list empties it.
   */
  list: <T extends FieldTypes>(item: Field<T, FieldFlags>, maxItems: number) =>
    field<ListTypes<T>, NotNull<DefaultFlags>>(
      listCodec(item.codec, maxItems, {
        ...(item.rules.references ? reference(item.rules.references) : {}),
        ...(item.rules.relation ? relation(item.rules.relation) : {}),
      }),
      { nullable: false },
    ),
  /**
   * Rows of one shape (see RowTypes), always served ([] when empty). `P` is the message's row
   * type (the row schema may be narrower: a word of an enum in a string), always named:
   * `f.rows<OpeningHours>(OpeningHoursRow, ...)`, `f.rows<string>(CalendarDate, ...)`.
   */
  rows: <P, I extends P = P>(item: z.ZodType<I>, options: RowOptions) =>
    field<RowTypes<P>, NotNull<DefaultFlags>>(rowsCodec<P>(item as unknown as z.ZodType<P>, options), { nullable: false }),
  /** Served as is, written only by the service's own rules. */
  custom: <T extends FieldTypes>(value: CustomValue<T>) =>
    field<T, ReadOnlyFlags>(
      {
        kind: "custom",
        input: value.output,
        output: value.output,
        service: z.never(),
        normalise: (v) => v,
        isEmpty: (v) => v === undefined,
        emptyProto: value.recordToProto(undefined),
        emptyRecord: value.emptyRecord,
        clearable: false,
        toJson: value.toJson,
        toProto: () => {
          throw new Error("a custom field is never written through the API");
        },
        recordToProto: value.recordToProto,
        mongo: value.mongo,
      },
      { create: false, update: false, nullable: false },
    ),
};

/** Any field, whatever its types and flags. */
export type AnyField = Field<FieldTypes, FieldFlags>;
