import type { CallOptions } from "../grpc/client";
// The resource machinery's modules that load no database driver (not the `../resource` barrel).
import { operationNames } from "../resource/access";
import { createRequest, gatewaySchemas, listRequest, toJson, updateRequest, type GatewaySchemas } from "../resource/gateway";
import type { CreateBody, CreateRequest, Fields, ListRequest, Resource, UpdateRequest } from "../resource/resource";
import type { z } from "zod";
import { IdParams } from "./schemas";
import { named } from "./registry";
import { listReply, recycleBinRoutes, route, type HandlerContext, type RouteSpec } from "./route";
import { created, ok, page } from "./responses";

/**
 * The REST operations every described resource has, derived from its description: list, create,
 * get and update on `r.path`, and delete and restore through the recycle bin. A resource's route
 * file adds its custom verbs and, through hooks, what is not a field of the record.
 */

/**
 * The backend's gRPC calls of the resource, each taking the request the kit built from the JSON
 * (a list or update request also carries what the hooks' extras put in it).
 */
export interface CrudCalls<M extends { id: string; version: string }, F extends Fields> {
  list(request: ListRequest<F>, call: CallOptions): Promise<{ records: M[]; nextCursor: string | undefined }>;
  create(request: CreateRequest<F>, call: CallOptions): Promise<M>;
  get(request: { id: string }, call: CallOptions): Promise<M>;
  update(request: UpdateRequest<F>, call: CallOptions): Promise<M>;
  delete(request: { id: string; expectedVersion: string }, call: CallOptions): Promise<M>;
  restore(request: { id: string; expectedVersion: string }, call: CallOptions): Promise<M>;
}

type Ctx = HandlerContext<unknown, unknown, unknown>;

/** API inputs that are not fields of the record, and what they put in the gRPC request. */
export interface Extra<Request> {
  shape: Record<string, z.ZodType>;
  request(input: Record<string, unknown>): Request;
}

export interface CrudHooks<F extends Fields> {
  /** The OpenAPI tag of the operations. */
  tag: string;
  /** Summaries other than "List accounts", "Create an account", "Read an account", "Change an account". */
  summaries?: Partial<Record<"list" | "create" | "get" | "update", string>>;
  /** Query parameters of the list that are not fields, and the pairs of them that go together. */
  listParams?: Extra<Record<string, unknown>> & { together?: readonly (readonly [string, string])[] };
  /** PATCH fields that are not fields of the record (a flag the service acts on). */
  updateFields?: Extra<Record<string, unknown>>;
  /** Create defaults that depend on the caller (a partner client's lead source). */
  createDefaults?(body: CreateBody<F>, ctx: Ctx): CreateBody<F>;
  /** What refuses a delete (409), for its description ("while contacts ... depend on it"). */
  refusedWhen?: string;
  /** A rule of the resource's own about deleting it. */
  deleteNote?: string;
}

const built = new WeakMap<object, GatewaySchemas<Fields>>();

/** The resource's schemas, with the hooks' extras, registered under their names once. */
function schemasOf<F extends Fields>(r: Resource<unknown, unknown, unknown, F>, hooks: CrudHooks<F>): GatewaySchemas<F> {
  const known = built.get(r);
  if (known) return known as unknown as GatewaySchemas<F>;
  const schemas = gatewaySchemas(r, { list: hooks.listParams?.shape, together: hooks.listParams?.together, update: hooks.updateFields?.shape });
  for (const n of schemas.named) named(n.id, n.schema, n.description);
  built.set(r, schemas as unknown as GatewaySchemas<Fields>);
  return schemas;
}

/** The schemas crudRoutes registered for the resource: its custom verbs answer with the same record schema. */
export function crudSchemas<F extends Fields>(r: Resource<unknown, unknown, unknown, F>): GatewaySchemas<F> {
  const known = built.get(r);
  if (!known) throw new Error(`${r.name}: crudRoutes first, then its custom verbs`);
  return known as unknown as GatewaySchemas<F>;
}

