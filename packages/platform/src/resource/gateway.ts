import { z } from "zod";
import { NOT_BLANK_PATTERN, reference, relation, stateDependent, type AnyField } from "./fields";

export { reference, relation, stateDependent } from "./fields";
import {
  fieldEntries,
  type AnyResource,
  type CreateBody,
  type CreateRequest,
  type Fields,
  type ListQuery,
  type ListRequest,
  type Resource,
  type ResourceJson,
  type UpdateBody,
  type UpdateRequest,
} from "./resource";

/**
 * The API face of a resource: the JSON schemas of its bodies, query and record, from which the
 * gateway validates requests and builds its OpenAPI document (zod 4, `z.toJSONSchema`), and the
 * mapping between that JSON and the gRPC messages.
 */

export const PAGE_LIMIT = z.coerce.number().int().min(1).max(200).meta({ description: "Page size, 1..200 (default 50)." });
export const PAGE_CURSOR = z
  .string()
  .min(1)
  .max(1024)
  .meta({ description: "The nextCursor of the previous page.", ...reference("page cursor issued by the API") });
/** Version numbers travel as int64 strings in gRPC; the API shows them as numbers. */
export const VERSION = z.number().int().min(1).meta({ description: "Incremented on every change; the ETag of the record." });
const DATE_TIME = z.iso.datetime({ offset: true });

/** A schema with the name the OpenAPI document gives it (`components/schemas/<id>`). */
export interface NamedSchema {
  id: string;
  schema: z.ZodType;
  description?: string;
}

/** Query parameters and PATCH fields of the API that are not fields of the record (an activity's relatedType + relatedId, open, completed). */
export interface GatewayExtras {
  list?: Record<string, z.ZodType>;
  /** Pairs of list parameters that go together (with the description's own). */
  together?: readonly (readonly [string, string])[];
  update?: Record<string, z.ZodType>;
}

export interface GatewaySchemas<F extends Fields> {
  /** POST body: strict; required fields required. */
  create: z.ZodType<CreateBody<F>>;
  /** PATCH body: strict; every field optional; null clears a clearable field; at least one field. */
  update: z.ZodType<UpdateBody<F>>;
  /** Query of the list: limit, cursor, sort and the filters (a zod object: one parameter per key). */
  list: z.ZodObject<Record<string, z.ZodType>, z.core.$strict> & z.ZodType<ListQuery<F>>;
  /** The record as the API serves it. */
  json: z.ZodType<ResourceJson<F>>;
  /** A page of records: `{data, nextCursor}`. */
  page: z.ZodType<{ data: ResourceJson<F>[]; nextCursor: string | null }>;
  /** The schemas to register under their names (the gateway's `named(id, schema, description)`). */
  named: NamedSchema[];
}

/** A field's description for the OpenAPI document. */
function described(schema: z.ZodType, field: AnyField): z.ZodType {
  const { description, example } = field.rules;
  if (description === undefined && example === undefined) return schema;
  return schema.meta({ ...(description === undefined ? {} : { description }), ...(example === undefined ? {} : { example }) });
}

/** Required free text of a bounded size: not blank (the service trims it, then requires something). */
export const notBlank = (text: z.ZodString) => text.min(1).regex(NOT_BLANK_PATTERN, "must not be blank");

/** "sales.account" → "account": what a reference mark says a value names. */
const referenceName = (what: string) => (/^[a-z0-9]+\.[a-z0-9_]+$/.test(what) ? what.split(".")[1]!.replace(/_/g, " ") : what);

/**
 * A field's input on create or update: text that cannot be left empty there (required, or a
 * PATCH of text that cannot be cleared) must not be blank; a value that must name something
 * existing carries the reference mark.
 */
function inputOf(field: AnyField, on: "create" | "update"): z.ZodType {
  let input = field.codec.input;
  const mustHaveText = field.rules.required || (on === "update" && !field.rules.clearable);
  if (mustHaveText && field.codec.kind === "text" && input instanceof z.ZodString) input = notBlank(input);
  if (field.rules.references) input = input.meta(reference(referenceName(field.rules.references)));
  if (field.rules.relation) input = input.meta(relation(field.rules.relation));
  if (field.rules.stateDependent) input = input.meta(stateDependent(field.rules.stateDependent));
  return input;
}

