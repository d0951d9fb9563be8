import type { Role } from "../identity";
import type { BaseRecord } from "../store/records";
import { RESOURCE_NAME_PATTERN, type AnyField, type FieldKind } from "./fields";

/** A resource's fields by their names in the generated message (camelCase). */
export type Fields = Record<string, AnyField>;

/** The generic operations of a resource: list and get, create, update, delete and restore. */
export type ResourceOperation = "read" | "create" | "update" | "delete";

/** Who may read and write a resource: people by role, partner clients by OAuth scope. */
export interface Access {
  read: readonly Role[];
  /** Create, update, delete and restore. */
  write: readonly Role[];
  /** The scope a partner client needs per operation; no scope: partner clients may not. */
  scopes?: Partial<Record<ResourceOperation, string>>;
  /**
   * What a permission row says, where the resource's custom verbs share it ("update, qualify and
   * assign leads"); `write` is the row of create and update when they share one.
   */
  says?: Partial<Record<ResourceOperation | "write", string>>;
}

export interface ResourceDescription<F extends Fields> {
  /** `<service>.<resource>` in lower case: "sales.account"; it prefixes the resource's events. */
  name: string;
  /** The REST collection: "/v1/accounts". */
  path: string;
  /** The database collection. */
  collection: string;
  fields: F;
  access: Access;
  /** Fields that carry personal data (redacted from traces and logs). */
  pii?: readonly (keyof F & string)[];
  /** Filters that only mean something together (`relatedType` with `relatedId`). */
  together?: readonly (readonly [keyof F & string, keyof F & string])[];
  /** The list order when the caller names none; "-createdAt" by default. */
  defaultSort?: string;
}

/** The fields every resource message carries and the kit fills in itself. */
export type BaseKey = "id" | "tenantId" | "version" | "createdAt" | "updatedAt";

type Types<X> = X extends AnyField ? X["typeOnly"]["types"] : never;
type Flags<X> = X extends AnyField ? X["typeOnly"]["flags"] : never;
type KeysWhere<F extends Fields, Flag extends keyof AnyField["typeOnly"]["flags"]> = {
  [K in keyof F]: Flags<F[K]>[Flag] extends true ? K : never;
}[keyof F];

/** The JSON the API serves for a record. */
export type ResourceJson<F extends Fields> = {
  id: string;
  tenantId: string;
  version: number;
  createdAt: string | null;
  updatedAt: string | null;
} & { [K in keyof F]: Flags<F[K]>["nullable"] extends true ? Types<F[K]>["json"] | null : Types<F[K]>["json"] };

type Writable<F extends Fields, On extends "create" | "update"> = KeysWhere<F, On>;

/** The body of a create (POST). */
export type CreateBody<F extends Fields> = {
  [K in keyof F as K extends Writable<F, "create"> ? (K extends KeysWhere<F, "required"> ? K : never) : never]: Types<F[K]>["json"];
} & {
  [K in keyof F as K extends Writable<F, "create"> ? (K extends KeysWhere<F, "required"> ? never : K) : never]?: Types<F[K]>["json"];
};

/** The body of an update (PATCH): absent is unchanged, null clears a clearable field. */
export type UpdateBody<F extends Fields> = {
  [K in Writable<F, "update">]?: Types<F[K]>["json"] | (Flags<F[K]>["clearable"] extends true ? null : never);
};

/** The query of a list: paging, sort and the filters. */
export type ListQuery<F extends Fields> = { limit?: number; cursor?: string; sort?: string } & {
  [K in KeysWhere<F, "filter">]?: Types<F[K]>["json"];
};

type RecordValue<X> = Types<X>["record"];
type MaybeAbsent<F extends Fields> = { [K in keyof F]: undefined extends RecordValue<F[K]> ? K : never }[keyof F];

/**
 * A record as the service stores it: the kit's record fields (id, tenant, version, times,
 * idempotency key, recycle bin) and each field; a value that may be absent (an UNSPECIFIED enum,
 * no amount, no time) is optional.
 */
export type ResourceRecord<F extends Fields> = BaseRecord & { [K in Exclude<keyof F, MaybeAbsent<F>>]: RecordValue<F[K]> } & {
  [K in MaybeAbsent<F>]?: RecordValue<F[K]>;
};

/** The service's checked create input: record values, and the caller's idempotency key. */
export type CreateInput<F extends Fields> = {
  // A required value is always there once checked.
  [K in Writable<F, "create">]: K extends KeysWhere<F, "required"> ? NonNullable<RecordValue<F[K]>> : RecordValue<F[K]>;
} & { idempotencyKey: string };

/** The service's checked update input: only the fields the request carries. */
export type UpdateInput<F extends Fields> = { id: string; expectedVersion: number } & { [K in Writable<F, "update">]?: Types<F[K]>["record"] };

/** The service's checked list filters: only those the request sets. */
export type ListFilters<F extends Fields> = { [K in KeysWhere<F, "filter">]?: Types<F[K]>["record"] };

type Proto<X> = Types<X>["proto"];

