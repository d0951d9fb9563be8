import { z } from "zod";
import { enumCodec } from "../../src/codec/enum";
import { AppError, InvalidArgument } from "../../src/errors";
import {
  calendarDate,
  characterCount,
  email,
  expectedVersion,
  id,
  isCalendarDate,
  optionalText,
  protoEnum,
  requiredText,
  snakeCase,
  text,
  timestamp,
  validate,
} from "../../src/validation";

enum Colour {
  COLOUR_UNSPECIFIED = "COLOUR_UNSPECIFIED",
  COLOUR_DARK_RED = "COLOUR_DARK_RED",
  COLOUR_BLUE = "COLOUR_BLUE",
}
const colour = enumCodec(Colour, "COLOUR_");

function failure(fn: () => unknown): { field?: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidArgument);
    return { field: (err as AppError).field, message: (err as AppError).message };
  }
  throw new Error("expected validation to fail");
}

describe("validate", () => {
  it("names the failing field in the proto's snake_case, in the field and the message", () => {
    const relatedTo = z.object({ recordId: id() }, { error: (issue) => (issue.input === undefined ? "is required" : undefined) });
    const schema = z.object({ relatedTo });
    expect(failure(() => validate(schema, { relatedTo: { recordId: " " } }))).toEqual({
      field: "related_to.record_id",
      message: "related_to.record_id: is required",
    });
    expect(failure(() => validate(schema, {}))).toEqual({ field: "related_to", message: "related_to: is required" });
    expect(snakeCase("stages.0.probabilityPct")).toBe("stages.0.probability_pct");
  });
});

describe("field helpers", () => {
  const parse = (schema: z.ZodType, value: unknown): unknown => (validate(z.object({ value: schema }), { value }) as { value?: unknown }).value;
  const fieldError = (schema: z.ZodType, value: unknown) => failure(() => validate(z.object({ value: schema }), { value })).message;

  it("trims text, defaults it to empty and limits it", () => {
    expect(parse(text(), "  hi  ")).toBe("hi");
    expect(parse(text(), undefined)).toBe("");
    expect(fieldError(text(5), "abcdef")).toBe("value: must be at most 5 characters");
    expect(fieldError(text(), 42)).toBe("value: must be a string");
    expect(parse(optionalText(), undefined)).toBeUndefined();
    expect(fieldError(requiredText(), "   ")).toBe("value: is required");
    expect(fieldError(requiredText(), undefined)).toBe("value: is required");
  });

  it("lower-cases email addresses and refuses what is not one", () => {
    expect(parse(email(), " Ada@Example.COM ")).toBe("ada@example.com");
    expect(parse(email(), "")).toBe("");
    expect(fieldError(email(), "not-an-email")).toBe("value: must be an email address");
  });

  it("counts characters as the text schemas do, not UTF-16 units", () => {
    const emoji = "😀".repeat(200);
    expect(characterCount(emoji)).toBe(200);
    expect(characterCount("")).toBe(0);
    expect(requiredText().safeParse(emoji).success).toBe(true);
    expect(requiredText().safeParse(emoji + "x").success).toBe(false);
  });

  it("accepts only real calendar days", () => {
    expect(isCalendarDate("2028-02-29")).toBe(true);
    expect(isCalendarDate("2026-02-29")).toBe(false);
    // Years 0-99 are years of their own, not 1900-1999.
    expect(isCalendarDate("0050-01-01")).toBe(true);
    expect(isCalendarDate("0000-02-29")).toBe(true);
    expect(isCalendarDate("0001-02-29")).toBe(false);
    expect(isCalendarDate("0099-12-31")).toBe(true);
    expect(parse(calendarDate(), "0050-01-01")).toBe("0050-01-01");
    expect(parse(calendarDate(), "2026-02-28")).toBe("2026-02-28");
    expect(fieldError(calendarDate(), "2026-02-30")).toBe("value: must be a date written YYYY-MM-DD");
  });

  it("reads timestamps as dates and refuses what is not one", () => {
    expect(parse(timestamp(), "2026-02-02T10:00:00Z")).toEqual(new Date("2026-02-02T10:00:00Z"));
    expect(parse(timestamp(), undefined)).toBeUndefined();
    expect(fieldError(timestamp(), "yesterday")).toBe("value: must be an RFC 3339 timestamp");
  });

  it("reads an int64 expected version, 0 when absent", () => {
    expect(parse(expectedVersion(), "12")).toBe(12);
    expect(parse(expectedVersion(), undefined)).toBe(0);
    expect(fieldError(expectedVersion(), "-1")).toBe("value: must be a whole number");
  });

  it("decodes proto enums to words: required, fallback, unknown", () => {
    expect(parse(protoEnum(colour, { required: true }), Colour.COLOUR_DARK_RED)).toBe("dark_red");
    expect(fieldError(protoEnum(colour, { required: true }), Colour.COLOUR_UNSPECIFIED)).toBe("value: is required");
    expect(parse(protoEnum(colour, { required: false, fallback: "blue" }), undefined)).toBe("blue");
    expect(parse(protoEnum(colour, { required: false }), Colour.COLOUR_UNSPECIFIED)).toBeUndefined();
    expect(fieldError(protoEnum(colour, { required: false }), "COLOUR_GREEN")).toBe("value: is not a known value: COLOUR_GREEN");
  });
});
