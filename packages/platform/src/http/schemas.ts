import { CalendarDate, CURRENCY_CODES, ID_PATTERN, MoneyInput, OWNER_ID_PATTERN } from "../resource/fields";
import { notBlank, PAGE_CURSOR, PAGE_LIMIT, reference, relation, stateDependent } from "../resource/gateway";
import { z } from "zod";
import { isTimeZone } from "../validation";
import { named } from "./registry";

/**
 * The pieces the custom verbs' schemas share with the described resources: the kit's formats
 * and limits, so a request valid by the published OpenAPI is not refused for a rule the document
 * could state. Rules no schema can state carry the kit's marks (`reference`, `stateDependent`).
 */
export { CalendarDate, CURRENCY_CODES, PAGE_CURSOR, PAGE_LIMIT, reference, relation, stateDependent };

/**
 * An IANA time zone ("Europe/Warsaw") of the platform's tz database; absent is UTC. The zones a
 * runtime knows are not a pattern a schema can state, hence the reference mark.
 */
export const TimeZoneName = z
  .string()
  .max(64, "must be at most 64 characters")
  .refine(isTimeZone, 'must be an IANA time zone such as "Europe/Warsaw"')
  .meta({ ...reference("IANA time zone"), description: "An IANA time zone the calendar days and time buckets are read in; absent: UTC.", example: "Europe/Warsaw" });

/** The last day of a range of calendar days (YYYY-MM-DD, included): not before its `from`. */
export const LastDay = CalendarDate.meta({ ...relation("not before from"), description: "Last calendar day of the range (YYYY-MM-DD, included); not before from." });

/** Free text as the services limit it: at most 200 characters (after trimming). */
export const MAX_TEXT = 200;

/** Record ids as the services issue them. */
export const Id = z.string().regex(ID_PATTERN, "must be a record id").meta({ example: "6655f0c2a1b2c3d4e5f60718" });
/** The id of a record of the given kind that must exist in the caller's tenant. */
export const RefId = (what: string) => Id.meta(reference(what));
/** A user's Keycloak subject or a partner client's id. */
export const OwnerId = z.string().regex(OWNER_ID_PATTERN, "must be a user or client id");
export const IdParams = z.strictObject({ id: Id });

/** Required free text of a bounded size: not blank; surrounding blanks are trimmed by the service. */
export const text = (max: number = MAX_TEXT) => notBlank(z.string().max(max));

export const DateTime = z.iso.datetime({ offset: true });

/** The kit's Money (the one of every described resource), named in the document. */
export const Money = named("Money", MoneyInput, "A decimal amount as a string (no precision lost) in an ISO 4217 currency.");

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

/** Proto3 strings are "" when unset; the API shows null. */
export function orNull(value: string | undefined): string | null {
  return value === undefined || value === "" ? null : value;
}

export function toVersion(value: string | number | undefined): number {
  return Number(value ?? 0);
}
