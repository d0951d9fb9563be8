import { z } from "zod";
import { recordType } from "./enums";
import { named } from "./registry";

/** Record ids as the services issue them. */
export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a record id").meta({ example: "6655f0c2a1b2c3d4e5f60718" });
/** A user's Keycloak subject or a partner client's id. */
export const OwnerId = z.string().regex(/^[A-Za-z0-9@._:-]{1,128}$/, "must be a user or client id");

export const IdParams = z.strictObject({ id: Id });

/** Free text of a bounded size; surrounding blanks are not trimmed, empty is refused. */
export const text = (max: number) => z.string().min(1).max(max);
export const optionalText = (max: number) => z.string().max(max);

export const Email = z.email().max(254);
export const Phone = z.string().regex(/^\+?[0-9 ()./-]{3,32}$/, "must be a phone number");
export const DateOnly = z.iso.date();
export const DateTime = z.iso.datetime({ offset: true });

export const Money = named(
  "Money",
  z.strictObject({
    amount: z.string().regex(/^\d{1,15}(\.\d{1,4})?$/, "must be a decimal string such as \"12500.00\""),
    currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as \"EUR\""),
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
export const Cursor = z.string().min(1).max(1024).meta({ description: "The nextCursor of the previous page." });

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

/** Proto3 strings are "" when unset; the API shows null. */
export function orNull(value: string | undefined): string | null {
  return value === undefined || value === "" ? null : value;
}

export function toVersion(value: string | number | undefined): number {
  return Number(value ?? 0);
}