/** Fields that go together: JSON schema's dependentRequired, and the same rule checked. */
function withTogether<S extends z.ZodObject>(schema: S, pairs: readonly (readonly [string, string])[]): S {
  const keys = Object.keys(schema.shape);
  const relevant = pairs.filter(([a, b]) => keys.includes(a) && keys.includes(b));
  if (relevant.length === 0) return schema;
  const dependentRequired: Record<string, string[]> = {};
  for (const [a, b] of relevant) {
    (dependentRequired[a] ??= []).push(b);
    (dependentRequired[b] ??= []).push(a);
  }
  return schema
    .superRefine((value, ctx) => {
      const v = value as Record<string, unknown>;
      for (const [a, b] of relevant) {
        if ((v[a] === undefined) !== (v[b] === undefined)) {
          ctx.addIssue({ code: "custom", path: [v[a] === undefined ? a : b], message: `${a} and ${b} go together` });
        }
      }
    })
    .meta({ dependentRequired }) as S;
}

/** A filter as a query parameter: numbers and booleans arrive as text; text to match is not blank. */
function queryParam(field: AnyField): z.ZodType {
  const input = field.codec.input;
  switch (field.codec.kind) {
    case "int":
      return z.coerce.number().pipe(input as z.ZodNumber);
    case "boolean":
      return z.enum(["true", "false"]).transform((v) => v === "true");
    case "text":
      return input instanceof z.ZodString ? notBlank(input) : input;
    default:
      return input;
  }
}

/** The sort parameter over the given fields ("name" ascending, "-name" descending). */
export function sortParam(fields: readonly [string, ...string[]]) {
  const values = fields.flatMap((f) => [f, `-${f}`]) as [string, ...string[]];
  return z.enum(values).meta({ description: `Sort field, prefixed with '-' for descending: ${fields.join(", ")}.` });
}

const cache = new WeakMap<object, GatewaySchemas<Fields>>();

/**
 * The gateway's schemas of a resource (built once per resource when there are no extras; with
 * extras, the caller keeps what it built, as the names can be registered once).
 */
export function gatewaySchemas<F extends Fields>(r: AnyResource<F>, extras: GatewayExtras = {}): GatewaySchemas<F> {
  const plain = !extras.list && !extras.update && !extras.together;
  const known = plain ? cache.get(r) : undefined;
  if (known) return known as unknown as GatewaySchemas<F>;
  const entries = fieldEntries(r);
  const named: NamedSchema[] = [];

  const createShape: Record<string, z.ZodType> = {};
  const updateShape: Record<string, z.ZodType> = {};
  const listShape: Record<string, z.ZodType> = { limit: PAGE_LIMIT.optional(), cursor: PAGE_CURSOR.optional(), sort: sortParam(r.sorts).optional() };
  const jsonShape: Record<string, z.ZodType> = { id: z.string(), tenantId: z.string() };
  for (const [key, field] of entries) {
    if (field.rules.create) {
      const input = inputOf(field, "create");
      if (field.rules.schemaName) named.push({ ...field.rules.schemaName, schema: input });
      createShape[key] = described(field.rules.required ? input : input.optional(), field);
    }
    if (field.rules.update) {
      const input = inputOf(field, "update");
      updateShape[key] = (field.rules.clearable ? input.nullable() : input).optional();
    }
    if (field.rules.filter) listShape[key] = queryParam(field).optional();
    jsonShape[key] = field.rules.nullable ? field.codec.output.nullable() : field.codec.output;
  }
  Object.assign(listShape, extras.list);
  Object.assign(updateShape, extras.update);
  Object.assign(jsonShape, { version: VERSION, createdAt: DATE_TIME.nullable(), updatedAt: DATE_TIME.nullable() });
  const listTogether = [...r.together, ...(extras.together ?? [])];

  const update = withTogether(z.strictObject(updateShape), r.together)
    .refine((v) => Object.keys(v).length > 0, { message: "name at least one field to change" })
    // On the schema itself: z.toJSONSchema over a registry emits the schema's own metadata.
    .meta({ minProperties: 1, description: "Fields to change; null clears an optional field." });
  const json = z.object(jsonShape);
  const schemas = {
    create: withTogether(z.strictObject(createShape), r.together),
    update,
    list: withTogether(z.strictObject(listShape), listTogether),
    json,
    page: z.object({
      data: z.array(json),
      nextCursor: z.string().nullable().meta({ description: "Pass as ?cursor= for the next page; null on the last page." }),
    }),
  };
  const t = r.typeName;
  const result = {
    ...schemas,
    named: [
      { id: `${t}Create`, schema: schemas.create },
      { id: `${t}Update`, schema: schemas.update },
      { id: t, schema: schemas.json },
      { id: `${t}Page`, schema: schemas.page },
      ...named,
    ],
  } as unknown as GatewaySchemas<F>;
  if (plain) cache.set(r, result as unknown as GatewaySchemas<Fields>);
  return result;
}

