import { z } from "zod";
import { InvalidArgument } from "./errors";

/**
 * Validates input against a schema; the first problem becomes an InvalidArgument naming the
 * field by its path ("amount.currency"), which the gateway turns into problem details.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join(".") || "body";
  throw new InvalidArgument(field, `${field}: ${issue.message}`);
}

/**
 * Request validation at a service's gRPC boundary. Schemas follow the ts-proto request objects
 * (camelCase); a failure names the field as the proto does, in snake_case ("amount.currency",
 * "related_to.id"), which the gateway converts to its JSON names.
 */
export function validate<S extends z.ZodType>(schema: S, request: unknown): z.output<S> {
  try {
    return parseInput(schema, request);
  } catch (err) {
    if (err instanceof InvalidArgument && err.field) {
      const field = snakeCase(err.field);
      const message = err.message.startsWith(err.field) ? field + err.message.slice(err.field.length) : err.message;
      throw new InvalidArgument(field, message);
    }
    throw err;
  }
}

export function snakeCase(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

// Field schemas for proto request fields. Proto3 strings are never absent on the wire: "" is
// "not given", and a proto3 `optional` field is undefined when absent (meaning "unchanged").

export const MAX_TEXT = 200;

/**
 * A string's length in characters (code points), as zod's `max` and JSON Schema's `maxLength`
 * count it; `.length` counts UTF-16 units, two for a character outside the BMP.
 */
export function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

const atMost = (max: number) => `must be at most ${max} characters`;

/** A string, with the kit's messages: absent is "is required", another type "must be a string". */
export const stringValue = () => z.string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") });

const trimmedText = (max: number) => stringValue().trim().max(max, atMost(max));

/** Free text, trimmed, possibly empty (absent reads as empty). */
export const text = (max = MAX_TEXT) => trimmedText(max).default("");

/** Text that must be present. */
export const requiredText = (max = MAX_TEXT) => stringValue().trim().min(1, "is required").max(max, atMost(max));

/** The id of a record: present, trimmed. */
export const id = () => requiredText();

/** An id that may be empty ("no account"). */
export const optionalId = () => text();

/** A proto3 `optional string`: absent means unchanged. */
export const optionalText = (max = MAX_TEXT) => trimmedText(max).optional();

const emailAddress = () =>
  trimmedText(MAX_TEXT)
    .refine((v) => v === "" || z.email().safeParse(v).success, "must be an email address")
    .transform((v) => v.toLowerCase());

/** An email address, stored lower-cased, or empty. */
export const email = () => emailAddress().default("");


const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day written YYYY-MM-DD (no 2025-02-30). */
export function isCalendarDate(value: string): boolean {
  const m = CALENDAR_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Date.UTC reads years 0-99 as 1900-1999, so the year is set on its own.
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** YYYY-MM-DD, a real calendar day, or empty. */
const date = () => trimmedText(10).refine((v) => v === "" || isCalendarDate(v), "must be a date written YYYY-MM-DD");

export const calendarDate = () => date().default("");

/** Whether the platform's time-zone database (ICU, as shipped with Node) knows an IANA name. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone ("Europe/Warsaw"); empty or absent is "UTC". */
export const timeZone = () =>
  text(64)
    .refine((v) => v === "" || isTimeZone(v), 'must be an IANA time zone such as "Europe/Warsaw"')
    .transform((v) => v || "UTC");

/** A Timestamp (ts-proto gives it as an ISO string), or absent. */
export const timestamp = () =>
  z
    .string()
    .optional()
    .refine((v) => v === undefined || v === "" || !Number.isNaN(Date.parse(v)), "must be an RFC 3339 timestamp")
    .transform((v) => (v ? new Date(v) : undefined));

/** int64 expected_version (a string from ts-proto): "0" skips the check. */
export const expectedVersion = () =>
  z
    .string()
    .default("0")
    .refine((v) => /^\d{1,15}$/.test(v), "must be a whole number")
    .transform(Number);

/** Either enum codec's decoding (null or undefined: UNSPECIFIED or unknown). */
export interface EnumDecoder<W extends string> {
  fromProto(value: string | undefined): W | null | undefined;
}

/**
 * A proto enum field, decoded to its word: UNSPECIFIED (or absent) is "is required" when
 * required, else the fallback (undefined: no filter); an unknown value is refused.
 */
export function protoEnum<W extends string>(codec: EnumDecoder<W>, options: { required: true }): z.ZodType<W>;
export function protoEnum<W extends string>(codec: EnumDecoder<W>, options: { required: false; fallback: W }): z.ZodType<W>;
export function protoEnum<W extends string>(codec: EnumDecoder<W>, options: { required: false }): z.ZodType<W | undefined>;
export function protoEnum<W extends string>(
  codec: EnumDecoder<W>,
  options: { required: boolean; fallback?: W },
): z.ZodType<W | undefined> {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      const decoded = codec.fromProto(value);
      if (decoded) return decoded;
      if (!value || value.endsWith("_UNSPECIFIED")) {
        if (!options.required) return options.fallback;
        ctx.addIssue({ code: "custom", message: "is required" });
        return z.NEVER;
      }
      ctx.addIssue({ code: "custom", message: `is not a known value: ${value}` });
      return z.NEVER;
    }) as unknown as z.ZodType<W | undefined>;
}