const pick = (input: object, keys: Record<string, unknown> | undefined): Record<string, unknown> =>
  Object.fromEntries(Object.keys(keys ?? {}).map((k) => [k, (input as Record<string, unknown>)[k]]));

const capitalized = (s: string) => s[0]!.toUpperCase() + s.slice(1);

export function crudRoutes<M extends { id: string; version: string }, F extends Fields>(
  r: Resource<M, unknown, unknown, F>,
  calls: CrudCalls<M, F>,
  hooks: CrudHooks<F>,
): RouteSpec[] {
  const schemas = schemasOf(r, hooks);
  const operations = operationNames(r) as Record<"read" | "create" | "update" | "delete", string>;
  const what = r.typeName.replace(/[A-Z]/g, (c, i: number) => (i ? " " : "") + c.toLowerCase());
  const a = /^[aeiou]/.test(what) ? "an" : "a";
  const Plural = capitalized(r.plural);
  const json = (record: M) => toJson(r, record);
  const summary = { list: `List ${r.plural}`, create: `Create ${a} ${what}`, get: `Read ${a} ${what}`, update: `Change ${a} ${what}`, ...hooks.summaries };
  const { listParams, updateFields } = hooks;
  return [
    route({
      operationId: `list${Plural}`,
      method: "get",
      path: r.path,
      operation: operations.read,
      tag: hooks.tag,
      summary: summary.list,
      query: schemas.list,
      responses: { 200: page(schemas.page) },
      handler: async (ctx) => {
        const extra = listParams ? listParams.request(pick(ctx.query, listParams.shape)) : {};
        const res = await calls.list({ ...listRequest(r, ctx.query), ...extra }, ctx.call);
        return listReply(ctx, res.records.map(json), res.nextCursor);
      },
    }),
    route({
      operationId: `create${r.typeName}`,
      method: "post",
      path: r.path,
      operation: operations.create,
      tag: hooks.tag,
      summary: summary.create,
      body: schemas.create,
      idempotencyKey: true,
      responses: { 201: created(schemas.json) },
      handler: async (ctx) => {
        const body = hooks.createDefaults ? hooks.createDefaults(ctx.body, ctx) : ctx.body;
        const record = await calls.create(createRequest(r, body, ctx.idempotencyKey), ctx.call);
        return { status: 201, body: json(record), version: record.version, location: `${r.path}/${record.id}` };
      },
    }),
    route({
      operationId: `get${r.typeName}`,
      method: "get",
      path: `${r.path}/:id`,
      operation: operations.read,
      tag: hooks.tag,
      summary: summary.get,
      params: IdParams,
      responses: { 200: ok(schemas.json) },
      handler: async (ctx) => {
        const record = await calls.get({ id: ctx.params.id }, ctx.call);
        return { body: json(record), version: record.version };
      },
    }),
    route({
      operationId: `update${r.typeName}`,
      method: "patch",
      path: `${r.path}/:id`,
      operation: operations.update,
      tag: hooks.tag,
      summary: summary.update,
      params: IdParams,
      body: schemas.update,
      ifMatch: "required",
      responses: { 200: ok(schemas.json, `The changed ${what}.`) },
      handler: async (ctx) => {
        const extra = updateFields ? updateFields.request(pick(ctx.body, updateFields.shape)) : {};
        const record = await calls.update({ ...updateRequest(r, ctx.params.id, ctx.expectedVersion, ctx.body), ...extra }, ctx.call);
        return { body: json(record), version: record.version };
      },
    }),
    ...recycleBinRoutes({
      path: r.path,
      name: r.typeName,
      what,
      tag: hooks.tag,
      operation: operations.delete,
      schema: schemas.json,
      toJson: json,
      ...(hooks.refusedWhen ? { refusedWhen: hooks.refusedWhen } : {}),
      ...(hooks.deleteNote ? { note: hooks.deleteNote } : {}),
      calls: { delete: calls.delete, restore: calls.restore },
    }),
  ];
}
