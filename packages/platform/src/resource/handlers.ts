import type { Actor } from "../actor";
import type { PendingEvent } from "../events/outbox";
import type { CallContext } from "../grpc/service";
import type { PageRequest } from "../pagination";
import { changedFields } from "../store/queries";
import type { BaseRecord } from "../store/records";
import type { NewFields, Repository, TenantRecords, UpdateOptions } from "../store/repository";
import type { CreateInput, Fields, Resource, ResourceRecord } from "./resource";
import { serviceSchemas } from "./service";
import { toMessage } from "./store";
import { validate } from "../validation";

/** What only the service knows about a resource's create and update: its rules and defaults. */
export interface ResourceRules<F extends Fields, T extends BaseRecord> {
  /**
   * The new record's fields from the checked input (without the idempotency key): defaults that
   * need the caller or the tenant, references to look up, rules that refuse by throwing.
   * `fresh` is the new record's id and creation time. Without it the record is the input.
   */
  create?(
    input: Omit<CreateInput<F>, "idempotencyKey">,
    records: TenantRecords<T>,
    ctx: CallContext,
    fresh: { id: string; now: Date },
  ): NewFields<T> | Promise<NewFields<T>>;
  /** Rules on what an update changes, given the record as it is; they refuse by throwing. */
  update?(set: { [K in keyof T]?: T[K] | null }, current: T, records: TenantRecords<T>, ctx: CallContext): void | Promise<void>;
  /** Conditions the record must still meet when an update is written (e.g. "not being converted"). */
  updateOptions?: UpdateOptions;
}

/** The generic gRPC verbs of a resource, each checking its request with the description. */
export interface ResourceHandlers<M> {
  create(request: unknown, ctx: CallContext): Promise<M>;
  get(request: unknown, ctx: CallContext): Promise<M>;
  /** The page of messages; the caller wraps it in its List…Response. */
  list(request: { page?: PageRequest }, ctx: CallContext): Promise<{ rows: M[]; nextCursor: string }>;
  update(request: unknown, ctx: CallContext): Promise<M>;
}

/**
 * Create, get, list and update of a described resource over its tenant-bound repository: the
 * request checked with `serviceSchemas(r)`, the record answered with `toMessage(r, record)`,
 * `created` / `updated` events in the same write. An update that changes nothing writes nothing.
 */
export function resourceHandlers<M, F extends Fields, T extends BaseRecord>(
  r: Resource<M, unknown, unknown, F>,
  records: Repository<T>,
  event: (kind: "created" | "updated", record: T, actor: Actor) => PendingEvent,
  rules: ResourceRules<F, T>,
): ResourceHandlers<M> {
  const schemas = serviceSchemas(r);
  const toProto = (record: T) => toMessage(r, record as unknown as ResourceRecord<F>);
  return {
    async create(request, ctx) {
      const input = validate(schemas.create, request);
      const tenant = records.in(ctx);
      const record = await tenant.create({
        idempotencyKey: input.idempotencyKey,
        request: input,
        build: (fresh) => {
          const { idempotencyKey: _key, ...fields } = input;
          return rules.create ? rules.create(fields, tenant, ctx, fresh) : (fields as unknown as NewFields<T>);
        },
        events: (created, actor) => [event("created", created, actor)],
      });
      return toProto(record);
    },

    async get(request, ctx) {
      const input = validate(schemas.get, request);
      return toProto(await records.in(ctx).get(input.id));
    },

    async list(request, ctx) {
      const filters = validate(schemas.list, request);
      const { rows, nextCursor } = await records.in(ctx).list(filters, request.page);
      return { rows: rows.map(toProto), nextCursor };
    },

    async update(request, ctx) {
      const { id, expectedVersion, ...fields } = validate(schemas.update, request);
      const tenant = records.in(ctx);
      const record = await tenant.update(
        id,
        expectedVersion,
        async (current) => {
          const set = changedFields(current, fields as unknown as { [K in keyof T]?: T[K] });
          if (Object.keys(set).length === 0) return null;
          await rules.update?.(set, current, tenant, ctx);
          return { set, events: (next, actor) => [event("updated", next, actor)] };
        },
        rules.updateOptions,
      );
      return toProto(record);
    },
  };
}
