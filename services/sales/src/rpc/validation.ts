import { InvalidArgument, parseInput } from "@relata/platform";
import { z } from "zod";
import { isCalendarDate, moneyProblem } from "../domain/money";

/**
 * Request validation at the gRPC boundary. Schemas follow the ts-proto request objects
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

export const MAX_TEXT = 200;
export const MAX_NOTES = 10_000;

const atMost = (max: number) => `must be at most ${max} characters`;

const string = () => z.string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") });

const trimmedText = (max: number) => string().trim().max(max, atMost(max));

/** Free text, trimmed, possibly empty (absent reads as empty). */
export const text = (max = MAX_TEXT) => trimmedText(max).default("");

/** Text that must be present. */
export const requiredText = (max = MAX_TEXT) => string().trim().min(1, "is required").max(max, atMost(max));

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

/** A proto3 `optional string` email: absent means unchanged. */
export const optionalEmail = () => emailAddress().optional();

const httpUrl = () => trimmedText(MAX_TEXT).refine((v) => v === "" || /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(v), "must be an http(s) URL");

export const website = () => httpUrl().default("");

export const optionalWebsite = () => httpUrl().optional();

/** YYYY-MM-DD, a real calendar day, or empty. */
const date = () => trimmedText(10).refine((v) => v === "" || isCalendarDate(v), "must be a date written YYYY-MM-DD");

export const calendarDate = () => date().default("");

/** A proto3 `optional string` date: absent means unchanged, empty clears it. */
export const optionalCalendarDate = () => date().optional();

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

/** A Money message: a decimal string amount and an ISO 4217 currency. An all-empty one is absent. */
export const money = () =>
  z.preprocess(
    (v) => (v && typeof v === "object" && !(v as { amount?: string }).amount && !(v as { currency?: string }).currency ? undefined : v),
    z
      .object({ amount: string().trim(), currency: string().trim() })
      .superRefine((m, ctx) => {
        const problem = moneyProblem(m);
        if (problem) ctx.addIssue({ code: "custom", path: [problem.field], message: problem.message });
      })
      .optional(),
  );

interface EnumCodec<D extends string> {
  fromProto: (value: never) => D | undefined;
}

/**
 * A proto enum field: UNSPECIFIED (or absent) is "is required" when required, else the
 * fallback (undefined: no filter); an unknown value is refused.
 */
export function protoEnum<D extends string>(codec: EnumCodec<D>, options: { required: true }): z.ZodType<D>;
export function protoEnum<D extends string>(codec: EnumCodec<D>, options: { required: false; fallback: D }): z.ZodType<D>;
export function protoEnum<D extends string>(codec: EnumCodec<D>, options: { required: false }): z.ZodType<D | undefined>;
export function protoEnum<D extends string>(
  codec: EnumCodec<D>,
  options: { required: boolean; fallback?: D },
): z.ZodType<D | undefined> {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      const decoded = codec.fromProto(value as never);
      if (decoded) return decoded;
      if (!value || value.endsWith("_UNSPECIFIED")) {
        if (!options.required) return options.fallback;
        ctx.addIssue({ code: "custom", message: "is required" });
        return z.NEVER;
      }
      ctx.addIssue({ code: "custom", message: `is not a known value: ${value}` });
      return z.NEVER;
    }) as unknown as z.ZodType<D | undefined>;
}

/** A nested message the request must carry. */
export const requiredMessage = <T extends z.ZodRawShape>(shape: T) =>
  z.object(shape, { error: (issue) => (issue.input === undefined ? "is required" : undefined) });
