import { z } from "zod";
import { recordType } from "./enums";
import { named } from "./registry";

/**
 * The limits Sales enforces on its inputs: free text at most 200 characters (after trimming),
 * activity notes at most 10,000. The schemas here say exactly what the service accepts, so a
 * request valid by the published OpenAPI is not refused for a rule the document could state.
 */
export const MAX_TEXT = 200;
export const MAX_NOTES = 10_000;

/**
 * Rules that no JSON schema can state are marked in the document, for clients and for the API
 * fuzzing stage: `x-relata-reference` names the kind of record (or server-issued token) an
 * input must name and that must exist; `x-relata-state-dependent` says which stored state
 * decides whether a well-formed value is accepted. A 400 naming such a field is not a broken
 * contract.
 */
export const reference = (what: string) => ({ "x-relata-reference": what });
export const stateDependent = (rule: string) => ({ "x-relata-state-dependent": rule });

/** Record ids as the services issue them. */
export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a record id").meta({ example: "6655f0c2a1b2c3d4e5f60718" });
/** The id of a record of the given kind that must exist in the caller's tenant. */
export const RefId = (what: string) => Id.meta(reference(what));
/** A user's Keycloak subject or a partner client's id. */
export const OwnerId = z.string().regex(/^[A-Za-z0-9@._:-]{1,128}$/, "must be a user or client id");
/** A tenant id as the platform accepts it in call metadata (X-Relata-Tenant). */
export const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const IdParams = z.strictObject({ id: Id });

/**
 * Something besides blanks. The service trims text (JavaScript's trim: \s and U+FEFF) and
 * refuses what is left empty; U+FEFF is spelled out for generators whose \s lacks it.
 */
const NOT_BLANK = /[^\s\uFEFF]/;
/** Required free text of a bounded size: not blank; surrounding blanks are trimmed by the service. */
export const text = (max: number = MAX_TEXT) => z.string().min(1).max(max).regex(NOT_BLANK, "must not be blank");
/** Optional free text; empty (or blanks) reads as no value. */
export const optionalText = (max: number = MAX_TEXT) => z.string().max(max);

/**
 * An email address as both the gateway and Sales check it (zod's email pattern), at most 200
 * characters. Stated as the pattern alone: `format: email` would promise more than is checked
 * (RFC 5321's 64-character local part, say).
 */
export const Email = z.string().max(MAX_TEXT).regex(z.regexes.email, "must be an email address").meta({ example: "ada@example.com" });
export const Phone = z.string().regex(/^\+?[0-9 ()./-]{3,32}$/, "must be a phone number");
/**
 * An http(s) URL as the service checks it (case-insensitive scheme, no blanks, a host-like
 * first character), at most 200 characters.
 */
export const Website = z
  .string()
  .max(MAX_TEXT)
  .regex(/^[Hh][Tt][Tt][Pp][Ss]?:\/\/[^\s\uFEFF/$.?#][^\s\uFEFF]*$/, "must be an http(s) URL")
  .meta({ example: "https://acme.example" });
/**
 * A calendar day from year 0100 on: the service reads years 0000-0099 as 19xx when it checks
 * the day, and refuses them.
 */
export const DateOnly = z.iso.date().regex(/^(0[1-9]|[1-9])/, "must be a date from year 0100 on");
export const DateTime = z.iso.datetime({ offset: true });

/** ISO 4217 currencies: the list the runtime knows, which is the one Sales checks against. */
export const CURRENCIES = Intl.supportedValuesOf("currency").filter((c) => /^[A-Z]{3}$/.test(c)) as [string, ...string[]];

export const Money = named(
  "Money",
  z.strictObject({
    amount: z.string().regex(/^\d{1,15}(\.\d{1,4})?$/, "must be a decimal string such as \"12500.00\""),
    currency: z.enum(CURRENCIES, { error: "must be an ISO 4217 currency code such as \"EUR\"" }),
  }),
  "A decimal amount as a string (no precision lost) in an ISO 4217 currency.",
);

export const RecordRef = named(
  "RecordRef",
  z.strictObject({ type: recordType.schema, id: Id }),
  "A reference to any Sales record.",
);

export const Problem = named(
  "Problem",
  z.object({
    type: z.string().meta({ example: "https://relata.dev/problems/validation-error" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    field: z.string().optional().meta({ description: "The input that failed: a body field in camelCase (\"lastName\", \"amount.currency\"), a query parameter or a header name." }),
    errors: z
      .array(z.object({ field: z.string(), detail: z.string() }))
      .optional()
      .meta({ description: "Every input that failed, when validation found more than one; `field` is the first of them." }),
    dependents: z
      .array(z.object({ what: z.string(), count: z.number().int() }))
      .optional()
      .meta({ description: "A delete refused (409) because other records depend on the record: which kinds, and how many of each." }),
    requestId: z.string(),
  }),
  "RFC 9457 problem details, the body of every error.",
);

export const Limit = z.coerce.number().int().min(1).max(200).meta({ description: "Page size, 1..200 (default 50)." });
export const Cursor = z
  .string()
  .min(1)
  .max(1024)
  .meta({ description: "The nextCursor of the previous page.", ...reference("page cursor issued by the API") });

/** The sort parameter over the given fields ("createdAt" ascending, "-createdAt" descending). */
function sortParam(fields: readonly [string, ...string[]]) {
  const values = fields.flatMap((f) => [f, `-${f}`]) as [string, ...string[]];
  return z.enum(values).meta({ description: `Sort field, prefixed with '-' for descending: ${fields.join(", ")}.` });
}

/** Query parameters of a list: paging, sort and the resource's filters; nothing unknown. */
export function listQuery<F extends z.ZodRawShape>(sortable: readonly [string, ...string[]], filters: F) {
  return z.strictObject({ limit: Limit.optional(), cursor: Cursor.optional(), sort: sortParam(sortable).optional(), ...filters });
}

/** The page envelope of every list. */
export function pageOf<S extends z.ZodType>(id: string, item: S) {
  return named(
    id,
    z.object({
      data: z.array(item),
      nextCursor: z.string().nullable().meta({ description: "Pass as ?cursor= for the next page; null on the last page." }),
    }),
  );
}

/** Version numbers travel as int64 strings in gRPC; the API shows them as numbers. */
export const Version = z.number().int().min(1).meta({ description: "Incremented on every change; the ETag of the record." });

/** A PATCH body names at least one field (the document says so with minProperties). */
export function patchOf<S extends z.ZodObject>(schema: S) {
  return schema.refine((v) => Object.keys(v).length > 0, { message: "name at least one field to change" }).meta({ minProperties: 1 });
}

/** Proto3 strings are "" when unset; the API shows null. */
export function orNull(value: string | undefined): string | null {
  return value === undefined || value === "" ? null : value;
}

export function toVersion(value: string | number | undefined): number {
  return Number(value ?? 0);
}