/** Proto3 strings are "" when unset; the API shows null. */
function orNull(value: string | undefined): string | null {
  return value === undefined || value === "" ? null : value;
}

/** The JSON the API serves for a message: "" → null, enums as words, int64 version as a number. */
export function toJson<M, F extends Fields>(r: Resource<M, unknown, unknown, F>, message: M): ResourceJson<F> {
  const m = message as Record<string, unknown>;
  const out: Record<string, unknown> = { id: m.id, tenantId: m.tenantId };
  for (const [key, field] of fieldEntries(r)) {
    const value = m[key];
    const json = field.codec.toJson(value);
    // A field the API always serves shows the message's value even when it is "".
    out[key] = json === null && !field.rules.nullable && field.codec.emptyProto === "" ? value : json;
  }
  out.version = Number(m.version ?? 0);
  out.createdAt = orNull(m.createdAt as string | undefined);
  out.updatedAt = orNull(m.updatedAt as string | undefined);
  return out as ResourceJson<F>;
}

/** JSON create body → the gRPC create request. */
export function createRequest<F extends Fields>(r: AnyResource<F>, body: CreateBody<F>, idempotencyKey: string): CreateRequest<F> {
  const b = body as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, field] of fieldEntries(r)) {
    if (!field.rules.create) continue;
    out[key] = b[key] === undefined ? field.codec.emptyProto : field.codec.toProto(b[key]);
  }
  out.idempotencyKey = idempotencyKey;
  return out as CreateRequest<F>;
}

/** JSON update body → the gRPC update request: absent stays absent, null clears (""). */
export function updateRequest<F extends Fields>(r: AnyResource<F>, id: string, expectedVersion: string, body: UpdateBody<F>): UpdateRequest<F> {
  const b = body as Record<string, unknown>;
  const out: Record<string, unknown> = { id, expectedVersion };
  for (const [key, field] of fieldEntries(r)) {
    if (!field.rules.update || b[key] === undefined) continue;
    out[key] = b[key] === null ? field.codec.emptyProto : field.codec.toProto(b[key]);
  }
  return out as UpdateRequest<F>;
}

/** List query → the gRPC list request (page size 0: the service's default). */
export function listRequest<F extends Fields>(r: AnyResource<F>, query: ListQuery<F>): ListRequest<F> {
  const q = query as Record<string, unknown>;
  const out: Record<string, unknown> = {
    page: { pageSize: (q.limit as number | undefined) ?? 0, cursor: (q.cursor as string | undefined) ?? "", sort: (q.sort as string | undefined) ?? "" },
  };
  for (const [key, field] of fieldEntries(r)) {
    if (!field.rules.filter) continue;
    out[key] = q[key] === undefined ? field.codec.emptyProto : field.codec.toProto(q[key]);
  }
  return out as ListRequest<F>;
}
