import { z } from "zod";
import { validate } from "../validation";
import { ID_PATTERN, type AnyField } from "./fields";
import { fieldEntries, type AnyResource, type CreateInput, type Fields, type ListFilters, type UpdateInput } from "./resource";

/**
 * The service's input validation of a resource, over the ts-proto request objects, with the
 * very limits of the API's schemas (the codec's `input` schema is applied to the trimmed value).
 * Outputs are record values: enum words, Dates, lower-cased emails.
 */

type Mode = "create" | "update" | "filter";

function issuesInto(ctx: z.RefinementCtx, error: z.ZodError): typeof z.NEVER {
  for (const issue of error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  return z.NEVER;
}

/** One field of a request: absent, "none" ("", UNSPECIFIED, an empty message) or a value to check. */
function requestValue(field: AnyField, mode: Mode): z.ZodType {
  const { codec, rules } = field;
  // optional() on the way in lets an absent key reach the transform (which decides what absence means).
  return z.unknown().optional().transform((raw, ctx) => {
    // proto3 `optional` in an update: absent means unchanged.
    if (raw === undefined && mode === "update") return undefined;
    const value = codec.normalise(raw);
    // A required number or boolean at the message's default (0, false) that its limits allow is
    // that value: the message cannot tell it from "not given", and the gateway checked presence.
    if (rules.required && mode === "create" && (typeof value === "number" || typeof value === "boolean") && value === codec.emptyProto) {
      const result = codec.service.safeParse(value);
      if (result.success) return result.data;
    }
    // A create or list request cannot tell the message's default (0, false) from "not given";
    // an update's proto3 `optional` can, so there 0 and false are values to check.
    if (codec.isEmpty(value) || (mode !== "update" && value === codec.emptyProto)) {
      if (mode === "filter") return undefined;
      if (rules.required) {
        ctx.addIssue({ code: "custom", message: "is required" });
        return z.NEVER;
      }
      if (mode === "update") {
        if (rules.clearable) return codec.emptyRecord;
        // A message ("" cannot be told from absent) leaves the value unchanged; a string cannot clear.
        if (!codec.clearable) return undefined;
        ctx.addIssue({ code: "custom", message: "cannot be cleared" });
        return z.NEVER;
      }
      return codec.emptyRecord;
    }
    const result = codec.service.safeParse(value);
    return result.success ? result.data : issuesInto(ctx, result.error);
  });
}

const requiredId = z.unknown().optional().transform((raw, ctx) => {
  const value = typeof raw === "string" ? raw.trim() : raw;
  if (value === undefined || value === "") {
    ctx.addIssue({ code: "custom", message: "is required" });
    return z.NEVER;
  }
  if (typeof value !== "string" || !ID_PATTERN.test(value)) {
    ctx.addIssue({ code: "custom", message: "must be a record id" });
    return z.NEVER;
  }
  return value;
});

/** int64 expected_version (a string from ts-proto): "0" skips the check. */
const expectedVersion = z
  .string()
  .default("0")
  .refine((v) => /^\d{1,15}$/.test(v), "must be a whole number")
  .transform(Number);

/** The caller's idempotency key; the API limits it to 255 visible characters. */
const idempotencyKey = z.string().max(255, "must be at most 255 characters").default("");

export interface ServiceSchemas<F extends Fields> {
  create: z.ZodType<CreateInput<F>>;
  update: z.ZodType<UpdateInput<F>>;
  get: z.ZodType<{ id: string }>;
  /** The filters of a list request (the page is read by the kit's pagination). */
  list: z.ZodType<ListFilters<F>>;
}

/** Pairs that go together: both given or neither (a checked value that is "" or undefined is not given). */
function together(pairs: readonly (readonly [string, string])[], keys: string[]) {
  const relevant = pairs.filter(([a, b]) => keys.includes(a) && keys.includes(b));
  const absent = (v: unknown) => v === undefined || v === "";
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    for (const [a, b] of relevant) {
      if (absent(value[a]) !== absent(value[b])) {
        ctx.addIssue({ code: "custom", path: [absent(value[a]) ? a : b], message: `${a} and ${b} go together` });
      }
    }
  };
}

const cache = new WeakMap<object, ServiceSchemas<Fields>>();

/** The service's request schemas of a resource (built once per resource). */
export function serviceSchemas<F extends Fields>(r: AnyResource<F>): ServiceSchemas<F> {
  const known = cache.get(r);
  if (known) return known as unknown as ServiceSchemas<F>;
  const create: Record<string, z.ZodType> = { idempotencyKey };
  const update: Record<string, z.ZodType> = { id: requiredId, expectedVersion };
  const list: Record<string, z.ZodType> = {};
  for (const [key, field] of fieldEntries(r)) {
    if (field.rules.create) create[key] = requestValue(field, "create");
    if (field.rules.update) update[key] = requestValue(field, "update");
    if (field.rules.filter) list[key] = requestValue(field, "filter");
  }
  const result = {
    create: z.object(create).superRefine(together(r.together, Object.keys(create))),
    update: z.object(update).superRefine(together(r.together, Object.keys(update))),
    get: z.object({ id: requiredId }),
    list: z.object(list).superRefine(together(r.together, Object.keys(list))),
  };
  cache.set(r, result as unknown as ServiceSchemas<Fields>);
  return result as unknown as ServiceSchemas<F>;
}

