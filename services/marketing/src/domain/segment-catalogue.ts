import { z } from "zod";

/**
 * The attributes of the audience a segment may use, declared once: the API's schema of a
 * condition (gateway and OpenAPI), the service's check of the same condition and the SQL the
 * audience runs all read this catalogue. A condition can name nothing else, so no request text
 * ever reaches the SQL as a name.
 */

/** How an attribute is compared: free text, one of a few words, an instant, a yes/no. */
export type AttributeKind = "text" | "word" | "time" | "boolean";

export interface AudienceAttribute {
  kind: AttributeKind;
  /** The column of the audience's `audience` view (src/audience/schema.ts). */
  column: string;
  description: string;
  /** The values a `word` attribute takes. */
  words?: readonly string[];
}

export const PERSON_KINDS = ["contact", "lead"] as const;
/** A lead's status, or "customer" for a contact. */
export const LIFECYCLE_STAGES = ["new", "qualified", "disqualified", "converted", "customer"] as const;

export const AUDIENCE_ATTRIBUTES = {
  kind: { kind: "word", column: "kind", words: PERSON_KINDS, description: "contact or lead" },
  industry: { kind: "text", column: "industry", description: "a lead's industry; a contact's account's" },
  territory: { kind: "text", column: "territory", description: "a contact's account's territory (leads have none)" },
  lifecycleStage: { kind: "word", column: "lifecycle_stage", words: LIFECYCLE_STAGES, description: "a lead's status; customer for a contact" },
  ownerId: { kind: "text", column: "owner_id", description: "the Sales owner of the contact or lead" },
  company: { kind: "text", column: "company", description: "a lead's company; a contact's account's name" },
  title: { kind: "text", column: "title", description: "job title" },
  email: { kind: "text", column: "email", description: "email address (exists: has an email)" },
  emailDomain: { kind: "text", column: "email_domain", description: "what follows the @ of the email address, lower-case" },
  phone: { kind: "text", column: "phone", description: "phone number (exists: has a phone)" },
  createdAt: { kind: "time", column: "created_at", description: "when the Sales record was created" },
  updatedAt: { kind: "time", column: "updated_at", description: "when the Sales record last changed" },
  valueClass: { kind: "text", column: "value_class", description: "the account's value class, from Reporting" },
  churnRisk: { kind: "boolean", column: "churn_risk", description: "whether Reporting sees the account at risk of churning" },
} as const satisfies Record<string, AudienceAttribute>;

export type AudienceField = keyof typeof AUDIENCE_ATTRIBUTES;
export const AUDIENCE_FIELDS = Object.keys(AUDIENCE_ATTRIBUTES) as [AudienceField, ...AudienceField[]];

export const SEGMENT_OPERATORS = ["equals", "not_equals", "in", "contains", "greater", "less", "between", "exists", "not_exists"] as const;
export type SegmentOperator = (typeof SEGMENT_OPERATORS)[number];

/** The operators each kind of attribute takes. */
export const OPERATORS_BY_KIND: Record<AttributeKind, readonly SegmentOperator[]> = {
  text: ["equals", "not_equals", "in", "contains", "exists", "not_exists"],
  word: ["equals", "not_equals", "in", "exists", "not_exists"],
  time: ["greater", "less", "between", "exists", "not_exists"],
  boolean: ["equals", "exists", "not_exists"],
};

/** A condition as the API, the message and the record carry it. */
export interface SegmentConditionValue {
  field: string;
  operator: string;
  /** A string, a boolean, a list of strings (in), two instants (between); none for exists / not_exists. */
  value?: unknown;
}

export const MAX_CONDITIONS = 20;
export const MAX_IN_VALUES = 100;

const Text = z.string({ error: "must be a string" }).min(1, "must not be empty").max(200, "must be at most 200 characters");
const Instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: "must be an RFC 3339 timestamp or a date written YYYY-MM-DD" })
  .meta({ example: "2026-01-01T00:00:00Z" });
const NoValue = z.null().optional();

const fieldsOfKind = (kind: AttributeKind) =>
  AUDIENCE_FIELDS.filter((name) => AUDIENCE_ATTRIBUTES[name].kind === kind) as [AudienceField, ...AudienceField[]];

function textConditions() {
  const field = z.enum(fieldsOfKind("text"));
  return z.discriminatedUnion("operator", [
    z.strictObject({ field, operator: z.enum(["equals", "not_equals", "contains"]), value: Text }),
    z.strictObject({ field, operator: z.literal("in"), value: z.array(Text, { error: "must be a list" }).min(1, "must have at least 1 item").max(MAX_IN_VALUES, `must have at most ${MAX_IN_VALUES} items`) }),
    z.strictObject({ field, operator: z.enum(["exists", "not_exists"]), value: NoValue }),
  ]);
}

function wordConditions(name: "kind" | "lifecycleStage") {
  const field = z.literal(name);
  const word = z.enum(AUDIENCE_ATTRIBUTES[name].words as unknown as [string, ...string[]]);
  return z.discriminatedUnion("operator", [
    z.strictObject({ field, operator: z.enum(["equals", "not_equals"]), value: word }),
    z.strictObject({ field, operator: z.literal("in"), value: z.array(word, { error: "must be a list" }).min(1, "must have at least 1 item").max(MAX_IN_VALUES) }),
    z.strictObject({ field, operator: z.enum(["exists", "not_exists"]), value: NoValue }),
  ]);
}

function timeConditions() {
  const field = z.enum(fieldsOfKind("time"));
  return z.discriminatedUnion("operator", [
    z.strictObject({ field, operator: z.enum(["greater", "less"]), value: Instant }),
    // [from, to]: an array of two rather than a tuple, which OpenAPI 3.0 documents cannot state.
    z.strictObject({ field, operator: z.literal("between"), value: z.array(Instant, { error: "must be two instants: [from, to]" }).length(2, "must be two instants: [from, to]") }),
    z.strictObject({ field, operator: z.enum(["exists", "not_exists"]), value: NoValue }),
  ]);
}

function booleanConditions() {
  const field = z.enum(fieldsOfKind("boolean"));
  return z.discriminatedUnion("operator", [
    z.strictObject({ field, operator: z.literal("equals"), value: z.boolean({ error: "must be true or false" }) }),
    z.strictObject({ field, operator: z.enum(["exists", "not_exists"]), value: NoValue }),
  ]);
}

/**
 * One condition, checked by its field's kind: the field must be in the catalogue, the operator
 * one its kind takes, the value of the kind's type (errors name `field`, `operator` or `value`).
 */
export const SegmentConditionRow = z
  .discriminatedUnion("field", [textConditions(), wordConditions("kind"), wordConditions("lifecycleStage"), timeConditions(), booleanConditions()])
  .meta({
    description: "A rule over the audience: a field of the attribute catalogue, an operator its kind takes, and the value of its kind.",
    example: { field: "industry", operator: "equals", value: "Retail" },
  }) as unknown as z.ZodType<SegmentConditionValue>;

export const SEGMENT_MATCHES = ["all", "any"] as const;
export type SegmentMatchWord = (typeof SEGMENT_MATCHES)[number];

/** Where the value of a date-only instant starts: midnight UTC. */
export function instantOf(value: string): Date {
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
}