/** A create request for `CreateXRequest.fromPartial`: every writable field, "none" where absent. */
export type CreateRequest<F extends Fields> = { [K in KeysWhere<F, "create">]: Proto<F[K]> } & { idempotencyKey: string };
/** An update request: only the fields the body carries (proto3 `optional`), null as "". */
export type UpdateRequest<F extends Fields> = { id: string; expectedVersion: string } & { [K in KeysWhere<F, "update">]?: Proto<F[K]> };
/** A list request: the page and every filter ("none" where absent). */
export type ListRequest<F extends Fields> = { page: { pageSize: number; cursor: string; sort: string } } & {
  [K in KeysWhere<F, "filter">]: Proto<F[K]>;
};

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * The compile-time check of a description against the generated messages: each property is
 * `unknown` (fine) or a sentence saying what is wrong, which a Field is not assignable to.
 */
type Checked<M, C, U, L, F extends Fields> = {
  [K in keyof F]: K extends Exclude<keyof M, BaseKey>
    ? Same<M[K], Types<F[K]>["proto"]> extends true
      ? (Flags<F[K]>["create"] extends true ? (K extends keyof C ? unknown : `${K & string} is not a field of the create request`) : unknown) &
          (Flags<F[K]>["update"] extends true
            ? K extends keyof U
              ? [U[K]] extends [Types<F[K]>["proto"] | undefined]
                ? unknown
                : `${K & string} has another type in the update request`
              : `${K & string} is not a field of the update request`
            : unknown) &
          (Flags<F[K]>["filter"] extends true ? ([L] extends [never] ? unknown : K extends keyof L ? unknown : `${K & string} is not a filter of the list request`) : unknown)
      : `${K & string} does not have the message's type`
    : `${K & string} is not a field of the message`;
};

/** The message's fields the description leaves out (every one must be described). */
type Undescribed<M, F extends Fields> = Exclude<keyof M, keyof F | BaseKey>;

/**
 * What every derivation reads from a described resource. F appears only as `fields`, so any
 * resource is an `AnyResource` (a gateway or a test can hold a list of them).
 */
export interface AnyResource<F extends Fields = Fields> {
  readonly name: string;
  readonly path: string;
  readonly collection: string;
  readonly fields: F;
  readonly access: Access;
  readonly defaultSort: string;
  readonly pii: readonly string[];
  readonly together: readonly (readonly [string, string])[];
  /** "Account", "KnowledgeArticle": the prefix of the resource's schema names. */
  readonly typeName: string;
  /** "accounts": the last segment of the path, the prefix of its permission rows. */
  readonly plural: string;
  /** The sort fields: createdAt, updatedAt, then the sortable fields. */
  readonly sorts: readonly [string, ...string[]];
  readonly filters: readonly string[];
}

/** A described resource, with the messages it was checked against (and its name as a literal type). */
export interface Resource<M, C, U, F extends Fields, N extends string = string> extends AnyResource<F> {
  readonly name: N;
  readonly pii: readonly (keyof F & string)[];
  readonly together: readonly (readonly [keyof F & string, keyof F & string])[];
  readonly filters: readonly (keyof F & string)[];
  /** Type-level only: the messages the description was checked against (no runtime value). */
  readonly typeOnly?: { message: M; create: C; update: U };
}

/** Kinds whose value fits one query parameter. */
const QUERY_KINDS = new Set<FieldKind>(["text", "email", "phone", "httpUrl", "date", "timestamp", "enum", "ref", "int", "boolean", "owner"]);

/**
 * Describes a resource, checked at compile time against its generated message M, create
 * request C, update request U and (optionally) list request L: a field that is not in the
 * message, has another type there, or is writable where the request has no such field fails
 * to compile, and so does a message field left undescribed.
 */
export function resource<M, C, U, L = never>() {
  return <F extends Fields, const N extends string>(
    description: ResourceDescription<F> & { name: N; fields: NoInfer<Checked<M, C, U, L, F>> } & ([Undescribed<M, F>] extends [never]
        ? unknown
        : { undescribed: Undescribed<M, F> }),
  ): Resource<M, C, U, F, N> => {
    const d: ResourceDescription<F> = description;
    if (!RESOURCE_NAME_PATTERN.test(d.name)) throw new Error(`resource name ${d.name} must be <service>.<resource> in lower case`);
    const plural = d.path.split("/").filter(Boolean).pop() ?? "";
    const resourcePart = d.name.split(".")[1]!;
    const typeName = resourcePart
      .split("_")
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join("");
    const entries = Object.entries(d.fields) as [keyof F & string, AnyField][];
    for (const [key, field] of entries) {
      if (field.rules.required && !field.rules.create) throw new Error(`${d.name}.${key}: a required field must be writable on create`);
      if (field.rules.filter && !QUERY_KINDS.has(field.codec.kind)) throw new Error(`${d.name}.${key}: a ${field.codec.kind} field cannot be a query parameter`);
    }
    return {
      name: description.name,
      path: d.path,
      collection: d.collection,
      fields: d.fields,
      access: d.access,
      pii: d.pii ?? [],
      together: d.together ?? [],
      defaultSort: d.defaultSort ?? "-createdAt",
      typeName,
      plural,
      sorts: ["createdAt", "updatedAt", ...entries.filter(([, x]) => x.rules.sortable).map(([k]) => k)],
      filters: entries.filter(([, x]) => x.rules.filter).map(([k]) => k),
    };
  };
}

/** The fields of a resource as a typed list of entries. */
export function fieldEntries<F extends Fields>(r: AnyResource<F>): [keyof F & string, AnyField][] {
  return Object.entries(r.fields) as [keyof F & string, AnyField][];
}
